//! The registrations as a CSV file, safe to open in a spreadsheet.
use actix_web::HttpResponse;
use uuid::Uuid;

use super::dto::RegistrationLineDto;
use crate::api::error::{ApiError, ApiResult};

/// A cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab,
/// carriage return) is prefixed with `'`, so it stays text.
pub fn cell(value: &str) -> String {
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}"),
        _ => value.to_owned(),
    }
}

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

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn formula_like_cells_become_text() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-2"), "'-2");
        assert_eq!(cell("@SUM"), "'@SUM");
        assert_eq!(cell("Ada Lovelace"), "Ada Lovelace");
    }
}
