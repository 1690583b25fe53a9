//! An uploaded file as a table of text cells: CSV (UTF-8 with or without
//! a byte-order mark, else Windows-1252; comma, semicolon or tab found
//! from the header line), XLSX (the first sheet) or a JSON array of
//! objects.
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use serde_json::Value;

use crate::api::error::{ApiError, ApiResult};
use crate::domain::import::ImportFormat;

/// A file's header and data rows, every cell as text.
#[derive(Debug, Default, PartialEq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
}

/// One data row: where it is in the file, and its cells in header order.
#[derive(Debug, PartialEq)]
pub struct Row {
    pub number: usize,
    pub cells: Vec<String>,
    /// In a JSON array, each cell's JSON type; empty for CSV and XLSX,
    /// whose cells are all text.
    pub kinds: Vec<JsonKind>,
}

/// The JSON type a cell had, so a number where text is expected is
/// refused rather than read as text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonKind {
    Null,
    String,
    Number,
    Bool,
    Array,
    Object,
}

impl JsonKind {
    fn of(value: &Value) -> Self {
        match value {
            Value::Null => Self::Null,
            Value::String(_) => Self::String,
            Value::Number(_) => Self::Number,
            Value::Bool(_) => Self::Bool,
            Value::Array(_) => Self::Array,
            Value::Object(_) => Self::Object,
        }
    }
}

impl Row {
    /// The JSON type of cell `i`, if the row came from JSON.
    pub fn kind(&self, i: usize) -> Option<JsonKind> {
        self.kinds.get(i).copied()
    }

    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

pub fn decode(format: ImportFormat, bytes: &[u8]) -> ApiResult<Table> {
    match format {
        ImportFormat::Csv => csv_table(bytes),
        ImportFormat::Xlsx => xlsx_table(bytes),
        ImportFormat::Json => json_table(bytes),
    }
}

fn unreadable(what: &str, err: impl std::fmt::Display) -> ApiError {
    ApiError::BadRequest(format!("unreadable {what} file: {err}"))
}

/// The text of a CSV file: UTF-8 (its byte-order mark dropped), or
/// Windows-1252, what Excel saves as "CSV" on Windows.
/// UTF-8 is read in place, without a copy.
pub fn csv_text(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.into(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0,
    }
}

/// The separator the header line uses most: `,`, `;` or a tab. Quoted
/// text is not counted.
pub fn delimiter(text: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '\n' | '\r' if !quoted => break,
            '"' => quoted = !quoted,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let seps = [b',', b';', b'\t'];
    let best = (0..3).max_by_key(|i| (counts[*i], 3 - i)).unwrap_or(0);
    if counts[best] == 0 { b',' } else { seps[best] }
}

fn csv_table(bytes: &[u8]) -> ApiResult<Table> {
    let text = csv_text(bytes);
    let newlines: Vec<usize> = text
        .bytes()
        .enumerate()
        .filter(|(_, b)| *b == b'\n')
        .map(|(i, _)| i)
        .collect();
    // The line a record starts on: its position is where the reader
    // stood, before any blank lines it skipped.
    let line_at = |byte: u64| {
        let start = usize::try_from(byte).unwrap_or(usize::MAX).min(text.len());
        let skipped = text[start..]
            .bytes()
            .take_while(|b| *b == b'\r' || *b == b'\n')
            .count();
        newlines.partition_point(|n| *n < start + skipped) + 1
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(&text))
        .from_reader(text.as_bytes());
    let mut table = Table::default();
    let mut record = csv::StringRecord::new();
    let mut first = true;
    while reader
        .read_record(&mut record)
        .map_err(|e| unreadable("CSV", e))?
    {
        let cells: Vec<String> = record.iter().map(str::to_owned).collect();
        if first {
            table.headers = cells;
            first = false;
            continue;
        }
        let number = record
            .position()
            .map(|p| line_at(p.byte()))
            .unwrap_or(table.rows.len() + 2);
        table.rows.push(Row {
            number,
            cells,
            kinds: Vec::new(),
        });
    }
    Ok(table)
}

/// A spreadsheet cell as the text a CSV export would hold: whole numbers
/// without `.0`, dates as `YYYY-MM-DD`.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => match d.as_datetime() {
            Some(dt) if dt.time() == chrono::NaiveTime::MIN => dt.date().to_string(),
            Some(dt) => dt.to_string(),
            None => d.to_string(),
        },
    }
}

