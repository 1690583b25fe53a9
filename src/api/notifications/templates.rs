//! Message templates, for administrators: read, replace, reset, preview.
use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};

use super::dto::{RenderedDto, TemplateDto, TemplateRequest};
use crate::api::error::ApiResult;
use crate::api::extract::AuthUser;
use crate::api::json::{Json, OptionalJson};
use crate::api::pagination::{Page, PageParams};
use crate::api::responses::{Forbidden, NotFound, Unprocessable};
use crate::api::valid;
use crate::domain::notification::Event;
use crate::service::notify;
use crate::state::AppState;
use validator::Validate;

/// Every event's template as it applies now, in event order (admins).
///
/// One per event, each with its subject, plain text and HTML, the variables
/// it may use, and whether an admin replaced the shipped one.
#[utoipa::path(tag = "notifications",
    params(PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One template per event", body = Page<TemplateDto>),
        (status = 403, response = Forbidden),
    ))]
#[get("/notification-templates")]
pub async fn list_templates(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    paging: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = paging.page_request_for(&req)?;
    let all = notify::templates(&state.db, &user.actor()).await?;
    let items = all
        .into_iter()
        .map(|(event, source, overridden)| TemplateDto::new(event, source, overridden))
        .collect();
    Ok(Page::of_all(items, page).respond(&req))
}

/// One event's template as it applies now (admins).
///
/// The admins' override if there is one, else the template shipped in the
/// repository, with the variables it may use.
#[utoipa::path(tag = "notifications",
    params(("event" = Event, Path, description = "The event")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The template", body = TemplateDto),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
#[get("/notification-templates/{event}")]
pub async fn get_template(
    state: web::Data<AppState>,
    user: AuthUser,
    event: web::Path<Event>,
) -> ApiResult<HttpResponse> {
    let (event, source, overridden) = notify::template(&state.db, &user.actor(), *event).await?;
    Ok(HttpResponse::Ok().json(TemplateDto::new(event, source, overridden)))
}

/// Replace an event's template (admins).
///
/// Each part must render with the event's sample data: a syntax error or a
/// variable the event does not have is a 422 naming `subject`, `text` or
/// `html`. Messages not yet sent use the new template.
#[utoipa::path(tag = "notifications",
    params(("event" = Event, Path, description = "The event")),
    request_body = TemplateRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The template now in use", body = TemplateDto),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Unprocessable),
    ))]
#[put("/notification-templates/{event}")]
pub async fn put_template(
    state: web::Data<AppState>,
    user: AuthUser,
    event: web::Path<Event>,
    body: Json<TemplateRequest>,
) -> ApiResult<HttpResponse> {
    let source = valid(body)?.into();
    let (event, source, overridden) =
        notify::set_template(&state.db, &user.actor(), *event, source).await?;
    Ok(HttpResponse::Ok().json(TemplateDto::new(event, source, overridden)))
}

/// Go back to the shipped template (admins).
///
/// Drops the override: messages not yet sent use the shipped template.
/// 404 when the event's template is not overridden.
#[utoipa::path(tag = "notifications",
    params(("event" = Event, Path, description = "The event")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "The shipped template applies again"),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
#[delete("/notification-templates/{event}")]
pub async fn delete_template(
    state: web::Data<AppState>,
    user: AuthUser,
    event: web::Path<Event>,
) -> ApiResult<HttpResponse> {
    notify::reset_template(&state.db, &user.actor(), *event).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Preview a template with sample data (admins).
///
/// Without a body, the template that applies now; with one, that draft
/// (checked like a replacement, so its problems come back as a 422).
#[utoipa::path(tag = "notifications",
    params(("event" = Event, Path, description = "The event")),
    request_body(content = Option<TemplateRequest>, description = "A draft to try; omit to preview the template in use"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The message as a member would get it", body = RenderedDto),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Unprocessable),
    ))]
#[post("/notification-templates/{event}/preview")]
pub async fn preview_template(
    state: web::Data<AppState>,
    user: AuthUser,
    event: web::Path<Event>,
    body: OptionalJson<TemplateRequest>,
) -> ApiResult<HttpResponse> {
    let draft = match body.0 {
        Some(draft) => {
            draft.validate()?;
            Some(draft.into())
        }
        None => None,
    };
    let rendered = notify::preview(&state.db, &user.actor(), *event, draft).await?;
    Ok(HttpResponse::Ok().json(RenderedDto::from(rendered)))
}
