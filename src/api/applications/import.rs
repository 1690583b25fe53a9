//! A cycle's applications from a file (committee): `POST
//! /cycles/{id}/applications/import` and its template. Each row is read
//! as an application form body and checked by the same rules; columns
//! headed with one of the cycle's questions answer it.
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde_json::{Map, Value};
use utoipa::ToSchema;
use uuid::Uuid;

use super::form::ApplicationForm;
use crate::api::error::ApiResult;
use crate::api::extract::AuthUser;
use crate::api::imports::decode::{JsonKind, Table};
use crate::api::imports::template::TemplateColumn;
use crate::api::imports::{
    ImportParams, TemplateParams, XlsxFile, read_headers, respond, template, upload,
};
use crate::api::responses::{
    BadRequest, Conflict, Forbidden, NotFound, PayloadTooLarge, Unauthorized, Unprocessable,
    UnsupportedMediaType,
};
use crate::domain::application::NewApplication;
use crate::domain::import::{
    APPLICATION_COLUMNS, ImportReport, ImportedApplication, RowError, enum_text, parse_bool,
    split_list,
};
use crate::domain::question::QuestionKind;
use crate::service::imports::{self, Parsed};
use crate::state::AppState;

/// One application row in a JSON import (the columns of a CSV or XLSX
/// file, with their aliases). Lists may be arrays or `;`-separated text;
/// a key naming one of the cycle's questions (its prompt or id) answers
/// it. Other keys are reported as `ignored_columns`.
#[derive(ToSchema)]
#[schema(example = json!({
    "email": "ada@example.org", "role": "mentee", "library_types": "academic; public",
    "career_stage": "student", "region": "Puget Sound", "meeting_modes": "online",
    "matching_preference": "career", "motivation": "I am new to the field.",
    "learning_goals": "Instruction work day to day.", "career_goals": "An instruction librarian position.",
    "library_school": "enrolled"
}))]
#[allow(dead_code)] // Documents the JSON form of the file.
pub struct ApplicationImportRow {
    /// The applicant; the member must exist with an active membership.
    #[schema(format = "email")]
    email: String,
    /// `mentor` or `mentee`; cannot change on an existing application.
    role: String,
    /// A list, or text separated by `,` or `;`.
    library_types: Value,
    career_stage: String,
    region: String,
    /// A list, or text separated by `,` or `;`.
    meeting_modes: Value,
    matching_preference: String,
    motivation: String,
    /// A list, or text separated by `,` or `;`.
    interests: Option<Value>,
    availability: Option<String>,
    /// A list, or text separated by `,` or `;`.
    identity_tags: Option<Value>,
    /// A boolean, or `yes` / `no`.
    identity_consent: Option<Value>,
    employer: Option<String>,
    pronouns: Option<String>,
    current_role: Option<String>,
    /// A number, or its digits as text.
    years_experience: Option<Value>,
    past_experience: Option<String>,
    support_approach: Option<String>,
    /// A number, or its digits as text.
    capacity: Option<Value>,
    /// Mentors: the mentee career stages they would most like to support;
    /// a list, or text separated by `,` or `;`.
    mentee_stages: Option<Value>,
    learning_goals: Option<String>,
    career_goals: Option<String>,
    library_school: Option<String>,
}

const ENUM_FIELDS: &[&str] = &[
    "role",
    "career_stage",
    "matching_preference",
    "library_school",
];
const ENUM_LISTS: &[&str] = &["library_types", "meeting_modes", "mentee_stages"];
const TAG_LISTS: &[&str] = &["interests", "identity_tags"];
const NUMBERS: &[&str] = &["years_experience", "capacity"];

/// A cell as the form body's JSON value for its field.
fn field_value(name: &str, text: &str) -> Result<Value, &'static str> {
    if ENUM_FIELDS.contains(&name) {
        Ok(Value::from(enum_text(text)))
    } else if ENUM_LISTS.contains(&name) {
        Ok(Value::from(
            split_list(text)
                .iter()
                .map(|t| enum_text(t))
                .collect::<Vec<_>>(),
        ))
    } else if TAG_LISTS.contains(&name) {
        Ok(Value::from(split_list(text)))
    } else if NUMBERS.contains(&name) {
        text.trim()
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| "must be a whole number")
    } else if name == "identity_consent" {
        parse_bool(text).map(Value::from).ok_or("must be yes or no")
    } else {
        Ok(Value::from(text.trim()))
    }
}