fn xlsx_table(bytes: &[u8]) -> ApiResult<Table> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| unreadable("XLSX", e))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| ApiError::BadRequest("the XLSX file has no sheet".into()))?
        .map_err(|e| unreadable("XLSX", e))?;
    let first_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
    let mut table = Table::default();
    for (i, cells) in range.rows().enumerate() {
        let cells: Vec<String> = cells.iter().map(cell_text).collect();
        if i == 0 {
            table.headers = cells;
        } else {
            table.rows.push(Row {
                number: first_row + i + 1,
                cells,
                kinds: Vec::new(),
            });
        }
    }
    Ok(table)
}

/// A JSON value as a cell: lists joined with `;`.
fn json_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(json_text).collect::<Vec<_>>().join("; "),
        other => other.to_string(),
    }
}

fn json_table(bytes: &[u8]) -> ApiResult<Table> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::BadRequest(format!("malformed JSON: {e}")))?;
    let Value::Array(items) = value else {
        return Err(ApiError::BadRequest(
            "send a JSON array of objects, one per row".into(),
        ));
    };
    let mut table = Table::default();
    let objects: Vec<serde_json::Map<String, Value>> = items
        .into_iter()
        .enumerate()
        .map(|(i, item)| match item {
            Value::Object(map) => Ok(map),
            _ => Err(ApiError::BadRequest(format!(
                "element {} is not an object",
                i + 1
            ))),
        })
        .collect::<ApiResult<_>>()?;
    for object in &objects {
        for key in object.keys() {
            if !table.headers.contains(key) {
                table.headers.push(key.clone());
            }
        }
    }
    for (i, object) in objects.iter().enumerate() {
        let values: Vec<Option<&Value>> = table.headers.iter().map(|h| object.get(h)).collect();
        table.rows.push(Row {
            number: i + 1,
            cells: values
                .iter()
                .map(|v| v.map(json_text).unwrap_or_default())
                .collect(),
            kinds: values
                .iter()
                .map(|v| v.map(JsonKind::of).unwrap_or(JsonKind::Null))
                .collect(),
        });
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byte_order_mark_is_dropped_and_windows_1252_is_read() {
        assert_eq!(csv_text(b"\xEF\xBB\xBFemail"), "email");
        assert_eq!(csv_text(b"Ren\xE9e"), "Renée");
    }

    #[test]
    fn the_separator_is_found_in_the_header_line() {
        assert_eq!(delimiter("email;full_name\na,b,c"), b';');
        assert_eq!(delimiter("\"a;b\",c\n"), b',');
        assert_eq!(delimiter("email\n"), b',');
    }

    #[test]
    fn csv_rows_carry_their_line_numbers() {
        let table = decode(
            ImportFormat::Csv,
            b"email;full_name\r\na@x.org;A\r\n\r\nb@x.org;\"B; C\"\r\n",
        )
        .expect("reads");
        assert_eq!(table.headers, vec!["email", "full_name"]);
        assert_eq!(table.rows[0].number, 2);
        assert_eq!(table.rows[1].number, 4);
        assert_eq!(table.rows[1].cells, vec!["b@x.org", "B; C"]);
    }

    #[test]
    fn json_objects_become_rows_under_the_union_of_their_keys() {
        let table = decode(
            ImportFormat::Json,
            br#"[{"email":"a@x.org"},{"full_name":"B","n":[1,2]}]"#,
        )
        .expect("reads");
        assert_eq!(table.headers, vec!["email", "full_name", "n"]);
        assert_eq!(table.rows[1].cells, vec!["", "B", "1; 2"]);
    }
}
