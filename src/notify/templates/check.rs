//! Whether an admin's override may be saved.
use minijinja::Environment;
use minijinja::value::Value;

use super::{
    MAX_SOURCE_CHARS, Source, TemplateProblem, error, fields, one_line, render_field,
    sample_context, to_value, variables,
};
use crate::domain::notification::Event;

/// Whether `source` may be saved as `event`'s override: each field is
/// rendered with [`sample_context`], and every problem is reported against
/// its field. Beyond rendering: subject and bodies must not be empty nor
/// longer than [`MAX_SOURCE_CHARS`], only [`variables`] may be named (in
/// every branch, not only the one the sample takes), and a reminder's text
/// and HTML must carry the unsubscribe link.
pub fn check(source: &Source, event: Event) -> Result<(), Vec<TemplateProblem>> {
    let ctx = to_value(&sample_context(event));
    let problems: Vec<TemplateProblem> = fields(source)
        .into_iter()
        .filter_map(|(field, src, env)| check_field(field, src, env, &ctx, event).err())
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

fn check_field(
    field: &'static str,
    src: &str,
    env: &'static Environment<'static>,
    ctx: &Value,
    event: Event,
) -> Result<(), TemplateProblem> {
    let problem = |code, message: String| TemplateProblem {
        field,
        code,
        message,
    };
    if src.trim().is_empty() {
        return Err(problem(
            "required",
            format!("the {field} template may not be empty"),
        ));
    }
    let chars = src.chars().count();
    if chars > MAX_SOURCE_CHARS {
        return Err(problem(
            "length",
            format!("the {field} template has {chars} characters; at most {MAX_SOURCE_CHARS}"),
        ));
    }
    let tmpl = env
        .template_from_named_str(field, src)
        .map_err(|e| error(field, "syntax", &e))?;
    let unknown = unknown_variables(&tmpl, env, event);
    if !unknown.is_empty() {
        let known = variables(event).join(", ");
        return Err(problem(
            "unknown_variable",
            format!(
                "unknown variable {}; available: {known}",
                unknown.join(", ")
            ),
        ));
    }
    let out = render_field(field, src, env, ctx)?;
    if field == "subject" && one_line(&out).is_empty() {
        return Err(problem("required", "the subject renders empty".into()));
    }
    if event.is_reminder() && field != "subject" {
        let url = ctx
            .get_attr("unsubscribe_url")
            .map(|u| u.to_string())
            .unwrap_or_default();
        if !out.contains(&url) {
            return Err(problem(
                "unsubscribe",
                format!("a reminder's {field} must include {{{{ unsubscribe_url }}}}"),
            ));
        }
    }
    Ok(())
}

/// Names the template reads that are neither the event's variables nor the
/// environment's globals (`range`, `namespace`...), sorted.
fn unknown_variables(
    tmpl: &minijinja::Template<'_, '_>,
    env: &Environment<'static>,
    event: Event,
) -> Vec<String> {
    let known = variables(event);
    let mut unknown: Vec<String> = tmpl
        .undeclared_variables(false)
        .into_iter()
        .filter(|name| !known.contains(&name.as_str()))
        .filter(|name| env.globals().all(|(global, _)| global != name))
        .collect();
    unknown.sort();
    unknown
}
