//! The registrations as a CSV file, safe to open in a spreadsheet (cells
//! neutralised as every export's are, `api::export::neutralise`).
use actix_web::HttpResponse;
use uuid::Uuid;

use super::dto::RegistrationLineDto;
use crate::api::error::{ApiError, ApiResult};
use crate::api::export::neutralise as cell;

pub fn registrations_csv(
    workshop_id: Uuid,
    lines: &[RegistrationLineDto],
) -> ApiResult<HttpResponse> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| ApiError::Internal(anyhow::Error::new(e));
    out.write_record([
        "member_id",
        "full_name",
        "email",
        "status",
        "position",
        "joined_at",
        "attended",
    ])
    .map_err(fail)?;
    for l in lines {
        out.write_record([
            l.member_id.to_string(),
            cell(&l.full_name),
            cell(&l.email),
            l.status.as_str().to_owned(),
            l.position.map(|p| p.to_string()).unwrap_or_default(),
            l.joined_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            l.attended.to_string(),
        ])
        .map_err(fail)?;
    }
    let body = out
        .into_inner()
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("csv: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"workshop-{workshop_id}-registrations.csv\""),
        ))
        .body(body))
}
