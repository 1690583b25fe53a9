//! Calendar feeds (RFC 5545): the public workshops, one workshop, and your
//! personal feed at an unguessable URL. Each answers `text/calendar` with
//! an `ETag`; a matching `If-None-Match` is a 304, so polling clients
//! download a feed only when it changed.
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use uuid::Uuid;

use super::dto::CalendarFeedDto;
use crate::api::error::ApiResult;
use crate::api::extract::{AuthUser, MaybeAuthUser};
use crate::api::origin;
use crate::api::responses::{NotFound, Unauthorized, Unprocessable};
use crate::service::workshops::calendar::{self, Ics};
use crate::state::AppState;

const CALENDAR_TYPE: &str = "text/calendar; charset=utf-8";

/// The feed, or 304 when the client's copy (`If-None-Match`) is current.
fn respond(req: &HttpRequest, ics: Ics) -> HttpResponse {
    let current = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|t| t.trim() == ics.etag || t.trim() == "*")
        });
    let mut res = if current {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    res.insert_header((header::ETAG, ics.etag.clone()))
        .insert_header((header::CACHE_CONTROL, "private, max-age=0, must-revalidate"));
    if current {
        res.finish()
    } else {
        res.content_type(CALENDAR_TYPE).body(ics.body)
    }
}

/// The public workshops as a calendar.
///
/// Every public workshop that is not a draft, in UTC, one event each with
/// a stable UID and a SEQUENCE that rises with every change; a cancelled
/// one stays with `STATUS:CANCELLED`. No join links. `ETag` and 304 for
/// `If-None-Match`.
#[utoipa::path(tag = "calendars",
    security(()),
    responses(
        (status = 200, description = "The calendar", content_type = "text/calendar", body = String),
        (status = 304, description = "Not modified since the `If-None-Match` ETag"),
        (status = 422, response = Unprocessable),
    ))]
#[get("/workshops.ics")]
pub async fn public_feed(state: web::Data<AppState>, req: HttpRequest) -> ApiResult<HttpResponse> {
    Ok(respond(&req, calendar::public_feed(&state.db).await?))
}

/// One workshop as a calendar event.
///
/// For anyone who may see the workshop (404 otherwise), without its join
/// link (that is in your personal feed once registered).
#[utoipa::path(tag = "calendars",
    params(("id" = Uuid, Path, description = "Workshop id")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The event", content_type = "text/calendar", body = String),
        (status = 304, description = "Not modified since the `If-None-Match` ETag"),
        (status = 404, response = NotFound),
    ))]
#[get("/workshops/{id}.ics")]
pub async fn workshop_feed(
    state: web::Data<AppState>,
    user: MaybeAuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let ics = calendar::workshop(&state.db, user.actor().as_ref(), *id).await?;
    Ok(respond(&req, ics))
}

/// The feed's two addresses, at the address clients reach this API at
/// (`api::origin`).
fn feed_urls(state: &AppState, req: &HttpRequest, token: &str) -> CalendarFeedDto {
    let base = origin::api_base(req, state.public_api_url.as_deref(), &state.trusted_proxies);
    let feed_url = format!("{base}/api/v1/calendar/{token}.ics");
    let webcal_url = match feed_url.split_once("://") {
        Some((_, rest)) => format!("webcal://{rest}"),
        None => feed_url.clone(),
    };
    CalendarFeedDto {
        feed_url,
        webcal_url,
    }
}

/// Your personal calendar feed's address.
///
/// A secret URL (and its `webcal://` form) that calendar apps subscribe
/// to: your workshop registrations, with their join links, and the planned
/// meetings of your matches. Anyone with the URL reads it; rotate it if it
/// leaks. The URL is at the API's public address (the operator's
/// `PUBLIC_API_URL`, else the host this request came to; forwarding
/// headers count only from a trusted proxy).
#[utoipa::path(tag = "calendars",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The feed's address", body = CalendarFeedDto),
        (status = 401, response = Unauthorized),
    ))]
#[get("/me/calendar")]
pub async fn my_calendar(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let token = calendar::my_token(&state.db, &user.actor()).await?;
    Ok(HttpResponse::Ok().json(feed_urls(&state, &req, &token)))
}

/// Replace your personal calendar feed's address.
///
/// The old URL stops working at once (404); subscribe again with the new
/// one.
#[utoipa::path(tag = "calendars",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The new address", body = CalendarFeedDto),
        (status = 401, response = Unauthorized),
    ))]
#[post("/me/calendar/rotate")]
pub async fn rotate_calendar(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let token = calendar::rotate(&state.db, &user.actor()).await?;
    Ok(HttpResponse::Ok().json(feed_urls(&state, &req, &token)))
}

/// A personal calendar feed.
///
/// The token is the credential: no sign-in. The member's registered
/// workshops (with join links; cancelled ones as `STATUS:CANCELLED`) and
/// the planned meetings of their matches, as all-day events. 404 for an
/// unknown or rotated token.
#[utoipa::path(tag = "calendars",
    params(("token" = String, Path, description = "The feed's secret token")),
    security(()),
    responses(
        (status = 200, description = "The calendar", content_type = "text/calendar", body = String),
        (status = 304, description = "Not modified since the `If-None-Match` ETag"),
        (status = 404, response = NotFound),
    ))]
#[get("/calendar/{token}.ics")]
pub async fn personal_feed(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
) -> ApiResult<HttpResponse> {
    Ok(respond(
        &req,
        calendar::personal_feed(&state.db, &token).await?,
    ))
}
