//! The store's one error: a database failure, classified so the service
//! can tell a broken rule (a unique or foreign key) from a fault.
use sea_orm::{DbErr, RuntimeErr, SqlErr};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint or index refused the write.
    #[error("unique constraint violated")]
    Unique,
    /// A foreign key refused the write (a missing or still-used row).
    #[error("foreign key constraint violated")]
    ForeignKey,
    /// An update or read that expected a row found none.
    #[error("record not found: {0}")]
    NotFound(String),
    /// A stored value the code does not know (an unknown status, a JSON
    /// column that does not parse): data to look at, never to guess.
    #[error("unreadable stored value: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Db(DbErr),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl From<DbErr> for StoreError {
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => Self::Unique,
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => Self::ForeignKey,
            _ => match err {
                DbErr::RecordNotFound(what) => Self::NotFound(what),
                DbErr::Type(what) => Self::Corrupt(what),
                DbErr::TryIntoErr { from, into, source } => {
                    Self::Corrupt(format!("{from} into {into}: {source}"))
                }
                DbErr::Json(what) => Self::Corrupt(what),
                // A typed JSON column whose stored value does not parse.
                DbErr::Query(RuntimeErr::SqlxError(e))
                    if matches!(e.as_ref(), sea_orm::sqlx::Error::ColumnDecode { .. }) =>
                {
                    Self::Corrupt(e.to_string())
                }
                other => Self::Db(other),
            },
        }
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(err: serde_json::Error) -> Self {
        Self::Corrupt(err.to_string())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use sea_orm::{DbErr, RuntimeErr};

    use super::StoreError;

    #[test]
    fn a_stored_value_that_does_not_decode_is_corrupt() {
        let decode = sea_orm::sqlx::Error::ColumnDecode {
            index: "\"library_types\"".into(),
            source: "unknown variant `bookmobile`".into(),
        };
        let err = DbErr::Query(RuntimeErr::SqlxError(Arc::new(decode)));
        assert!(
            matches!(StoreError::from(err), StoreError::Corrupt(m) if m.contains("bookmobile"))
        );
        let err = DbErr::Type("unexpected value for ApplicationStatus enum: paused".into());
        assert!(matches!(StoreError::from(err), StoreError::Corrupt(_)));
    }
}
