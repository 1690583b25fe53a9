//! The roster from a file (committee): `POST /members/import` and its
//! template. Each row is read as a `POST /members` body and checked by the
//! same rules.
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::NaiveDate;
use serde_json::{Map, Value};
use utoipa::ToSchema;
use validator::Validate;

use super::dto::CreateMemberRequest;
use crate::api::error::ApiResult;
use crate::api::extract::AuthUser;
use crate::api::imports::decode::{JsonKind, Table};
use crate::api::imports::{
    ImportParams, TemplateParams, XlsxFile, read_headers, respond, template, upload,
};
use crate::api::responses::{
    BadRequest, Forbidden, PayloadTooLarge, Unauthorized, Unprocessable, UnsupportedMediaType,
};
use crate::domain::field_error::from_validator;
use crate::domain::import::{ImportReport, ImportedMember, MEMBER_COLUMNS, RowError};
use crate::domain::member::MembershipStatus;
use crate::service::imports::{self, Parsed};
use crate::state::AppState;

/// One roster row in a JSON import; a CSV or XLSX file has the same
/// columns (or their aliases) as headers. Other keys are reported as
/// `ignored_columns`.
#[derive(ToSchema)]
#[schema(example = json!({"email": "grace@example.org", "full_name": "Grace Hopper", "membership_status": "active", "membership_expires_on": "2030-06-30"}))]
#[allow(dead_code)] // Documents the JSON form of the file.
pub struct MemberImportRow {
    /// Matches an existing member case-insensitively (then the row updates
    /// them), else creates one. Aliases: `Email Address`, `E-mail`.
    #[schema(format = "email", max_length = 254)]
    email: String,
    /// Aliases: `Full name`, `Name`.
    #[schema(max_length = 200)]
    full_name: String,
    #[schema(max_length = 50)]
    pronouns: Option<String>,
    /// Aliases: `Member ID`, `Membership number`.
    #[schema(max_length = 50)]
    wla_member_id: Option<String>,
    /// New members default to `pending`; empty leaves it as it is.
    membership_status: Option<MembershipStatus>,
    /// `YYYY-MM-DD` or `MM/DD/YYYY`.
    membership_expires_on: Option<NaiveDate>,
}

/// A date as a roster gives it: ISO, or the US `MM/DD/YYYY`.
fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    let text = text.split_once(' ').map(|(d, _)| d).unwrap_or(text);
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%m/%d/%Y"))
        .ok()
}

