//! One error type for the whole API, rendered once as RFC 9457
//! `application/problem+json`.
use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

pub use crate::domain::FieldError;
use crate::domain::import::ImportReport;
use crate::service::ServiceError;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// RFC 9457 problem details, the body of every non-2xx response.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "about:blank", "title": "Not Found", "status": 404,
    "detail": "cycle not found", "request_id": "2b1f8a9e-3c4d-4e5f-8a9b-0c1d2e3f4a5b"
}))]
pub struct Problem {
    /// Always `about:blank`: the status code says what kind of problem it is.
    #[serde(rename = "type")]
    #[schema(example = "about:blank")]
    pub type_: String,
    /// The status code's standard phrase, e.g. `Not Found`.
    pub title: String,
    /// The HTTP status code, repeated.
    pub status: u16,
    /// What went wrong, for people; a 409 names the allowed transitions
    /// where there are some. Never internal details.
    pub detail: String,
    /// The request's `X-Request-Id`, for support and logs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Per-field failures; present on 422 only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
    /// A refused bulk import's report, listing every problem of the file;
    /// present on that 422 only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<Box<ImportReport>>,
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
    #[error("{method} is not allowed here; allowed: {allowed}")]
    MethodNotAllowed { method: String, allowed: String },
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("the file has {} problem(s); nothing was imported", .0.errors.len())]
    ImportRejected(Box<ImportReport>),
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

impl From<ServiceError> for ApiError {
    fn from(err: ServiceError) -> Self {
        match err {
            ServiceError::BadRequest(m) => Self::BadRequest(m),
            ServiceError::Unauthorized(m) => Self::Unauthorized(m),
            ServiceError::Forbidden(m) => Self::Forbidden(m),
            ServiceError::NotFound(m) => Self::NotFound(m),
            ServiceError::Conflict(m) => Self::Conflict(m),
            ServiceError::Validation(errors) => Self::Validation(errors),
            ServiceError::ImportRejected(report) => Self::ImportRejected(report),
            ServiceError::Internal(e) => Self::Internal(e),
        }
    }
}

impl From<validator::ValidationErrors> for ApiError {
    fn from(errs: validator::ValidationErrors) -> Self {
        Self::Validation(crate::domain::field_error::from_validator(&errs))
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
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::ImportRejected(_) => StatusCode::UNPROCESSABLE_ENTITY,
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
        if let Self::MethodNotAllowed { allowed, .. } = self {
            builder.insert_header((header::ALLOW, allowed.clone()));
        }
        if status == StatusCode::UNAUTHORIZED {
            builder.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        let mut body = problem(status, detail, request_id, errors);
        if let Self::ImportRejected(report) = self {
            body.report = Some(report.clone());
        }
        builder.content_type(PROBLEM_JSON).json(body)
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
        report: None,
    }
}
