//! Reading a cycle's questions.
use actix_web::{HttpRequest, HttpResponse, get, web};
use uuid::Uuid;

use super::dto::{FormQuery, QuestionDto};
use crate::api::error::ApiResult;
use crate::api::extract::MaybeAuthUser;
use crate::api::pagination::{Page, PageParams};
use crate::api::responses::{BadRequest, NotFound};
use crate::service::questions;
use crate::state::AppState;

/// The cycle's own questions on one of its forms, in form order.
///
/// Anyone may call it, signed in or not, for a cycle that is not a draft;
/// the committee also sees drafts' questions and retired questions. Both
/// roles' questions are listed; `GET /cycles/{id}/form` gives one role's
/// application form, `GET /cycles/{id}/evaluation-form` the evaluation
/// form. `form` picks the form: `application` (default) or `evaluation`.
#[utoipa::path(tag = "forms",
    params(("id" = Uuid, Path, description = "Cycle id"), FormQuery, PageParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of the questions", body = Page<QuestionDto>),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
    ))]
#[get("/cycles/{id}/questions")]
pub async fn list(
    state: web::Data<AppState>,
    user: MaybeAuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
    form: web::Query<FormQuery>,
    paging: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = paging.page_request_for(&req)?;
    let form = form.form.unwrap_or_default();
    let rows = questions::list(&state.db, user.actor().as_ref(), *id, form).await?;
    let items = rows.into_iter().map(QuestionDto::from).collect();
    Ok(Page::of_all(items, page).respond(&req))
}
