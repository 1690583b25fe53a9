//! An import's template: the columns and one example row, as CSV or as
//! XLSX with a second sheet saying what each column may hold.
use actix_web::{HttpRequest, HttpResponse, http::header};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::dto::TemplateFormat;
use super::upload::XLSX;
use crate::api::error::{ApiError, ApiResult};
use crate::domain::import::Column;

/// A template column: the import's own, or one of a cycle's questions.
pub struct TemplateColumn {
    pub name: String,
    pub required: bool,
    pub allowed: String,
    pub aliases: String,
    pub example: String,
}

impl From<&Column> for TemplateColumn {
    fn from(c: &Column) -> Self {
        Self {
            name: c.name.to_owned(),
            required: c.required,
            allowed: c.allowed.to_owned(),
            aliases: c.aliases.join(", "),
            example: c.example.to_owned(),
        }
    }
}

/// CSV unless `?format=xlsx` or an `Accept` that asks for XLSX only.
pub fn format_wanted(req: &HttpRequest, asked: Option<TemplateFormat>) -> TemplateFormat {
    if let Some(format) = asked {
        return format;
    }
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if accept.contains(XLSX) && !accept.contains("text/csv") {
        TemplateFormat::Xlsx
    } else {
        TemplateFormat::Csv
    }
}

fn csv_template(columns: &[TemplateColumn]) -> ApiResult<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| ApiError::Internal(e.into());
    out.write_record(columns.iter().map(|c| &c.name))
        .map_err(fail)?;
    out.write_record(columns.iter().map(|c| &c.example))
        .map_err(fail)?;
    out.into_inner()
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("{e}")))
}

fn xlsx_template(sheet: &str, columns: &[TemplateColumn]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let data = book.add_worksheet();
    data.set_name(sheet)?;
    for (i, c) in (0u16..).zip(columns) {
        data.write_string_with_format(0, i, &c.name, &bold)?;
        data.write_string(1, i, &c.example)?;
        data.set_column_width(i, 22)?;
    }
    let help = book.add_worksheet();
    help.set_name("columns")?;
    for (i, title) in (0u16..).zip(["column", "required", "allowed values", "also read from"]) {
        help.write_string_with_format(0, i, title, &bold)?;
    }
    for (r, c) in (1u32..).zip(columns) {
        help.write_string(r, 0, &c.name)?;
        help.write_string(r, 1, if c.required { "yes" } else { "no" })?;
        help.write_string(r, 2, &c.allowed)?;
        help.write_string(r, 3, &c.aliases)?;
    }
    help.set_column_width(2, 60)?;
    help.set_column_width(3, 50)?;
    book.save_to_buffer()
}

/// The template as a download named `<name>-template.csv` or `.xlsx`.
pub fn respond(
    format: TemplateFormat,
    name: &str,
    columns: &[TemplateColumn],
) -> ApiResult<HttpResponse> {
    let (body, content_type, ext) = match format {
        TemplateFormat::Csv => (csv_template(columns)?, "text/csv; charset=utf-8", "csv"),
        TemplateFormat::Xlsx => (
            xlsx_template(name, columns).map_err(|e| ApiError::Internal(e.into()))?,
            XLSX,
            "xlsx",
        ),
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}-template.{ext}\""),
        ))
        .body(body))
}
