//! Applications: applying, editing, withdrawing, the committee's review,
//! list, dashboard counts and audit trail. An application is visible to its
//! author and the committee only; anyone else gets 404.
pub mod dto;
pub mod form;
mod handlers;
mod review;

pub use handlers::*;
pub use review::*;

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use uuid::Uuid;

use self::dto::{ApplicationDto, ReviewDto};
use self::form::ApplicationForm;
use crate::api::error::{ApiError, ApiResult, FieldError};
use crate::auth::AuthUser;
use crate::domain::member::MembershipStatus;
use crate::domain::question::check_answers;
use crate::state::AppState;
use crate::store::applications::{self, Application};
use crate::store::members::{self, Member};
use crate::store::questions;

/// The application if `user` may see it: its author or the committee.
pub(crate) async fn visible(state: &AppState, user: &AuthUser, id: Uuid) -> ApiResult<Application> {
    let app = applications::get(&state.db, id).await?;
    if user.is_committee() || app.member_id == user.id {
        Ok(app)
    } else {
        Err(ApiError::not_found("application"))
    }
}

/// The response body; the review is only for the committee.
pub(crate) fn to_dto(app: Application, member: &Member, committee: bool) -> ApplicationDto {
    let form = applications::form_of(&app);
    ApplicationDto {
        id: app.id,
        cycle_id: app.cycle_id,
        member_id: app.member_id,
        member_name: member.full_name.clone(),
        member_email: member.email.clone(),
        status: applications::status_of(&app),
        form,
        submitted_by_committee: app.submitted_by != app.member_id,
        review: committee.then(|| ReviewDto {
            note: app.review_note.clone(),
            reviewed_by: app.reviewed_by,
            reviewed_at: app.reviewed_at,
        }),
        created_at: app.created_at,
        updated_at: app.updated_at,
    }
}

pub(crate) async fn dto_for(
    state: &AppState,
    app: Application,
    user: &AuthUser,
) -> ApiResult<ApplicationDto> {
    let member = members::get(&state.db, app.member_id)
        .await
        .map_err(crate::service::ServiceError::from)?;
    Ok(to_dto(app, &member, user.is_committee()))
}

/// Only members whose association membership is active (and not past its
/// expiry date) may take part; 403 says why not.
pub(crate) fn check_membership(member: &Member, own: bool) -> ApiResult<()> {
    let who = if own { "your" } else { "this member's" };
    match member.membership_status {
        MembershipStatus::Active => {}
        MembershipStatus::Lapsed => {
            return Err(ApiError::Forbidden(format!(
                "{who} WLA membership has lapsed; renew it to apply"
            )));
        }
        _ => {
            return Err(ApiError::Forbidden(format!(
                "{who} WLA membership is not confirmed yet; the committee activates it"
            )));
        }
    }
    if member
        .membership_expires_on
        .is_some_and(|d| d < Utc::now().date_naive())
    {
        return Err(ApiError::Forbidden(format!(
            "{who} WLA membership has expired; renew it to apply"
        )));
    }
    Ok(())
}

/// Checks the whole form, and its answers against the cycle's questions;
/// answers already stored (`kept`) may refer to retired questions.
pub(crate) async fn check_form(
    state: &AppState,
    cycle_id: Uuid,
    form: &ApplicationForm,
    kept: &HashSet<Uuid>,
) -> ApiResult<()> {
    form.check()?;
    let rules: Vec<_> = questions::list(&state.db, cycle_id, true)
        .await?
        .iter()
        .map(questions::rule_of)
        .collect();
    let answers: Vec<(Uuid, serde_json::Value)> = form
        .answers
        .iter()
        .map(|a| (a.question_id, a.value.clone()))
        .collect();
    check_answers(&rules, form.role, &answers, kept).map_err(|errs| {
        ApiError::Validation(
            errs.into_iter()
                .map(|e| {
                    let field = match e.index {
                        Some(i) => format!("answers.{i}"),
                        None => format!(
                            "answers[{}]",
                            e.question_id.map(|q| q.to_string()).unwrap_or_default()
                        ),
                    };
                    FieldError::new(field, e.code, e.message)
                })
                .collect(),
        )
    })
}

/// Members by id, for naming many applications at once.
pub(crate) async fn members_by_id(
    state: &AppState,
    ids: impl Iterator<Item = Uuid>,
) -> ApiResult<HashMap<Uuid, Member>> {
    let ids: Vec<Uuid> = ids.collect::<HashSet<_>>().into_iter().collect();
    Ok(members::find_many(&state.db, &ids)
        .await
        .map_err(crate::service::ServiceError::from)?
        .into_iter()
        .map(|m| (m.id, m))
        .collect())
}
