//! Liveness and readiness probes.
use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::api::error::{ApiError, ApiResult};
use crate::api::responses::{Unavailable, Unprocessable};
use crate::state::AppState;

/// The probe's answer.
#[derive(Serialize, ToSchema)]
pub struct HealthStatus {
    /// Always `ok` in a 200 answer.
    pub status: Health,
}

/// A healthy answer says `ok`; an unhealthy one is a 503 problem.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Health {
    Ok,
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(live).service(ready);
}

/// The process is running.
///
/// Liveness probe for orchestrators, open to anyone: 200 whenever the
/// process answers HTTP, without touching the database.
#[utoipa::path(tag = "health",
    responses(
        (status = 200, description = "Alive", body = HealthStatus),
        (status = 422, response = Unprocessable),
    ))]
#[get("/health/live")]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(HealthStatus { status: Health::Ok })
}

/// The database answers.
///
/// Readiness probe, open to anyone: 200 when a database ping succeeds
/// within 3 seconds, else 503 (send no traffic to this instance yet).
#[utoipa::path(tag = "health",
    responses(
        (status = 200, description = "Ready", body = HealthStatus),
        (status = 422, response = Unprocessable),
        (status = 503, response = Unavailable),
    ))]
#[get("/health/ready")]
pub async fn ready(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let ping = tokio::time::timeout(std::time::Duration::from_secs(3), state.db.ping()).await;
    match ping {
        Ok(Ok(())) => Ok(HttpResponse::Ok().json(HealthStatus { status: Health::Ok })),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "readiness check failed");
            Err(ApiError::Unavailable("database".into()))
        }
        Err(_) => Err(ApiError::Unavailable("database timeout".into())),
    }
}
