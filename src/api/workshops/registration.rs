//! Registering and the waitlist (yourself), the committee's list (JSON or
//! CSV), adding and removing someone, and attendance.
use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use uuid::Uuid;

use super::csv::registrations_csv;
use super::dto::{
    AddRegistrationRequest, AttendanceDto, AttendanceRequest, CycleAttendanceDto, RegistrationDto,
    RegistrationLineDto,
};
use crate::api::error::ApiResult;
use crate::api::export::wants_csv;
use crate::api::extract::AuthUser;
use crate::api::json::Json;
use crate::api::pagination::{Page, PageParams};
use crate::api::responses::{Conflict, Forbidden, NotFound, Unauthorized, Unprocessable};
use crate::service::workshops::{attendance, registration};
use crate::state::AppState;

fn placed(new: bool, body: RegistrationDto) -> HttpResponse {
    if new {
        HttpResponse::Created().json(body)
    } else {
        HttpResponse::Ok().json(body)
    }
}

/// Register for a workshop, or join its waitlist.
///
/// A place while places remain (`registered`), otherwise the waitlist
/// (`waitlisted`, with your `position`, 1 for the first in line); a freed
/// place goes to the first in line automatically, by email. 201 when new,
/// 200 when you already hold a place or a place in line (nothing changes).
/// 409 with the reason when registration is not open (before it opens,
/// after it closes or the workshop starts, or a workshop not published);
/// 404 for a workshop you may not see.
#[utoipa::path(tag = "workshops",
    params(("id" = Uuid, Path, description = "Workshop id")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Registered or waitlisted", body = RegistrationDto),
        (status = 200, description = "Already registered or waitlisted", body = RegistrationDto),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[post("/workshops/{id}/registration")]
pub async fn register(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let (mine, new) = registration::register(&state.db, &user.actor(), *id).await?;
    Ok(placed(new, mine.into()))
}

/// Give up your place, or leave the waitlist.
///
/// A freed place goes to the first on the waitlist, who is emailed. 404
/// when you hold neither; 409 once the workshop has started.
#[utoipa::path(tag = "workshops",
    params(("id" = Uuid, Path, description = "Workshop id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Left"),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[delete("/workshops/{id}/registration")]
pub async fn leave(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let tz = state.mail.timezone;
    registration::leave(&state.db, &user.actor(), *id, tz).await?;
    state.outbox.wake();
    Ok(HttpResponse::NoContent().finish())
}

/// A workshop's registrations and waitlist (committee).
///
/// The registered, then the waitlist with positions, each in join order.
/// `?format=csv` or `Accept: text/csv` answers a CSV file of every line
/// (cells that a spreadsheet would read as a formula are prefixed with
/// `'`).
#[utoipa::path(tag = "workshops",
    params(("id" = Uuid, Path, description = "Workshop id"), PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of registrations, or the CSV file",
            content(
                (Page<RegistrationLineDto> = "application/json"),
                (String = "text/csv"),
            )),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
#[get("/workshops/{id}/registrations")]
pub async fn registrations(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
    paging: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = paging.page_request_for(&req)?;
    let lines = registration::list(&state.db, &user.actor(), *id).await?;
    let lines: Vec<RegistrationLineDto> = lines.into_iter().map(Into::into).collect();
    if wants_csv(&req) {
        return registrations_csv(*id, &lines);
    }
    Ok(Page::of_all(lines, page).respond(&req))
}

/// Register someone for a workshop (committee).
///
/// Whatever the audience or registration window: a place if one remains,
/// else the waitlist. 201 when new, 200 when they already hold one. 422
/// naming `member_id` for an unknown member; 409 for a cancelled or
/// completed workshop.
#[utoipa::path(tag = "workshops",
    params(("id" = Uuid, Path, description = "Workshop id")),
    request_body = AddRegistrationRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Registered or waitlisted", body = RegistrationDto),
        (status = 200, description = "Already registered or waitlisted", body = RegistrationDto),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
    ))]
#[post("/workshops/{id}/registrations")]
pub async fn add_registration(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<AddRegistrationRequest>,
) -> ApiResult<HttpResponse> {
    let member = body.into_inner().member_id;
    let (mine, new) = registration::add(&state.db, &user.actor(), *id, member).await?;
    Ok(placed(new, mine.into()))
}

/// Remove someone's registration or place in line (committee).
///
/// A freed place goes to the first on the waitlist, who is emailed. 404
/// when they hold neither.
#[utoipa::path(tag = "workshops",
    params(
        ("id" = Uuid, Path, description = "Workshop id"),
        ("member_id" = Uuid, Path, description = "Member id"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
#[delete("/workshops/{id}/registrations/{member_id}")]
pub async fn remove_registration(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (id, member) = path.into_inner();
    let tz = state.mail.timezone;
    registration::remove(&state.db, &user.actor(), id, member, tz).await?;
    state.outbox.wake();
    Ok(HttpResponse::NoContent().finish())
}

/// Mark who attended (committee).
///
/// Replaces the marks: exactly these members attended. Once the workshop
/// has started (409 before). Each must hold a registration or a place on
/// the waitlist: 422 naming `member_ids` otherwise.
#[utoipa::path(tag = "workshops",
    params(("id" = Uuid, Path, description = "Workshop id")),
    request_body = AttendanceRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The members marked", body = AttendanceDto),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
    ))]
#[put("/workshops/{id}/attendance")]
pub async fn set_attendance(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<AttendanceRequest>,
) -> ApiResult<HttpResponse> {
    let ids = body.into_inner().member_ids;
    let member_ids = attendance::set(&state.db, &user.actor(), *id, ids).await?;
    Ok(HttpResponse::Ok().json(AttendanceDto { member_ids }))
}

/// Workshop attendance of a cycle's participants (committee).
///
/// The share of the cycle's participants (members of its published
/// matches) who attended at least one workshop for the cycle or during its
/// mentoring period, with numerator and denominator.
#[utoipa::path(tag = "workshops",
    params(("id" = Uuid, Path, description = "Cycle id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The cycle's attendance", body = CycleAttendanceDto),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
#[get("/cycles/{id}/workshop-attendance")]
pub async fn cycle_attendance(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let a = attendance::cycle_report(&state.db, &user.actor(), *id).await?;
    Ok(HttpResponse::Ok().json(CycleAttendanceDto::new(*id, a)))
}
