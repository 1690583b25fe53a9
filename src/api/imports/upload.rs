//! Receiving an import file: its format from `Content-Type`, its size
//! bounded by `MAX_IMPORT_BYTES` (413), its SHA-256 for the audit list.
use actix_web::{HttpRequest, http::header, web};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};

use super::decode::{Table, decode};
use crate::api::error::{ApiError, ApiResult};
use crate::domain::import::{ImportFormat, MAX_ROWS};
use crate::service::imports::{ImportFile, Parsed};

pub const CSV: &str = "text/csv";
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub const JSON: &str = "application/json";

/// The longest `Idempotency-Key` kept.
const MAX_KEY_CHARS: usize = 200;

fn format_of(req: &HttpRequest) -> ApiResult<ImportFormat> {
    let mime = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    match mime.as_str() {
        "text/csv" | "application/csv" => Ok(ImportFormat::Csv),
        XLSX => Ok(ImportFormat::Xlsx),
        "application/json" => Ok(ImportFormat::Json),
        _ => Err(ApiError::UnsupportedMediaType(format!(
            "send the file as {CSV}, {XLSX} or {JSON}"
        ))),
    }
}

fn too_large(limit: usize) -> ApiError {
    ApiError::PayloadTooLarge(format!("the file is larger than {limit} bytes"))
}

fn idempotency_key(req: &HttpRequest) -> ApiResult<Option<String>> {
    let Some(value) = req.headers().get("idempotency-key") else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .map_err(|_| ApiError::BadRequest("Idempotency-Key must be visible ASCII".into()))?
        .trim();
    if key.is_empty() || key.chars().count() > MAX_KEY_CHARS {
        return Err(ApiError::BadRequest(format!(
            "Idempotency-Key must be 1 to {MAX_KEY_CHARS} characters"
        )));
    }
    Ok(Some(key.to_owned()))
}

/// Reads the whole body (no more than `limit` bytes), decodes it and
/// reads its rows with `parse`, off the async workers (a large file takes
/// a while): the bytes and the table are dropped once the rows are read.
pub async fn receive<T: Send + 'static>(
    req: &HttpRequest,
    mut body: web::Payload,
    limit: usize,
    dry_run: bool,
    parse: fn(&Table) -> Parsed<T>,
) -> ApiResult<(ImportFile, Parsed<T>)> {
    let format = format_of(req)?;
    let idempotency_key = idempotency_key(req)?;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large(limit));
    }
    let mut bytes = web::BytesMut::with_capacity(declared.unwrap_or(0));
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| ApiError::BadRequest(format!("unreadable body: {e}")))?;
        if bytes.len() + chunk.len() > limit {
            return Err(too_large(limit));
        }
        bytes.extend_from_slice(&chunk);
    }
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let size = bytes.len();
    let parsed = web::block(move || {
        let table = decode(format, &bytes)?;
        drop(bytes);
        if table.rows.len() > MAX_ROWS {
            return Err(ApiError::invalid(
                "body",
                "too_many_rows",
                format!("a file holds at most {MAX_ROWS} rows; split it"),
            ));
        }
        Ok(parse(&table))
    })
    .await
    .map_err(|e| ApiError::Internal(e.into()))??;
    let file = ImportFile {
        format,
        sha256,
        bytes: size,
        idempotency_key,
        dry_run,
    };
    Ok((file, parsed))
}
