//! `GET /me/matches`: a member's own published matches.
use actix_web::{HttpRequest, HttpResponse, get, web};

use super::dto::MyMatch;
use crate::api::error::ApiResult;
use crate::api::extract::AuthUser;
use crate::api::pagination::{Page, PageParams};
use crate::api::responses::Unauthorized;
use crate::service::{cadence, matches};
use crate::state::AppState;

/// Your published matches, with your partner's contact details.
///
/// Any signed-in member: the matches of your applications in every cycle
/// once the committee has published them (`active`, `completed` or
/// `ended_early`), newest first. Your partner's name, pronouns, email, role
/// and library types only; never their identity answers or the committee's
/// notes. Proposed and approved matches are not shown. Each carries its
/// `cadence`: meetings held against the cycle's expectation to date and
/// whether the pair is on track, behind or silent (counts only).
#[utoipa::path(tag = "matches",
    params(PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of your matches", body = Page<MyMatch>),
        (status = 401, response = Unauthorized),
    ))]
#[get("/me/matches")]
pub async fn mine(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    paging: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = paging.page_request_for(&req)?;
    let mine = matches::mine(
        &state.db,
        &user.actor(),
        cadence::today(),
        state.cadence_silent_days,
    )
    .await?;
    let items = mine.into_iter().map(MyMatch::from).collect();
    Ok(Page::of_all(items, page).respond(&req))
}