/// One row as a `POST /members` body, checked by its rules.
fn member_of(row: usize, cells: &[(&'static str, &str)]) -> Result<ImportedMember, Vec<RowError>> {
    let cell = |name: &str| {
        cells
            .iter()
            .find(|(c, _)| *c == name)
            .map(|(_, v)| v.trim())
    };
    let mut errors = Vec::new();
    let mut body = Map::new();
    for column in MEMBER_COLUMNS {
        let Some(text) = cell(column.name).filter(|t| !t.is_empty()) else {
            if column.required {
                errors.push(RowError::new(row, column.name, None, "is required"));
            }
            continue;
        };
        let value = match column.name {
            "membership_status" => match MembershipStatus::ALL
                .iter()
                .find(|s| s.as_str() == text.to_lowercase())
            {
                Some(s) => Value::from(s.as_str()),
                None => {
                    errors.push(RowError::new(
                        row,
                        column.name,
                        Some(text),
                        "must be pending, active or lapsed",
                    ));
                    continue;
                }
            },
            "membership_expires_on" => match parse_date(text) {
                Some(d) => Value::from(d.to_string()),
                None => {
                    errors.push(RowError::new(
                        row,
                        column.name,
                        Some(text),
                        "must be a date, YYYY-MM-DD",
                    ));
                    continue;
                }
            },
            _ => Value::from(text),
        };
        body.insert(column.name.to_owned(), value);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let request: CreateMemberRequest =
        serde_json::from_value(Value::Object(body)).map_err(|e| {
            vec![RowError::new(
                row,
                "",
                None,
                crate::api::sanitize_serde_message(&e.to_string()),
            )]
        })?;
    if let Err(errs) = request.validate() {
        return Err(from_validator(&errs)
            .into_iter()
            .map(|e| RowError::new(row, &e.field, cell(&e.field), e.message))
            .collect());
    }
    Ok(ImportedMember {
        email: request.email,
        full_name: request.full_name,
        pronouns: request.pronouns,
        wla_member_id: request.wla_member_id,
        membership_status: request.membership_status,
        membership_expires_on: request.membership_expires_on,
    })
}

/// The file's rows, mapped to the roster's columns and checked.
pub(crate) fn parse(table: &Table) -> Parsed<ImportedMember> {
    let (map, mut parsed) = read_headers(MEMBER_COLUMNS, table);
    if !parsed.errors.is_empty() {
        return parsed;
    }
    for row in &table.rows {
        if row.is_blank() {
            parsed.skipped += 1;
            continue;
        }
        let mistyped: Vec<RowError> = map
            .columns
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.map(|c| (i, c)))
            .filter(|(i, _)| {
                !matches!(row.kind(*i), None | Some(JsonKind::String | JsonKind::Null))
            })
            .map(|(_, c)| RowError::new(row.number, c, None, "must be a string"))
            .collect();
        if !mistyped.is_empty() {
            parsed.errors.extend(mistyped);
            continue;
        }
        let cells: Vec<(&'static str, &str)> = map
            .columns
            .iter()
            .zip(&row.cells)
            .filter_map(|(c, v)| c.map(|c| (c, v.as_str())))
            .collect();
        match member_of(row.number, &cells) {
            Ok(member) => parsed.rows.push((row.number, member)),
            Err(errors) => parsed.errors.extend(errors),
        }
    }
    parsed
}

/// Import members from a file (committee).
///
/// CSV (comma, semicolon or tab; UTF-8 with or without BOM, or
/// Windows-1252), XLSX (first sheet) or a JSON array of objects, by
/// `Content-Type`. Headers are matched ignoring case, spaces, `_` and `-`,
/// with aliases (`Email Address`, `Full name`); other columns are listed
/// in `ignored_columns`. Members are matched by email: a new email creates
/// a member (role `member`, no password), a known one is updated where a
/// non-empty cell differs. All or nothing: any problem and nothing is
/// written, with a 422 whose `report` lists every problem. `dry_run=true`
/// checks and counts, then rolls back. An `Idempotency-Key` header makes a
/// retry answer with the first call's report (`Idempotent-Replayed:
/// true`); 409 when the key was used for another file. At most
/// `MAX_IMPORT_BYTES` (default 20 MB; 413) and 50,000 rows.
#[utoipa::path(tag = "members",
    params(ImportParams,
        ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: a second call with the same key and file answers with the first call's report")),
    request_body(description = "The roster file", content(
        (String = "text/csv", example = "email,full_name,membership_status\ngrace@example.org,Grace Hopper,active\n"),
        (XlsxFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (Vec<MemberImportRow> = "application/json"),
    )),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "What the import did (or, in a dry run, would do)", body = ImportReport),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 409, response = crate::api::responses::Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    ))]
#[post("/members/import")]
pub async fn import(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    params: web::Query<ImportParams>,
    body: web::Payload,
) -> ApiResult<HttpResponse> {
    let (file, parsed) =
        upload::receive(&req, body, state.max_import_bytes, params.dry_run, parse).await?;
    let outcome = imports::members(&state.db, &user.actor(), file, parsed).await;
    // The file and its rows are freed by now, whatever the answer.
    crate::memory::release_freed();
    Ok(respond(outcome?))
}

/// Download the roster import template.
///
/// The columns of `POST /members/import` and one example row: CSV by
/// default, XLSX with `format=xlsx` (or `Accept` of the XLSX type), whose
/// second sheet lists each column's allowed values and aliases. Public:
/// it holds no data.
#[utoipa::path(tag = "members",
    params(TemplateParams),
    security(()),
    responses(
        (status = 200, description = "The template", content(
            (String = "text/csv"),
            (XlsxFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
    ))]
#[get("/members/import/template")]
pub async fn import_template(
    req: HttpRequest,
    params: web::Query<TemplateParams>,
) -> ApiResult<HttpResponse> {
    let columns: Vec<_> = MEMBER_COLUMNS.iter().map(Into::into).collect();
    template::respond(
        template::format_wanted(&req, params.format),
        "members",
        &columns,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::imports::decode::Row;

    fn table(headers: &[&str], rows: &[&[&str]]) -> Table {
        Table {
            headers: headers.iter().map(|s| s.to_string()).collect(),
            rows: (2..)
                .zip(rows)
                .map(|(number, cells)| Row {
                    number,
                    cells: cells.iter().map(|s| s.to_string()).collect(),
                    kinds: Vec::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn rows_are_checked_by_the_rules_of_a_single_create() {
        let parsed = parse(&table(
            &[
                "Email Address",
                "Full name",
                "Status",
                "Expiry date",
                "Timestamp",
            ],
            &[
                &["ada@example.org", "Ada", "Active", "06/30/2030", "x"],
                &["not-an-email", "Bob", "", "", ""],
                &["", "", "", "", ""],
                &["cy@example.org", " ", "gone", "soon", ""],
            ],
        ));
        assert_eq!(parsed.rows.len(), 1);
        assert_eq!(
            parsed.rows[0].1.membership_status,
            Some(MembershipStatus::Active)
        );
        assert_eq!(parsed.skipped, 1);
        assert_eq!(parsed.ignored_columns, vec!["Timestamp"]);
        let found: Vec<(usize, &str)> = parsed
            .errors
            .iter()
            .map(|e| (e.row, e.column.as_str()))
            .collect();
        assert_eq!(
            found,
            vec![
                (3, "email"),
                (5, "full_name"),
                (5, "membership_status"),
                (5, "membership_expires_on")
            ]
        );
        assert_eq!(parsed.errors[0].value_hint.as_deref(), Some("no…"));
    }
}
