//! CSV export of every list: `Accept: text/csv` or `?format=csv` answers
//! the whole list (every page, the same filters and order) as a CSV
//! download. Written once for all lists: a list item's JSON becomes a
//! row (nested objects as `outer.inner` columns, lists joined with `; `),
//! and cells a spreadsheet would run as a formula are neutralised.
use actix_web::{HttpRequest, HttpResponse, http::header, web};
use futures_util::{StreamExt, stream};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// The most rows one export holds.
pub const MAX_EXPORT_ROWS: u64 = 100_000;

/// Rows rendered per chunk of the streamed body.
const ROWS_PER_CHUNK: usize = 500;

pub const CSV_TYPE: &str = "text/csv; charset=utf-8";

/// A list's representation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ListFormat {
    Json,
    Csv,
}

/// Whether the caller asked for the list as CSV: `format=csv`, or an
/// `Accept` that names `text/csv` (without `format=json`).
pub fn wants_csv(req: &HttpRequest) -> bool {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(req.query_string()).unwrap_or_default();
    if let Some((_, format)) = pairs.iter().find(|(k, _)| k == "format") {
        return format == "csv";
    }
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/csv"))
}

/// A cell a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, a
/// tab or a carriage return first) gets a leading `'`, so it stays text.
pub fn neutralise(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

fn flatten(prefix: &str, value: &Value, out: &mut Map<String, Value>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        other => {
            out.insert(prefix.to_owned(), other.clone());
        }
    }
}

fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => neutralise(s),
        Some(Value::Array(items)) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
            let joined: Vec<String> = items
                .iter()
                .map(|i| match i {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect();
            neutralise(&joined.join("; "))
        }
        Some(other) => neutralise(&other.to_string()),
    }
}

/// Top-level property names of a schema, for the header of an empty list.
fn schema_columns<T: ToSchema>() -> Vec<String> {
    use utoipa::openapi::{RefOr, schema::Schema};
    match T::schema() {
        RefOr::T(Schema::Object(o)) => o.properties.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new())
}

fn record(cells: impl IntoIterator<Item = String>) -> Vec<u8> {
    let mut w = writer();
    // Writing to a Vec cannot fail.
    let _ = w.write_record(cells);
    w.into_inner().unwrap_or_default()
}

/// The file name: the list's name (the last path segment that is not an
/// id) and today's date, `members-2026-12-02.csv`.
fn file_name(req: &HttpRequest) -> String {
    let name = req
        .path()
        .split('/')
        .rfind(|s| !s.is_empty() && uuid::Uuid::parse_str(s).is_err())
        .unwrap_or("export");
    let name: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    format!("{name}-{}.csv", chrono::Utc::now().date_naive())
}

/// An item's JSON as one level: nested objects as `outer.inner` keys.
fn flat<T: Serialize>(item: &T) -> Map<String, Value> {
    let mut out = Map::new();
    flatten(
        "",
        &serde_json::to_value(item).unwrap_or(Value::Null),
        &mut out,
    );
    out
}

/// 200 with the items as a CSV download, streamed in chunks. The columns
/// are found in a first pass; each chunk's rows are then rendered only
/// when the body gets there, so no more than one chunk's JSON is held
/// beside the items themselves.
pub fn respond<T: Serialize + ToSchema + 'static>(
    items: Vec<T>,
    req: &HttpRequest,
) -> HttpResponse {
    let mut columns: Vec<String> = Vec::new();
    let mut known: std::collections::HashSet<String> = std::collections::HashSet::new();
    for item in &items {
        for key in flat(item).keys() {
            if !known.contains(key) {
                known.insert(key.clone());
                columns.push(key.clone());
            }
        }
    }
    drop(known);
    if columns.is_empty() {
        columns = schema_columns::<T>();
    }
    let header = record(columns.iter().cloned());
    let chunks = Chunks(items.into_iter());
    let body = stream::iter(std::iter::once(header).chain(chunks.map(move |chunk| {
        let mut w = writer();
        for item in &chunk {
            let row = flat(item);
            // Writing to a Vec cannot fail.
            let _ = w.write_record(columns.iter().map(|c| cell(row.get(c))));
        }
        w.into_inner().unwrap_or_default()
    })))
    .map(|bytes| Ok::<_, actix_web::Error>(web::Bytes::from(bytes)));
    HttpResponse::Ok()
        .content_type(CSV_TYPE)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", file_name(req)),
        ))
        .streaming(body)
}

/// The items in chunks of `ROWS_PER_CHUNK`; when the body is done (or
/// dropped), what the export held goes back to the system.
struct Chunks<T>(std::vec::IntoIter<T>);

impl<T> Iterator for Chunks<T> {
    type Item = Vec<T>;

    fn next(&mut self) -> Option<Vec<T>> {
        let chunk: Vec<T> = self.0.by_ref().take(ROWS_PER_CHUNK).collect();
        (!chunk.is_empty()).then_some(chunk)
    }
}

impl<T> Drop for Chunks<T> {
    fn drop(&mut self) {
        self.0 = Vec::new().into_iter();
        crate::memory::release_freed();
    }
}

/// Documents the CSV form of every list: each `GET` operation with a
/// `page` parameter answers 200 with `text/csv` too.
pub struct CsvLists;

impl utoipa::Modify for CsvLists {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, ObjectBuilder, RefOr, Type};
        for item in doc.paths.paths.values_mut() {
            let Some(op) = item.get.as_mut() else {
                continue;
            };
            let paged = op
                .parameters
                .iter()
                .flatten()
                .any(|p| matches!(p, RefOr::T(p) if p.name == "page"));
            if !paged {
                continue;
            }
            if let Some(RefOr::T(ok)) = op.responses.responses.get_mut("200") {
                let csv = ContentBuilder::new()
                    .schema(Some(
                        ObjectBuilder::new()
                            .schema_type(Type::String)
                            .description(Some(
                                "The whole list as CSV: a header row, then one row per item",
                            )),
                    ))
                    .build();
                ok.content.insert("text/csv".to_owned(), RefOr::T(csv));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn formula_cells_are_neutralised() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        for bad in ["+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(neutralise(bad).starts_with('\''), "{bad:?}");
        }
        assert_eq!(neutralise("Ada"), "Ada");
    }

    #[test]
    fn nested_values_become_dotted_columns_and_lists_are_joined() {
        let mut flat = Map::new();
        flatten(
            "",
            &json!({"a": 1, "form": {"role": "mentor", "tags": ["x", "=y"]}}),
            &mut flat,
        );
        assert_eq!(
            flat.keys().collect::<Vec<_>>(),
            vec!["a", "form.role", "form.tags"]
        );
        assert_eq!(cell(flat.get("form.tags")), "x; =y");
        assert_eq!(cell(Some(&json!(["=y"]))), "'=y");
        assert_eq!(cell(Some(&Value::Null)), "");
    }
}