/// Whether a JSON value of `kind` may fill `column` (`None`: a column
/// that may answer a question, of any kind but an object).
fn kind_fits(column: Option<&str>, kind: JsonKind) -> bool {
    use JsonKind::*;
    match (column, kind) {
        (_, Null | String) => true,
        (_, Object) => false,
        (None, _) => true,
        (Some(c), Number) => NUMBERS.contains(&c),
        (Some(c), Bool) => c == "identity_consent",
        (Some(c), Array) => ENUM_LISTS.contains(&c) || TAG_LISTS.contains(&c),
    }
}

/// A serde message without the offending value: `unknown variant `x`,
/// expected one of ...` keeps `expected one of ...`.
fn without_value(message: &str) -> String {
    match message.find("expected ") {
        Some(i) => message[i..].to_owned(),
        None => crate::api::sanitize_serde_message(message),
    }
}

fn application_of(
    row: usize,
    cells: &[(&'static str, &str)],
    extra: Vec<(usize, String)>,
) -> Result<ImportedApplication, Vec<RowError>> {
    let cell = |name: &str| {
        cells
            .iter()
            .find(|(c, _)| *c == name)
            .map(|(_, v)| v.trim())
    };
    let mut errors = Vec::new();
    let mut body = Map::new();
    let mut given = Vec::new();
    for column in APPLICATION_COLUMNS {
        let Some(text) = cell(column.name).filter(|t| !t.is_empty()) else {
            if column.required {
                errors.push(RowError::new(row, column.name, None, "is required"));
            }
            continue;
        };
        if column.name == "email" {
            continue;
        }
        match field_value(column.name, text) {
            Ok(value) => {
                body.insert(column.name.to_owned(), value);
                given.push(column.name);
            }
            Err(message) => errors.push(RowError::new(row, column.name, Some(text), message)),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let form: ApplicationForm =
        serde_path_to_error::deserialize(Value::Object(body)).map_err(|e| {
            let column = e
                .path()
                .iter()
                .next()
                .map(|s| s.to_string())
                .unwrap_or_default();
            let column = column.split('[').next().unwrap_or_default().to_owned();
            vec![RowError::new(
                row,
                &column,
                cell(&column),
                without_value(&e.inner().to_string()),
            )]
        })?;
    Ok(ImportedApplication {
        email: cell("email").unwrap_or_default().to_owned(),
        form: NewApplication::from(form).form,
        given,
        extra,
    })
}

/// The file's rows, mapped to the form's columns; other filled cells are
/// kept for the cycle's questions.
pub(crate) fn parse(table: &Table) -> Parsed<ImportedApplication> {
    let (map, mut parsed) = read_headers(APPLICATION_COLUMNS, table);
    if !parsed.errors.is_empty() {
        return parsed;
    }
    let extra_index: Vec<Option<usize>> = map
        .columns
        .iter()
        .zip(&table.headers)
        .map(|(c, h)| match c {
            Some(_) => None,
            None => map.ignored.iter().position(|i| i == h.trim()),
        })
        .collect();
    for row in &table.rows {
        if row.is_blank() {
            parsed.skipped += 1;
            continue;
        }
        let mistyped: Vec<RowError> = map
            .columns
            .iter()
            .enumerate()
            .filter_map(|(i, c)| row.kind(i).map(|k| (i, *c, k)))
            .filter(|(_, c, k)| !kind_fits(*c, *k))
            .map(|(i, c, _)| {
                let column = c
                    .map(str::to_owned)
                    .unwrap_or_else(|| table.headers[i].clone());
                RowError::new(row.number, &column, None, "has the wrong JSON type")
            })
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
        let extra = extra_index
            .iter()
            .zip(&row.cells)
            .filter_map(|(i, v)| i.filter(|_| !v.trim().is_empty()).map(|i| (i, v.clone())))
            .collect();
        match application_of(row.number, &cells, extra) {
            Ok(app) => parsed.rows.push((row.number, app)),
            Err(errors) => parsed.errors.extend(errors),
        }
    }
    parsed
}

/// Import a cycle's applications from a file (committee).
///
/// CSV, XLSX or a JSON array, as for `POST /members/import`. Each row is
/// an application form (headers matched ignoring case, spaces, `_`, `-`,
/// with aliases; lists separated by `,` or `;`); a column headed with one
/// of the cycle's questions (its prompt or id) answers it. Applications
/// are matched by member (email) and cycle: a new one is created
/// `submitted`, an existing one gets the filled cells, the same form is
/// unchanged. The member must exist with an active membership; the role of
/// an application cannot change. All or nothing (422 with a `report`
/// listing every problem), `dry_run`, `Idempotency-Key`, the audit list
/// and the limits are those of the roster import. No email is sent. 409
/// when the cycle is archived.
#[utoipa::path(tag = "applications",
    params(("id" = Uuid, Path, description = "Cycle id"), ImportParams,
        ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: a second call with the same key and file answers with the first call's report")),
    request_body(description = "The applications file", content(
        (String = "text/csv", example = "email,role,library_types,career_stage,region,meeting_modes,matching_preference,motivation,learning_goals,career_goals,library_school\nada@example.org,mentee,academic,student,Puget Sound,online,career,New to the field,Instruction,Instruction librarian,enrolled\n"),
        (XlsxFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (Vec<ApplicationImportRow> = "application/json"),
    )),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "What the import did (or, in a dry run, would do)", body = ImportReport),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    ))]
#[post("/cycles/{id}/applications/import")]
pub async fn import(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
    params: web::Query<ImportParams>,
    body: web::Payload,
) -> ApiResult<HttpResponse> {
    let (file, parsed) =
        upload::receive(&req, body, state.max_import_bytes, params.dry_run, parse).await?;
    let outcome = imports::applications(&state.db, &user.actor(), *id, file, parsed).await;
    // The file and its rows are freed by now, whatever the answer.
    crate::memory::release_freed();
    Ok(respond(outcome?))
}

fn question_column(q: &crate::service::questions::Question) -> TemplateColumn {
    let allowed = match q.kind {
        QuestionKind::Text => "text".to_owned(),
        QuestionKind::SingleChoice => format!("one of: {}", q.options.0.join(", ")),
        QuestionKind::MultiChoice => format!("any of, separated by ;: {}", q.options.0.join(", ")),
        QuestionKind::Scale => "1 to 5".to_owned(),
        QuestionKind::YesNo => "yes, no".to_owned(),
    };
    TemplateColumn {
        name: q.prompt.clone(),
        required: q.required,
        allowed: format!("{} ({})", allowed, q.audience.as_str()),
        aliases: q.id.to_string(),
        example: String::new(),
    }
}

/// Download a cycle's applications import template (committee).
///
/// The columns of `POST /cycles/{id}/applications/import`, the cycle's
/// own questions last (headed with their prompts), and one example row
/// (a mentee): CSV by default, XLSX with `format=xlsx` (or `Accept` of
/// the XLSX type), whose second sheet lists each column's allowed values.
#[utoipa::path(tag = "applications",
    params(("id" = Uuid, Path, description = "Cycle id"), TemplateParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The template", content(
            (String = "text/csv"),
            (XlsxFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
#[get("/cycles/{id}/applications/import/template")]
pub async fn import_template(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
    params: web::Query<TemplateParams>,
) -> ApiResult<HttpResponse> {
    let questions = imports::template_questions(&state.db, &user.actor(), *id).await?;
    let columns: Vec<TemplateColumn> = APPLICATION_COLUMNS
        .iter()
        .map(Into::into)
        .chain(questions.iter().map(question_column))
        .collect();
    template::respond(
        template::format_wanted(&req, params.format),
        "applications",
        &columns,
    )
}
