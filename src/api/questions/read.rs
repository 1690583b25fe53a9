//! Reading a cycle's questions.
use actix_web::{HttpRequest, HttpResponse, get, web};
use uuid::Uuid;

use super::dto::QuestionDto;
use crate::api::error::ApiResult;
use crate::api::extract::MaybeAuthUser;
use crate::api::pagination::{Page, PageParams};
use crate::api::responses::NotFound;
use crate::service::questions;
use crate::state::AppState;

/// The cycle's own questions, in form order.
///
/// Anyone may call it, signed in or not, for a cycle that is not a draft;
/// the committee also sees drafts' questions and retired questions. Both
/// roles' questions are listed; `GET /cycles/{id}/form` gives one role's.
#[utoipa::path(tag = "forms",
    params(("id" = Uuid, Path, description = "Cycle id"), PageParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of the questions", body = Page<QuestionDto>),
        (status = 404, response = NotFound),
    ))]
#[get("/cycles/{id}/questions")]
pub async fn list(
    state: web::Data<AppState>,
    user: MaybeAuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
    paging: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = paging.page_request_for(&req)?;
    let rows = questions::list(&state.db, user.actor().as_ref(), *id).await?;
    let items = rows.into_iter().map(QuestionDto::from).collect();
    Ok(Page::of_all(items, page).respond(&req))
}
