//! A field that failed a rule, as every layer reports it.
use serde::Serialize;
use utoipa::ToSchema;

/// One invalid field of a request.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct FieldError {
    /// The field, dotted for nested values (`answers.0`); a missing answer
    /// to a required question is `answers[<question id>]`.
    #[schema(example = "email")]
    pub field: String,
    /// A stable machine-readable code (`email`, `length`, `range`, `required`...).
    #[schema(example = "email")]
    pub code: String,
    /// What is wrong, for people.
    #[schema(example = "must be a valid email address")]
    pub message: String,
}

impl FieldError {
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }
    }
}

/// Every failure of a `validator` check, one per field, sorted by field.
pub fn from_validator(errs: &validator::ValidationErrors) -> Vec<FieldError> {
    let mut out = Vec::new();
    collect_validation(errs, "", &mut out);
    out.sort_by(|a, b| a.field.cmp(&b.field));
    out
}

fn collect_validation(errs: &validator::ValidationErrors, prefix: &str, out: &mut Vec<FieldError>) {
    use validator::ValidationErrorsKind as K;
    for (field, kind) in errs.errors() {
        let name = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            K::Field(list) => out.extend(list.iter().map(|e| {
                let message = e
                    .message
                    .as_ref()
                    .map(|m| m.to_string())
                    .unwrap_or_else(|| default_message(&e.code, &e.params));
                FieldError::new(name.clone(), e.code.to_string(), message)
            })),
            K::Struct(inner) => collect_validation(inner, &name, out),
            K::List(items) => {
                for (i, inner) in items {
                    collect_validation(inner, &format!("{name}.{i}"), out)
                }
            }
        }
    }
}

fn default_message(
    code: &str,
    params: &std::collections::HashMap<std::borrow::Cow<'static, str>, serde_json::Value>,
) -> String {
    let p = |k: &str| params.get(k).map(|v| v.to_string());
    match code {
        "email" => "must be a valid email address".into(),
        "url" => "must be a valid URL".into(),
        "length" => match (p("min"), p("max")) {
            (Some(min), Some(max)) => format!("length must be between {min} and {max}"),
            (Some(min), None) => format!("length must be at least {min}"),
            (None, Some(max)) => format!("length must be at most {max}"),
            _ => "has an invalid length".into(),
        },
        "range" => match (p("min"), p("max")) {
            (Some(min), Some(max)) => format!("must be between {min} and {max}"),
            (Some(min), None) => format!("must be at least {min}"),
            (None, Some(max)) => format!("must be at most {max}"),
            _ => "is out of range".into(),
        },
        other => format!("is invalid ({other})"),
    }
}
