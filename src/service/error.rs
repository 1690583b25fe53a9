//! The service layer's error: what went wrong in the program's terms,
//! with no HTTP in it. The API maps each variant to a status once.
use crate::domain::FieldError;
use crate::domain::access::Denied;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The request itself is unusable (400).
    #[error("{0}")]
    BadRequest(String),
    /// Missing or invalid credentials (401).
    #[error("{0}")]
    Unauthorized(String),
    /// Known caller, not allowed (403).
    #[error("{0}")]
    Forbidden(String),
    /// No such object, or one the caller may not know of (404).
    #[error("{0}")]
    NotFound(String),
    /// Conflicts with the current state or a unique rule (409).
    #[error("{0}")]
    Conflict(String),
    /// Well-formed but invalid values, per field (422).
    #[error("request has invalid fields")]
    Validation(Vec<FieldError>),
    /// A bulk import with problems: nothing was written; the report lists
    /// every problem (422).
    #[error("the file has {} problem(s); nothing was imported", .0.errors.len())]
    ImportRejected(Box<crate::domain::import::ImportReport>),
    /// A fault: logged with the request id, answered without detail (500).
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type ServiceResult<T> = Result<T, ServiceError>;

impl ServiceError {
    pub fn not_found(what: &str) -> Self {
        Self::NotFound(format!("{what} not found"))
    }

    /// A 422 for a single field.
    pub fn invalid(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, code, message)])
    }

    /// Replaces the generic message of a unique-rule conflict with one that
    /// names the rule (`a cycle with that name already exists`).
    pub fn or_conflict(self, message: &str) -> Self {
        match self {
            Self::Conflict(_) => Self::Conflict(message.to_owned()),
            other => other,
        }
    }
}

impl From<StoreError> for ServiceError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Unique => Self::Conflict("conflicts with an existing record".into()),
            StoreError::ForeignKey => {
                Self::Conflict("refers to a record that does not exist or is still in use".into())
            }
            StoreError::NotFound(what) => Self::NotFound(what),
            other => Self::Internal(anyhow::Error::new(other)),
        }
    }
}

impl From<sea_orm::DbErr> for ServiceError {
    fn from(err: sea_orm::DbErr) -> Self {
        StoreError::from(err).into()
    }
}

impl From<Denied> for ServiceError {
    fn from(denied: Denied) -> Self {
        match denied {
            Denied::Forbidden(why) => Self::Forbidden(why.to_owned()),
            Denied::Hidden(what) => Self::not_found(what),
        }
    }
}

impl From<validator::ValidationErrors> for ServiceError {
    fn from(errs: validator::ValidationErrors) -> Self {
        Self::Validation(crate::domain::field_error::from_validator(&errs))
    }
}
