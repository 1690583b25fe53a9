//! One error type for the whole API, rendered once as RFC 9457
//! `application/problem+json`.
use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use sea_orm::{DbErr, SqlErr};
use serde::Serialize;
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// One invalid field of a request.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct FieldError {
    /// The field, dotted for nested values (`answers.0.value`).
    #[schema(example = "email")]
    pub field: String,
    /// A stable machine-readable code (`email`, `length`, `range`, `required`...).
    #[schema(example = "email")]
    pub code: String,
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

/// RFC 9457 problem details, the body of every non-2xx response.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "about:blank", "title": "Not Found", "status": 404,
    "detail": "cycle not found", "request_id": "2b1f8a9e-3c4d-4e5f-8a9b-0c1d2e3f4a5b"
}))]
pub struct Problem {
    #[serde(rename = "type")]
    #[schema(example = "about:blank")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// The request's `X-Request-Id`, for support and logs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Per-field failures; present on 422 only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("request has invalid fields")]
    Validation(Vec<FieldError>),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("too many requests; retry in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error("the service is not ready: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn not_found(what: &str) -> Self {
        Self::NotFound(format!("{what} not found"))
    }

    /// A 422 for a single field.
    pub fn invalid(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, code, message)])
    }
}

impl From<DbErr> for ApiError {
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                Self::Conflict("conflicts with an existing record".into())
            }
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => {
                Self::Conflict("refers to a record that does not exist or is still in use".into())
            }
            _ => match err {
                DbErr::RecordNotFound(what) => Self::NotFound(what),
                other => Self::Internal(anyhow::Error::new(other)),
            },
        }
    }
}

impl From<validator::ValidationErrors> for ApiError {
    fn from(errs: validator::ValidationErrors) -> Self {
        let mut out = Vec::new();
        collect_validation(&errs, "", &mut out);
        out.sort_by(|a, b| a.field.cmp(&b.field));
        Self::Validation(out)
    }
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

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let request_id = crate::telemetry::current_request_id();
        let detail = match self {
            Self::Internal(err) => {
                tracing::error!(error = ?err, request_id = request_id.as_deref().unwrap_or("-"), "internal error");
                "an internal error occurred; quote the request_id when reporting it".to_owned()
            }
            Self::Unavailable(_) => "the service is not ready".to_owned(),
            other => other.to_string(),
        };
        let errors = match self {
            Self::Validation(errs) => Some(errs.clone()),
            _ => None,
        };
        let mut builder = HttpResponse::build(status);
        if let Self::RateLimited { retry_after_secs } = self {
            builder.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
        }
        if status == StatusCode::UNAUTHORIZED {
            builder.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        builder
            .content_type(PROBLEM_JSON)
            .json(problem(status, detail, request_id, errors))
    }
}

/// Builds a problem body for `status`.
pub fn problem(
    status: StatusCode,
    detail: String,
    request_id: Option<String>,
    errors: Option<Vec<FieldError>>,
) -> Problem {
    Problem {
        type_: "about:blank".to_owned(),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail,
        request_id,
        errors,
    }
}
