//! A cycle's agreement template: read by members, set by the committee.
use actix_web::{HttpResponse, get, put, web};
use uuid::Uuid;

use super::dto::{AgreementTemplateDto, PutTemplateRequest};
use crate::api::error::ApiResult;
use crate::api::extract::AuthUser;
use crate::api::json::Json;
use crate::api::responses::{Conflict, Forbidden, NotFound, Unprocessable};
use crate::api::valid;
use crate::service::agreements;
use crate::state::AppState;

/// A cycle's agreement template.
///
/// Any signed-in member, for a cycle that is not a draft (the committee for
/// any cycle; a draft is a 404 to others). The sections new agreements of
/// the cycle start from: the committee's, or the shipped default
/// (`is_default`: communication styles, goals, mode and channel, meeting
/// frequency and time, confidentiality, raising a concern or ending early).
#[utoipa::path(tag = "agreements",
    params(("id" = Uuid, Path, description = "Cycle id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The template", body = AgreementTemplateDto),
        (status = 404, response = NotFound),
    ))]
#[get("/cycles/{id}/agreement-template")]
pub async fn get_template(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let t = agreements::template(&state.db, &user.actor(), *id).await?;
    Ok(HttpResponse::Ok().json(AgreementTemplateDto::from(t)))
}

/// Set a cycle's agreement template (committee).
///
/// Replaces the whole template: 1–20 sections, each with a unique key
/// matching `^[a-z][a-z0-9_]{0,39}$`, a title of 1–200 characters and a
/// prompt of at most 2,000. A bad value is a 422 naming it
/// (`sections.2.key`). Agreements already saved keep their sections; an
/// archived cycle's template is frozen (409).
#[utoipa::path(tag = "agreements",
    params(("id" = Uuid, Path, description = "Cycle id")),
    request_body = PutTemplateRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The template as set", body = AgreementTemplateDto),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
    ))]
#[put("/cycles/{id}/agreement-template")]
pub async fn put_template(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<PutTemplateRequest>,
) -> ApiResult<HttpResponse> {
    let body = valid(body)?;
    let sections = body.sections.into_iter().map(Into::into).collect();
    let t = agreements::set_template(&state.db, &user.actor(), *id, sections).await?;
    Ok(HttpResponse::Ok().json(AgreementTemplateDto::from(t)))
}
