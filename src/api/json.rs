//! JSON bodies whose shape errors name the field at fault, so a form can
//! show the message beside it: `{"field": "answers.0.question_id", ...}`.
//!
//! The body is first read as a JSON value by actix's own extractor (a wrong
//! content type or broken JSON is a 400, an oversized body a 413), then
//! converted to its type, which tracks where a value does not fit.
use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use serde::de::DeserializeOwned;
use serde_path_to_error::Segment;

use crate::api::error::{ApiError, FieldError};

/// Where a value does not fit its type: the field, dotted for nested values
/// (`body` for the whole), and serde's message without the value itself,
/// which may be private (an identity tag sent as a string).
#[derive(Debug)]
pub struct ShapeError {
    pub field: String,
    pub message: String,
}

impl ShapeError {
    /// The body names a field its type does not have.
    pub fn is_unknown_field(&self) -> bool {
        self.message.starts_with("unknown field")
    }
}

/// A body sent with another content type.
pub(super) fn not_json() -> ApiError {
    ApiError::BadRequest("send the body as application/json".into())
}

/// A body that is not JSON at all.
pub(super) fn malformed(e: &serde_json::Error) -> ApiError {
    ApiError::BadRequest(format!("malformed JSON: {e}"))
}

impl From<ShapeError> for ApiError {
    fn from(e: ShapeError) -> Self {
        ApiError::Validation(vec![FieldError::new(e.field, "invalid", e.message)])
    }
}

/// Converts a JSON object to `T`, saying which field does not fit. Every
/// body of this API is an object (serde would also read a struct from an
/// array, by position, and blame a field by its index).
pub fn from_value<T: DeserializeOwned>(mut value: serde_json::Value) -> Result<T, ShapeError> {
    whole_floats_as_integers(&mut value);
    if !value.is_object() {
        return Err(ShapeError {
            field: "body".to_owned(),
            message: "expected a JSON object".to_owned(),
        });
    }
    if let Some(field) = nul_path(&value, &mut Vec::new()) {
        return Err(ShapeError {
            field,
            message: NUL_MESSAGE.to_owned(),
        });
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let mut parts: Vec<String> = e
            .path()
            .iter()
            .filter_map(|segment| match segment {
                Segment::Seq { index } => Some(index.to_string()),
                Segment::Map { key } => Some(key.clone()),
                Segment::Enum { variant } => Some(variant.clone()),
                Segment::Unknown => None,
            })
            .collect();
        let message = super::sanitize_serde_message(&e.inner().to_string());
        // Name an unknown field if the path stops at its parent.
        if let Some(name) = unknown_field_name(&message)
            && parts.last().map(String::as_str) != Some(name)
        {
            parts.push(name.to_owned());
        }
        let field = if parts.is_empty() {
            "body".to_owned()
        } else {
            parts.join(".")
        };
        ShapeError { field, message }
    })
}

/// JSON has one number type: `14.0` is the integer 14 to JSON Schema and to
/// most client libraries, so it is read as one (serde would refuse it for
/// an integer field). Fractions and numbers beyond 64 bits stay floats.
fn whole_floats_as_integers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f.abs() < 9.0e15
            {
                // Exact: every integer below 2^53 is a float without loss.
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_floats_as_integers),
        Value::Object(map) => map.values_mut().for_each(whole_floats_as_integers),
        _ => {}
    }
}

/// Why a string with a NUL character is refused (PostgreSQL cannot store
/// one in text, so no database may get it).
pub const NUL_MESSAGE: &str = "must not contain the NUL character (U+0000)";

/// The dotted path of the first string (or key) holding a NUL character.
fn nul_path(value: &serde_json::Value, path: &mut Vec<String>) -> Option<String> {
    use serde_json::Value;
    let found = |path: &Vec<String>| {
        Some(if path.is_empty() {
            "body".to_owned()
        } else {
            path.join(".")
        })
    };
    match value {
        Value::String(s) if s.contains('\0') => found(path),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            path.push(i.to_string());
            let hit = nul_path(item, path);
            path.pop();
            hit
        }),
        Value::Object(map) => map.iter().find_map(|(key, item)| {
            path.push(key.clone());
            let hit = if key.contains('\0') {
                found(path)
            } else {
                nul_path(item, path)
            };
            path.pop();
            hit
        }),
        _ => None,
    }
}

