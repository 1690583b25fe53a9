//! Bulk imports: the report every import answers with, the columns a file
//! may have (with the names form exports use for them), and how a problem
//! names a value without echoing it.
mod application_row;
mod cells;
mod columns;
mod member_row;

use sea_orm::entity::prelude::StringLen;
use sea_orm::{DeriveActiveEnum, EnumIter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

pub use application_row::ImportedApplication;
pub use cells::{answer_value, enum_text, parse_bool, split_list};
pub use columns::{APPLICATION_COLUMNS, Column, ColumnMap, MEMBER_COLUMNS, header_key};
pub use member_row::{ImportedMember, StoredMember};

/// Most data rows one file may hold (422 beyond).
pub const MAX_ROWS: usize = 50_000;

/// What an import creates or updates.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema, EnumIter, DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "snake_case"
)]
pub enum ImportKind {
    Members,
    Applications,
}

/// The file formats an import reads.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema, EnumIter, DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "snake_case"
)]
pub enum ImportFormat {
    Csv,
    Xlsx,
    Json,
}

/// One problem with one row (or with the header, row 1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RowError {
    /// Where the problem is: in a CSV or XLSX file the spreadsheet's line
    /// number (the header is row 1, the first data row is 2); in a JSON
    /// array the element's position, from 1.
    #[schema(example = 7)]
    pub row: usize,
    /// The column as the import names it (`email`), or the file's own
    /// header for a column it does not know.
    #[schema(example = "email")]
    pub column: String,
    /// The start of the offending value, never the whole of it
    /// (personal data); null when the cell is empty.
    #[schema(required = true, example = "ad…")]
    pub value_hint: Option<String>,
    #[schema(example = "must be a valid email address")]
    pub message: String,
}

impl RowError {
    pub fn new(row: usize, column: &str, value: Option<&str>, message: impl Into<String>) -> Self {
        Self {
            row,
            column: column.to_owned(),
            value_hint: value.and_then(value_hint),
            message: message.into(),
        }
    }
}

/// What an import did, or would do (`dry_run`), row by row.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ImportReport {
    /// The import's entry in the audit list (`GET /imports/{id}`); null
    /// when it was refused and nothing was recorded.
    #[schema(required = true)]
    pub import_id: Option<Uuid>,
    pub dry_run: bool,
    /// Data rows read (blank rows included).
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Blank rows, which change nothing.
    pub skipped: usize,
    /// Every problem found; when there is any, nothing is written.
    pub errors: Vec<RowError>,
    /// Headers of the file the import does not use (a form's `Timestamp`,
    /// a column of notes): their values were not imported.
    pub ignored_columns: Vec<String>,
}

/// The first characters of a value, enough to find it in the file
/// without repeating a personal value in full: `ad…`.
pub fn value_hint(value: &str) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let count = value.chars().count();
    let shown = match count {
        0..=3 => 1,
        _ => 2,
    };
    Some(value.chars().take(shown).chain(['…']).collect())
}

#[cfg(test)]
mod tests {
    use super::value_hint;

    #[test]
    fn a_hint_never_holds_the_whole_value() {
        assert_eq!(value_hint("ada@example.org").as_deref(), Some("ad…"));
        assert_eq!(value_hint("ab").as_deref(), Some("a…"));
        assert_eq!(value_hint("  "), None);
        assert_eq!(value_hint("é").as_deref(), Some("é…"));
    }
}
