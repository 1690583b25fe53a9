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

use crate::service::imports::Outcome;

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
