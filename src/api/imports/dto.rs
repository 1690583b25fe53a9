//! Request parameters and response bodies of imports and their audit list.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::import::{ImportFormat, ImportKind, ImportReport};
use crate::service::imports::ImportRow;

/// How an import runs.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// Check and count everything, then roll back: nothing is written.
    #[serde(default)]
    pub dry_run: bool,
}

/// Which file a template comes as.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TemplateParams {
    /// `csv` (the default) or `xlsx`; an `Accept` of the XLSX type also
    /// gives XLSX.
    pub format: Option<TemplateFormat>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TemplateFormat {
    Csv,
    Xlsx,
}

/// One import in the audit list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportDto {
    pub id: Uuid,
    pub kind: ImportKind,
    /// The cycle imported into; null for the roster.
    #[schema(required = true)]
    pub cycle_id: Option<Uuid>,
    /// Who imported it.
    pub created_by: Uuid,
    #[serde(serialize_with = "crate::api::instant::serialize")]
    pub created_at: DateTime<Utc>,
    pub format: ImportFormat,
    /// SHA-256 of the file, hex.
    #[schema(example = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    pub file_sha256: String,
    pub file_bytes: i64,
    /// A dry run wrote nothing but this entry.
    pub dry_run: bool,
    pub rows: i32,
    pub created: i32,
    pub updated: i32,
    pub unchanged: i32,
    pub skipped: i32,
}

impl From<ImportRow> for ImportDto {
    fn from(r: ImportRow) -> Self {
        Self {
            id: r.id,
            kind: r.kind,
            cycle_id: r.cycle_id,
            created_by: r.created_by,
            created_at: r.created_at,
            format: r.format,
            file_sha256: r.file_sha256,
            file_bytes: r.file_bytes,
            dry_run: r.dry_run,
            rows: r.rows,
            created: r.created,
            updated: r.updated,
            unchanged: r.unchanged,
            skipped: r.skipped,
        }
    }
}

/// One import with the report it answered with.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportDetailDto {
    #[serde(flatten)]
    pub import: ImportDto,
    pub report: ImportReport,
}
