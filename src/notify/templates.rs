//! Message templates and their renderer.
//!
//! Every message is three templates (subject, plain text, HTML) written in
//! minijinja, Jinja's syntax. The same renderer serves the shipped defaults
//! and an admin's overrides, so an override is checked at save time by
//! rendering it with sample data: undefined variables are errors, never
//! blanks, and the HTML part escapes every value it prints.
use std::collections::BTreeMap;
use std::sync::LazyLock;

use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, ErrorKind, UndefinedBehavior};

use crate::domain::field_error::FieldError;

mod catalog;
mod check;
#[cfg(test)]
mod tests;

pub use catalog::{default_source, sample_context, variables};
pub use check::check;

/// The template sources of one event: the shipped default or an admin's
/// override. Each is a whole message (the HTML a full document).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// A message ready to send: a one-line subject and both bodies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// A template that could not be rendered, and which of the three it was.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field} template: {message}")]
pub struct TemplateError {
    /// `subject`, `text` or `html`.
    pub field: &'static str,
    /// A stable code: `syntax`, `render` or `escaping`.
    pub code: &'static str,
    pub message: String,
}

/// Why `check` refuses a source, per field (for a 422 naming the field).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateProblem {
    /// `subject`, `text` or `html`.
    pub field: &'static str,
    /// A stable code: `required`, `length`, `syntax`, `unknown_variable`,
    /// `render`, `escaping` or `unsubscribe`.
    pub code: &'static str,
    pub message: String,
}

impl From<TemplateError> for TemplateProblem {
    fn from(e: TemplateError) -> Self {
        Self {
            field: e.field,
            code: e.code,
            message: e.message,
        }
    }
}

impl From<TemplateProblem> for FieldError {
    fn from(p: TemplateProblem) -> Self {
        FieldError::new(p.field, p.code, p.message)
    }
}

/// The longest template source accepted, per field, in characters.
pub const MAX_SOURCE_CHARS: usize = 20_000;
/// The longest subject sent, in characters.
pub const MAX_SUBJECT_CHARS: usize = 200;
/// Work allowed per render: far above what a message needs, low enough that
/// a runaway loop in an override fails quickly instead of hanging a request.
const FUEL: u64 = 200_000;

static PLAIN: LazyLock<Environment<'static>> = LazyLock::new(|| environment(AutoEscape::None));
static HTML: LazyLock<Environment<'static>> = LazyLock::new(|| environment(AutoEscape::Html));

fn environment(escape: AutoEscape) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_fuel(Some(FUEL));
    if matches!(escape, AutoEscape::Html) {
        // Values are escaped and nothing may opt out: every value in a
        // message's context comes from a member, never markup.
        env.remove_filter("safe");
        env.set_formatter(html_formatter);
    }
    env.set_auto_escape_callback(move |_| escape.clone());
    env
}

/// minijinja's HTML escaping also writes `/` as `&#x2f;`, which makes every
/// printed URL an entity soup; escape only what HTML needs.
fn html_formatter(
    out: &mut minijinja::Output,
    state: &mut minijinja::State,
    value: &Value,
) -> Result<(), minijinja::Error> {
    if value.is_safe() || value.is_undefined() || value.is_none() {
        return minijinja::escape_formatter(out, state, value);
    }
    out.write_str(&escape_html(&value.to_string()))
        .map_err(|_| minijinja::Error::from(ErrorKind::WriteFailure))
}

/// Text made safe inside HTML (or XML) elements and quoted attributes:
/// `& < > " '` as entities, nothing else touched.
pub fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// The three fields of a source with the environment each renders in.
fn fields(source: &Source) -> [(&'static str, &str, &'static Environment<'static>); 3] {
    [
        ("subject", &source.subject, &PLAIN),
        ("text", &source.text, &PLAIN),
        ("html", &source.html, &HTML),
    ]
}

/// Renders a message: subject and text as written, HTML with every value
/// escaped. A variable missing from `ctx` is an error.
pub fn render(source: &Source, ctx: &serde_json::Value) -> Result<Rendered, TemplateError> {
    let ctx = to_value(ctx);
    let [subject, text, html] =
        fields(source).map(|(field, src, env)| render_field(field, src, env, &ctx));
    Ok(Rendered {
        subject: one_line(&subject?),
        text: text?,
        html: html?,
    })
}

fn render_field(
    field: &'static str,
    src: &str,
    env: &Environment<'static>,
    ctx: &Value,
) -> Result<String, TemplateError> {
    if field == "html" && turns_escaping_off(src) {
        return Err(TemplateError {
            field,
            code: "escaping",
            message: "the HTML template may not turn escaping off (`autoescape`)".into(),
        });
    }
    let tmpl = env
        .template_from_named_str(field, src)
        .map_err(|e| error(field, "syntax", &e))?;
    tmpl.render(ctx).map_err(|e| error(field, "render", &e))
}

fn error(field: &'static str, code: &'static str, e: &minijinja::Error) -> TemplateError {
    let mut message = e.kind().to_string();
    if let Some(detail) = e.detail() {
        message = format!("{message}: {detail}");
    }
    if let Some(line) = e.line() {
        message = format!("{message} (line {line})");
    }
    TemplateError {
        field,
        code,
        message,
    }
}

/// `{% autoescape false %}` would print members' values unescaped.
fn turns_escaping_off(src: &str) -> bool {
    src.split("{%").skip(1).any(|tag| {
        tag.trim_start_matches(['-', '+'])
            .trim_start()
            .starts_with("autoescape")
    })
}

/// A subject is one header line: whitespace (newlines too) collapses to
/// single spaces, and it stops at [`MAX_SUBJECT_CHARS`].
fn one_line(s: &str) -> String {
    let spaced: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let line = spaced.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= MAX_SUBJECT_CHARS {
        return line;
    }
    let cut: String = line.chars().take(MAX_SUBJECT_CHARS - 1).collect();
    format!("{}…", cut.trim_end())
}

fn to_value(v: &serde_json::Value) -> Value {
    use serde_json::Value as J;
    match v {
        J::Null => Value::from(()),
        J::Bool(b) => Value::from(*b),
        J::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Value::from(i),
            (None, Some(u)) => Value::from(u),
            (None, None) => Value::from(n.as_f64().unwrap_or(f64::NAN)),
        },
        J::String(s) => Value::from(s.as_str()),
        J::Array(items) => items.iter().map(to_value).collect(),
        J::Object(map) => Value::from(
            map.iter()
                .map(|(k, v)| (k.clone(), to_value(v)))
                .collect::<BTreeMap<String, Value>>(),
        ),
    }
}
