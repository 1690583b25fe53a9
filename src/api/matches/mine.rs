//! `GET /me/matches`: a member's own published matches.
use actix_web::{HttpResponse, get, web};

use super::dto::MyMatch;
use crate::api::error::ApiResult;
use crate::api::extract::AuthUser;
use crate::api::responses::Unauthorized;
use crate::service::matches;
use crate::state::AppState;

/// Your published matches, with your partner's contact details.
///
/// Any signed-in member: the matches of your applications in every cycle
/// once the committee has published them (`active`, `completed` or
/// `ended_early`), newest first. Your partner's name, pronouns, email, role
/// and library types only; never their identity answers or the committee's
/// notes. Proposed and approved matches are not shown.
#[utoipa::path(tag = "matches",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Your matches", body = Vec<MyMatch>),
        (status = 401, response = Unauthorized),
    ))]
#[get("/me/matches")]
pub async fn mine(state: web::Data<AppState>, user: AuthUser) -> ApiResult<HttpResponse> {
    let mine = matches::mine(&state.db, &user.actor()).await?;
    let body: Vec<MyMatch> = mine.into_iter().map(MyMatch::from).collect();
    Ok(HttpResponse::Ok().json(body))
}
