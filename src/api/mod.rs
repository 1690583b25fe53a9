//! HTTP only: routes, DTOs and their OpenAPI description. Each handler
//! extracts, converts into a domain input, calls one service function and
//! maps the result to a DTO.
pub mod agreements;
pub mod applications;
pub mod auth;
pub mod cadence;
pub mod cycles;
pub mod docs;
pub mod error;
pub mod evaluations;
pub mod export;
pub mod extract;
pub mod health;
pub mod imports;
pub mod instant;
pub mod json;
pub mod matches;
pub mod matching;
pub mod me;
pub mod meetings;
pub mod members;
pub mod middleware;
pub mod notifications;
pub mod origin;
pub mod pagination;
pub mod questions;
pub mod resources;
pub mod responses;
pub mod workshops;

use actix_web::{HttpResponse, http::header, web};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa_actix_web::{scope, service_config::ServiceConfig};
use validator::Validate;

use crate::api::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Every route of the service; each resource module mounts its own routes
/// and, through `utoipa-actix-web`, its own OpenAPI paths and schemas.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(health::configure)
        .service(scope("/api/v1").configure(v1));
}

fn v1(cfg: &mut ServiceConfig) {
    cfg.configure(auth::configure)
        .configure(me::configure)
        .configure(members::configure)
        .configure(cycles::configure)
        .configure(questions::configure)
        .configure(applications::configure)
        .configure(matching::configure)
        .configure(matches::configure)
        .configure(agreements::configure)
        .configure(meetings::configure)
        .configure(cadence::configure)
        .configure(evaluations::configure)
        .configure(notifications::configure)
        .configure(resources::configure)
        .configure(workshops::configure)
        .configure(imports::configure);
}

/// Counts an attempt at a credential endpoint against the caller's
/// address (429 with `Retry-After` when over the rate).
pub fn rate_limit(state: &AppState, req: &actix_web::HttpRequest) -> ApiResult<()> {
    use actix_web::HttpMessage;
    let client = req
        .extensions()
        .get::<crate::client_addr::ClientAddr>()
        .map(|c| c.0)
        .unwrap_or(std::net::IpAddr::from([0, 0, 0, 0]));
    state
        .check_auth_rate(client)
        .map_err(|retry_after_secs| ApiError::RateLimited { retry_after_secs })
}

/// Unwraps a JSON body and runs its validation rules (422 per field).
pub fn valid<T: Validate>(body: json::Json<T>) -> ApiResult<T> {
    let body = body.into_inner();
    body.validate()?;
    Ok(body)
}

/// 201 with `Location`.
pub fn created<T: Serialize>(location: String, body: T) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(body)
}

/// Tells an absent field (`None`) from an explicit `null` (`Some(None)`),
/// so PATCH can clear optional values.
pub fn double_option<'de, T, D>(de: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(de).map(Some)
}

/// A serde message without the offending value, which may be private
/// (an identity tag sent as a string): `invalid type: string "x", expected
/// a sequence at line 1 column 9` becomes `expected a sequence at line 1
/// column 9`.
pub fn sanitize_serde_message(message: &str) -> String {
    match message.find(", expected ") {
        Some(i) if message.starts_with("invalid ") => message[i + 2..].to_owned(),
        _ => message.to_owned(),
    }
}

/// Extractor failures (bad JSON, query or path) as problems.
pub fn extractor_config(cfg: &mut web::ServiceConfig, max_body_bytes: usize) {
    use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
    cfg.app_data(
        web::JsonConfig::default()
            .limit(max_body_bytes)
            .error_handler(|err, _req| {
                let api = match &err {
                    JsonPayloadError::Overflow { limit }
                    | JsonPayloadError::OverflowKnownLength { limit, .. } => {
                        ApiError::PayloadTooLarge(format!("the body is larger than {limit} bytes"))
                    }
                    JsonPayloadError::ContentType => json::not_json(),
                    // Bodies are read as JSON values first (see `json`), so
                    // only syntax fails here; `json` names misfit fields.
                    JsonPayloadError::Deserialize(e) => json::malformed(e),
                    other => ApiError::BadRequest(format!("unreadable body: {other}")),
                };
                api.into()
            }),
    )
    .app_data(web::PayloadConfig::default().limit(max_body_bytes))
    .app_data(
        web::QueryConfig::default().error_handler(|err: QueryPayloadError, _req| {
            ApiError::BadRequest(format!("malformed query string: {err}")).into()
        }),
    )
    .app_data(
        web::PathConfig::default().error_handler(|err: PathError, req| {
            crate::api::middleware::RouteTable::wrong_method(req)
                .unwrap_or_else(|| ApiError::BadRequest(format!("malformed path parameter: {err}")))
                .into()
        }),
    );
}

#[cfg(test)]
mod tests {
    use super::sanitize_serde_message;

    #[test]
    fn serde_messages_lose_the_offending_value() {
        let m = "invalid type: string \"queer\", expected a sequence at line 1 column 20";
        assert_eq!(
            sanitize_serde_message(m),
            "expected a sequence at line 1 column 20"
        );
        let m = "missing field `role` at line 1 column 2";
        assert_eq!(sanitize_serde_message(m), m);
    }
}
