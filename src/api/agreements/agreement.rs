//! A published match's agreement: read, saved and signed by the two
//! partners; its saved versions.
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use uuid::Uuid;

use super::dto::{AgreementDto, AgreementVersionDto, SaveAgreementRequest};
use crate::api::error::ApiResult;
use crate::api::extract::AuthUser;
use crate::api::json::Json;
use crate::api::pagination::{Page, PageParams};
use crate::api::responses::{Conflict, Forbidden, NotFound, Unprocessable};
use crate::api::valid;
use crate::service::agreements;
use crate::state::AppState;

/// A match's partnership agreement.
///
/// The two partners of a published match (`active`, `completed` or
/// `ended_early`) read it whole. The committee reads its signatures and
/// dates, with every `answer` null unless the pair shares the agreement
/// (`shared_with_committee`). Anyone else, and any match not published, is
/// a 404. Before the first save it is version 0: the cycle's template,
/// unanswered.
#[utoipa::path(tag = "agreements",
    params(("id" = Uuid, Path, description = "Match id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The agreement", body = AgreementDto),
        (status = 404, response = NotFound),
    ))]
#[get("/matches/{id}/agreement")]
pub async fn get(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let a = agreements::get(&state.db, &user.actor(), *id).await?;
    Ok(HttpResponse::Ok().json(AgreementDto::from(a)))
}

/// Save the agreement (either partner).
///
/// Send the `version` you read: if the agreement changed since, the save is
/// a 409 whose `detail` names the current version, and nothing is written,
/// so two partners saving at once never lose an edit. Answers sent replace
/// theirs; a key that is not a section is a 422 naming `answers.<key>`.
/// Each save is a new version, kept. If it changes an answer after either
/// partner signed, both signatures are cleared and the other partner is
/// emailed. Only an `active` match's agreement changes (409 otherwise); the
/// committee may not edit (403); anyone else gets a 404.
#[utoipa::path(tag = "agreements",
    params(("id" = Uuid, Path, description = "Match id")),
    request_body = SaveAgreementRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The agreement as saved", body = AgreementDto),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
    ))]
#[put("/matches/{id}/agreement")]
pub async fn save(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<SaveAgreementRequest>,
) -> ApiResult<HttpResponse> {
    let body = valid(body)?;
    let (a, queued) = agreements::save(&state.db, &user.actor(), *id, body.into()).await?;
    if queued {
        state.outbox.wake();
    }
    Ok(HttpResponse::Ok().json(AgreementDto::from(a)))
}

/// Sign the current version (either partner).
///
/// Your side (mentor or mentee) signs the version as it is now; once both
/// have, the agreement is `complete`. Signing twice at one version, or an
/// agreement never saved, is a 409, as is a match no longer `active`. The
/// committee may not sign (403); anyone else gets a 404.
#[utoipa::path(tag = "agreements",
    params(("id" = Uuid, Path, description = "Match id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The agreement with your signature", body = AgreementDto),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ))]
#[post("/matches/{id}/agreement/sign")]
pub async fn sign(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let a = agreements::sign(&state.db, &user.actor(), *id).await?;
    Ok(HttpResponse::Ok().json(AgreementDto::from(a)))
}

/// Every saved version of the agreement, oldest first.
///
/// The two partners; the committee only when the pair shares the agreement
/// (404 otherwise), as for anyone else and any match not published.
#[utoipa::path(tag = "agreements",
    params(("id" = Uuid, Path, description = "Match id"), PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of versions", body = Page<AgreementVersionDto>),
        (status = 404, response = NotFound),
    ))]
#[get("/matches/{id}/agreement/versions")]
pub async fn versions(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
    paging: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = paging.page_request_for(&req)?;
    let (rows, total) = agreements::versions(&state.db, &user.actor(), *id, page).await?;
    let items = rows.into_iter().map(AgreementVersionDto::from).collect();
    Ok(Page::new(items, page, total).respond(&req))
}
