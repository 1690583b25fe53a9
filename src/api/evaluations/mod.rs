//! End-of-cycle evaluations (`/cycles/{id}/evaluations`, `/evaluations`,
//! `/me/evaluations`), the testimonials drawn from their quotes, and the
//! cycle's report.
mod charts;
mod dto;
mod page;
mod report;
mod write;

use actix_web::{HttpRequest, HttpResponse, get, web};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub use dto::{EvaluationDto, EvaluationPatch, EvaluationRequest, ReportDto, TestimonialDto};

use crate::api::error::ApiResult;
use crate::api::export::{self, wants_csv};
use crate::api::extract::AuthUser;
use crate::api::pagination::{Page, PageParams};
use crate::api::questions::QuestionDto;
use crate::api::responses::{Forbidden, NotFound, Unauthorized};
use crate::service::evaluations;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(form)
        .service(write::create)
        .service(list)
        .service(mine)
        .service(get_one)
        .service(write::update)
        .service(write::approve_quote)
        .service(write::withdraw_quote)
        .service(report::testimonials)
        .service(report::committee_report)
        .service(report::public_report)
        .service(page::public_page)
        .service(charts::report_chart)
        .service(report::trends);
}

/// The evaluation form of a cycle.
///
/// The standard fields with their allowed values and limits, the cycle's
/// own evaluation questions, and for a partner of a published match of the
/// cycle their role and the meetings their match logged as held, to
/// prefill `meetings_held`. A partner gets the questions asked of their
/// role; anyone else (the committee previewing the form) every question,
/// each with its audience. A draft cycle is a 404 to members.
#[utoipa::path(tag = "evaluations",
    params(("id" = Uuid, Path, description = "Cycle id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The form", body = dto::EvaluationFormDto),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    ))]
#[get("/cycles/{id}/evaluation-form")]
pub async fn form(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let form = evaluations::form(&state.db, &user.actor(), *id).await?;
    Ok(HttpResponse::Ok().json(dto::EvaluationFormDto {
        cycle_id: *id,
        role: form.role,
        standard_fields: dto::standard_fields(),
        questions: form.questions.into_iter().map(QuestionDto::from).collect(),
        prefill_meetings_held: form.prefill_meetings_held,
    }))
}

/// A cycle's evaluations (committee).
///
/// Every evaluation submitted for the cycle, oldest first, with the quotes
/// and their approval. As CSV (`?format=csv` or `Accept: text/csv`) it is
/// the committee's spreadsheet: one row per evaluation, one column per
/// question of the form, the author's name (left out where their quote is
/// anonymous), cells a spreadsheet would run as formulas neutralised.
#[utoipa::path(tag = "evaluations",
    params(("id" = Uuid, Path, description = "Cycle id"), PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of evaluations", body = Page<EvaluationDto>),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
#[get("/cycles/{id}/evaluations")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
    paging: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = paging.page_request_for(&req)?;
    if wants_csv(&req) {
        let export = evaluations::export_of_cycle(&state.db, &user.actor(), *id).await?;
        let questions = &export.questions;
        let rows = export
            .rows
            .into_iter()
            .map(|(e, name)| dto::EvaluationExportRow::new(e, name, questions))
            .collect();
        return Ok(export::respond(rows, &req));
    }
    let all = evaluations::of_cycle(&state.db, &user.actor(), *id).await?;
    let items = all.into_iter().map(EvaluationDto::from).collect();
    Ok(Page::of_all(items, page).respond(&req))
}

/// Your evaluations, newest first.
///
/// One per cycle you evaluated.
#[utoipa::path(tag = "evaluations",
    params(PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of your evaluations", body = Page<EvaluationDto>),
        (status = 401, response = Unauthorized),
    ))]
#[get("/me/evaluations")]
pub async fn mine(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    paging: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = paging.page_request_for(&req)?;
    let (rows, total) = evaluations::mine(&state.db, &user.actor(), page).await?;
    let items = rows.into_iter().map(EvaluationDto::from).collect();
    Ok(Page::new(items, page, total).respond(&req))
}

/// Read an evaluation (its author or the committee).
///
/// Anyone else, partners included, gets 404.
#[utoipa::path(tag = "evaluations",
    params(("id" = Uuid, Path, description = "Evaluation id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The evaluation", body = EvaluationDto),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
    ))]
#[get("/evaluations/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let e = evaluations::get(&state.db, &user.actor(), *id).await?;
    Ok(HttpResponse::Ok().json(EvaluationDto::from(e)))
}
