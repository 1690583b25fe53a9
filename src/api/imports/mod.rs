//! Bulk imports: receiving and reading files, templates, and the
//! committee's audit list of imports (`/imports`). The import operations
//! themselves live with the resource they fill (`POST /members/import`).
pub mod decode;
mod dto;
mod read;
pub mod template;
pub mod upload;

use actix_web::HttpResponse;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::domain::import::{Column, ColumnMap, RowError};
use crate::service::imports::{Outcome, Parsed};

pub use dto::{ImportDetailDto, ImportDto, ImportParams, TemplateFormat, TemplateParams};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(read::list).service(read::get);
}

/// An XLSX workbook; the first sheet is read, its first row the header.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)] // Documents a request and response body.
pub struct XlsxFile(Vec<u8>);

/// 200 with the report; a replay says so in `Idempotent-Replayed`.
pub fn respond(outcome: Outcome) -> HttpResponse {
    match outcome {
        Outcome::Done(report) => HttpResponse::Ok().json(report),
        Outcome::Replayed(report) => HttpResponse::Ok()
            .insert_header(("Idempotent-Replayed", "true"))
            .json(report),
    }
}

/// The start of a file's reading against an import's `columns`: how its
/// headers map, and, when they do not fit (a required column missing, one
/// given twice), those problems as errors of row 1. The rows are read only
/// when there are none.
pub fn read_headers<T>(columns: &[Column], table: &decode::Table) -> (ColumnMap, Parsed<T>) {
    let map = ColumnMap::new(columns, &table.headers);
    let mut parsed = Parsed {
        rows: Vec::new(),
        errors: Vec::new(),
        ignored_columns: map.ignored.clone(),
        total_rows: table.rows.len(),
        skipped: 0,
    };
    for missing in &map.missing {
        parsed.errors.push(RowError::new(
            1,
            missing,
            None,
            "the file has no such column",
        ));
    }
    for twice in &map.duplicated {
        parsed.errors.push(RowError::new(
            1,
            twice,
            None,
            "more than one column holds this",
        ));
    }
    (map, parsed)
}