/// `x` in "unknown field `x`, expected one of ...".
fn unknown_field_name(message: &str) -> Option<&str> {
    message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split_once('`'))
        .map(|(name, _)| name)
}

/// A JSON request body of type `T`: a value that does not fit is a 422
/// naming its field.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let value = web::Json::<serde_json::Value>::from_request(req, payload);
        Box::pin(async move {
            let value = value.await?.into_inner();
            from_value(value)
                .map(Json)
                .map_err(|e| ApiError::from(e).into())
        })
    }
}

/// An optional JSON request body: no body at all, or `null`, is `None`; any
/// other body must be well-formed and fit `T`, as with [`Json`], and is
/// never silently read as absent (where absent means "all", a typo must
/// not mean "all").
#[derive(Debug)]
pub struct OptionalJson<T>(pub Option<T>);

impl<T: DeserializeOwned + 'static> FromRequest for OptionalJson<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = req
            .headers()
            .get(actix_web::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|mime| mime.trim().to_ascii_lowercase().ends_with("json"));
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            let bytes = bytes.await?;
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return Ok(OptionalJson(None));
            }
            if !is_json {
                return Err(not_json().into());
            }
            let value: serde_json::Value =
                serde_json::from_slice(&bytes).map_err(|e| malformed(&e))?;
            if value.is_null() {
                return Ok(OptionalJson(None));
            }
            Ok(OptionalJson(Some(
                from_value(value).map_err(ApiError::from)?,
            )))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Answer {
        question_id: uuid::Uuid,
        value: serde_json::Value,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Form {
        capacity: Option<u8>,
        #[serde(default)]
        answers: Vec<Answer>,
    }

    fn field_of(value: serde_json::Value) -> (String, String) {
        let e = from_value::<Form>(value).expect_err("does not fit");
        (e.field, e.message)
    }

    #[test]
    fn a_misfit_names_its_field_dotted() {
        let (field, message) = field_of(json!({"capacity": "three"}));
        assert_eq!(field, "capacity");
        assert_eq!(message, "expected u8", "the value is left out");
        let (field, _) = field_of(json!({"answers": [{"question_id": "", "value": 1}]}));
        assert_eq!(field, "answers.0.question_id");
    }

    #[test]
    fn an_unknown_field_is_named_and_the_whole_body_is_body() {
        let e = from_value::<Form>(json!({"answers": [], "status": "x"})).unwrap_err();
        assert!(e.is_unknown_field());
        assert_eq!(e.field, "status");
        let (field, _) = field_of(json!({"answers": [{
            "question_id": "0b0e6a44-8f5e-4a43-9d1e-7d5e3c1a2b3c", "value": 1, "x": 1
        }]}));
        assert_eq!(field, "answers.0.x");
        let (field, _) = field_of(json!([1, 2]));
        assert_eq!(field, "body");
    }

    #[test]
    fn a_whole_float_is_read_as_an_integer_and_a_fraction_is_not() {
        let form: Form = from_value(json!({"capacity": 3.0})).unwrap();
        assert_eq!(form.capacity, Some(3));
        let (field, _) = field_of(json!({"capacity": 2.5}));
        assert_eq!(field, "capacity");
    }

    #[test]
    fn a_nul_character_anywhere_is_refused_with_its_path() {
        let e = from_value::<Form>(json!({"answers": [{
            "question_id": "0b0e6a44-8f5e-4a43-9d1e-7d5e3c1a2b3c", "value": ["a", "b\u{0}"]
        }]}))
        .unwrap_err();
        assert_eq!(e.field, "answers.0.value.1");
        assert_eq!(e.message, NUL_MESSAGE);
    }
}
