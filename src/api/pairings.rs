//! Matches: made by hand or from a run, approved, published, and their
//! later life. Committee only, except `GET /me/matches`.
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::matching::matching_cycle;
use super::pagination::{Page, PageParams};
use super::{created, valid};
use crate::api::error::{ApiError, ApiResult, Problem};
use crate::api::json::Json;
use crate::auth::AuthUser;
use crate::domain::application::{ApplicationRole, LibraryType};
use crate::domain::cycle::CycleStatus;
use crate::domain::matching::{Criterion, RunParams};
use crate::domain::pairing::{MatchAction, MatchStatus, check_extension};
use crate::service::cycles;
use crate::state::AppState;
use crate::store::pairings::{self, ActionExtras, NewPair, Pairing};
use crate::store::{applications, members};

/// A match, as the committee sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatchDto {
    pub id: Uuid,
    pub cycle_id: Uuid,
    pub mentor_application_id: Uuid,
    pub mentee_application_id: Uuid,
    pub matching_run_id: Option<Uuid>,
    pub status: MatchStatus,
    pub score: i64,
    pub breakdown: Vec<Criterion>,
    pub note: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub extended_until: Option<NaiveDate>,
    pub ended_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Pairing> for MatchDto {
    fn from(m: Pairing) -> Self {
        Self {
            id: m.id,
            cycle_id: m.cycle_id,
            mentor_application_id: m.mentor_application_id,
            mentee_application_id: m.mentee_application_id,
            matching_run_id: m.matching_run_id,
            status: pairings::status_of(&m),
            score: m.score,
            breakdown: serde_json::from_value(m.breakdown).unwrap_or_default(),
            note: m.note,
            published_at: m.published_at,
            extended_until: m.extended_until,
            ended_reason: m.ended_reason,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// A match made by hand. The same hard rules as a run apply; a refused pair
/// is a 409 naming the rule it breaks.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct CreateMatchRequest {
    pub mentor_application_id: Uuid,
    pub mentee_application_id: Uuid,
    /// The run this pair was taken from, if any. Naming a run marks it
    /// `accepted`, as accepting its proposals does.
    pub matching_run_id: Option<Uuid>,
    #[validate(length(max = 5000))]
    pub note: Option<String>,
    /// Allow a pair from the same employer.
    #[serde(default)]
    pub allow_same_employer: bool,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct UpdateMatchRequest {
    /// The committee's note; `""` clears it.
    #[validate(length(max = 5000))]
    pub note: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({"reason": "The mentee changed jobs and could not continue."}))]
pub struct EndEarlyRequest {
    #[validate(length(min = 1, max = 2000))]
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"until": "2025-07-15"}))]
pub struct ExtendRequest {
    /// After the cycle's mentoring end and any earlier extension.
    pub until: NaiveDate,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MatchFilter {
    pub status: Option<MatchStatus>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublishResult {
    /// Matches that became active.
    pub published: usize,
    pub matches: Vec<MatchDto>,
}

/// Your partner, as you see them: contact details and library types,
/// nothing private.
#[derive(Debug, Serialize, ToSchema)]
pub struct Partner {
    pub full_name: String,
    pub pronouns: Option<String>,
    pub email: String,
    pub role: ApplicationRole,
    pub library_types: Vec<LibraryType>,
}

/// One of your published matches.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyMatch {
    pub id: Uuid,
    pub cycle_id: Uuid,
    pub status: MatchStatus,
    /// Your role in this match.
    pub role: ApplicationRole,
    pub published_at: Option<DateTime<Utc>>,
    pub extended_until: Option<NaiveDate>,
    pub partner: Partner,
}

/// Propose a match by hand (committee).
#[utoipa::path(post, path = "/api/v1/cycles/{id}/matches", tag = "matches",
    params(("id" = Uuid, Path, description = "Cycle id")),
    request_body = CreateMatchRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The proposed match", body = MatchDto),
        (status = 403, description = "Not on the committee", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cycle", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The pair breaks a hard rule, the mentee has a live or completed match or the mentor is full", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Note too long, or `matching_run_id` is not a run of this cycle", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<CreateMatchRequest>,
) -> ApiResult<HttpResponse> {
    user.require_committee()?;
    let b = valid(body)?;
    let cycle = matching_cycle(&state, *id).await?;
    if let Some(run_id) = b.matching_run_id {
        check_run_of_cycle(&state, run_id, cycle.id).await?;
    }
    let pair = NewPair {
        mentor_application_id: b.mentor_application_id,
        mentee_application_id: b.mentee_application_id,
        matching_run_id: b.matching_run_id,
        note: b
            .note
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty()),
    };
    let params = RunParams {
        allow_same_employer: b.allow_same_employer,
        ..Default::default()
    };
    let mut made = pairings::propose(&state.db, cycle.id, &[pair], &params, user.id).await?;
    let m = made
        .pop()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no match was created")))?;
    Ok(created(
        format!("/api/v1/matches/{}", m.id),
        MatchDto::from(m),
    ))
}

/// A match may only name a run of its own cycle (no dangling reference).
async fn check_run_of_cycle(state: &AppState, run_id: Uuid, cycle_id: Uuid) -> ApiResult<()> {
    match crate::store::matching::get_run(&state.db, run_id).await {
        Ok(run) if run.cycle_id == cycle_id => Ok(()),
        Ok(_) | Err(ApiError::NotFound(_)) => Err(ApiError::invalid(
            "matching_run_id",
            "unknown",
            "is not a matching run of this cycle",
        )),
        Err(e) => Err(e),
    }
}

/// A cycle's matches (committee).
#[utoipa::path(get, path = "/api/v1/cycles/{id}/matches", tag = "matches",
    params(("id" = Uuid, Path, description = "Cycle id"), PageParams, MatchFilter),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of matches", body = Page<MatchDto>),
        (status = 403, description = "Not on the committee", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cycle", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
    paging: web::Query<PageParams>,
    filter: web::Query<MatchFilter>,
) -> ApiResult<HttpResponse> {
    user.require_committee()?;
    let page = paging.page_request()?;
    let cycle = cycles::get_visible(&state.db, *id, true).await?;
    let (rows, total) = pairings::list(&state.db, cycle.id, filter.status, page).await?;
    Ok(Page::new(rows.into_iter().map(MatchDto::from).collect(), page, total).respond(&req))
}

/// Read a match (committee).
#[utoipa::path(get, path = "/api/v1/matches/{id}", tag = "matches",
    params(("id" = Uuid, Path, description = "Match id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The match", body = MatchDto),
        (status = 403, description = "Not on the committee", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such match", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    user.require_committee()?;
    Ok(HttpResponse::Ok().json(MatchDto::from(pairings::get(&state.db, *id).await?)))
}

/// Set the committee's note on a match.
#[utoipa::path(patch, path = "/api/v1/matches/{id}", tag = "matches",
    params(("id" = Uuid, Path, description = "Match id")),
    request_body = UpdateMatchRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The match", body = MatchDto),
        (status = 403, description = "Not on the committee", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such match", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The match's cycle is archived", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Note too long", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<UpdateMatchRequest>,
) -> ApiResult<HttpResponse> {
    user.require_committee()?;
    let b = valid(body)?;
    let current = pairings::get(&state.db, *id).await?;
    not_archived(&state, current.cycle_id).await?;
    let note = Some(b.note.trim().to_owned()).filter(|n| !n.is_empty());
    Ok(HttpResponse::Ok().json(MatchDto::from(
        pairings::set_note(&state.db, &current, note, user.id).await?,
    )))
}

/// An archived cycle's matches are the record of that year: they no longer
/// change.
async fn not_archived(state: &AppState, cycle_id: Uuid) -> ApiResult<()> {
    let cycle = cycles::get_visible(&state.db, cycle_id, true).await?;
    match cycle.status {
        CycleStatus::Archived => Err(ApiError::Conflict(
            "the match's cycle is archived: its matches can no longer change".into(),
        )),
        _ => Ok(()),
    }
}

async fn act(
    state: &AppState,
    user: &AuthUser,
    id: Uuid,
    action: MatchAction,
    extras: ActionExtras,
) -> ApiResult<HttpResponse> {
    user.require_committee()?;
    let current = pairings::get(&state.db, id).await?;
    not_archived(state, current.cycle_id).await?;
    let updated = pairings::act(&state.db, &current, action, user.id, extras).await?;
    Ok(HttpResponse::Ok().json(MatchDto::from(updated)))
}

/// A plain lifecycle action endpoint: one handler per action, documented.
macro_rules! action_endpoint {
    ($fn:ident, $action:expr, $path:literal, $summary:literal, $from:literal) => {
        #[doc = $summary]
        #[utoipa::path(post, path = $path, tag = "matches",
            params(("id" = Uuid, Path, description = "Match id")),
            security(("bearer" = [])),
            responses(
                (status = 200, description = "The match in its new status", body = MatchDto),
                (status = 403, description = "Not on the committee", body = Problem, content_type = "application/problem+json"),
                (status = 404, description = "No such match", body = Problem, content_type = "application/problem+json"),
                (status = 409, description = $from, body = Problem, content_type = "application/problem+json"),
            ))]
        pub async fn $fn(state: web::Data<AppState>, user: AuthUser, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
            act(&state, &user, *id, $action, ActionExtras::default()).await
        }
    };
}

action_endpoint!(
    approve,
    MatchAction::Approve,
    "/api/v1/matches/{id}/approve",
    "Approve a proposed match (committee).",
    "Only proposed matches can be approved, or the cycle is archived"
);
action_endpoint!(
    cancel,
    MatchAction::Cancel,
    "/api/v1/matches/{id}/cancel",
    "Cancel a proposed or approved match (committee); the mentee and the mentor's slot are free again.",
    "Only proposed or approved matches can be cancelled, or the cycle is archived"
);
action_endpoint!(
    complete,
    MatchAction::Complete,
    "/api/v1/matches/{id}/complete",
    "Mark an active match completed (committee).",
    "Only active matches can be completed, or the cycle is archived"
);

/// End an active match early, with the reason (committee).
#[utoipa::path(post, path = "/api/v1/matches/{id}/end-early", tag = "matches",
    params(("id" = Uuid, Path, description = "Match id")),
    request_body = EndEarlyRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Ended early", body = MatchDto),
        (status = 403, description = "Not on the committee", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such match", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Only active matches can end early, or the cycle is archived", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A reason is required", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn end_early(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<EndEarlyRequest>,
) -> ApiResult<HttpResponse> {
    user.require_committee()?;
    let reason = valid(body)?.reason.trim().to_owned();
    if reason.is_empty() {
        return Err(ApiError::invalid("reason", "length", "must not be blank"));
    }
    let extras = ActionExtras {
        ended_reason: Some(reason),
        ..Default::default()
    };
    act(&state, &user, *id, MatchAction::EndEarly, extras).await
}

/// Extend an active match formally beyond the mentoring period (committee).
#[utoipa::path(post, path = "/api/v1/matches/{id}/extend", tag = "matches",
    params(("id" = Uuid, Path, description = "Match id")),
    request_body = ExtendRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Extended", body = MatchDto),
        (status = 403, description = "Not on the committee", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such match", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Only active matches can be extended, or the cycle is archived", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The date is not after the mentoring end", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn extend(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: Json<ExtendRequest>,
) -> ApiResult<HttpResponse> {
    user.require_committee()?;
    let current = pairings::get(&state.db, *id).await?;
    let cycle = cycles::get_visible(&state.db, current.cycle_id, true).await?;
    check_extension(body.until, cycle.mentoring_ends_on, current.extended_until)
        .map_err(|m| ApiError::invalid("until", "range", m))?;
    let extras = ActionExtras {
        extended_until: Some(body.until),
        ..Default::default()
    };
    act(&state, &user, *id, MatchAction::Extend, extras).await
}

/// Publish every approved match of the cycle (committee): they become
/// active and visible to both people, and their applications `matched`.
#[utoipa::path(post, path = "/api/v1/cycles/{id}/matches/publish", tag = "matches",
    params(("id" = Uuid, Path, description = "Cycle id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "What was published", body = PublishResult),
        (status = 403, description = "Not on the committee", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cycle", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The cycle is not in matching or later", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn publish(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    user.require_committee()?;
    let cycle = matching_cycle(&state, *id).await?;
    let published = pairings::publish(&state.db, cycle.id, user.id).await?;
    Ok(HttpResponse::Ok().json(PublishResult {
        published: published.len(),
        matches: published.into_iter().map(MatchDto::from).collect(),
    }))
}

/// Your published matches, with your partner's contact details.
#[utoipa::path(get, path = "/api/v1/me/matches", tag = "matches",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Your matches", body = Vec<MyMatch>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn mine(state: web::Data<AppState>, user: AuthUser) -> ApiResult<HttpResponse> {
    let my_apps = applications::for_member(&state.db, user.id)
        .await
        .map_err(crate::service::ServiceError::from)?;
    let my_ids: Vec<Uuid> = my_apps.iter().map(|a| a.id).collect();
    let mut out = Vec::new();
    for m in pairings::published_for(&state.db, &my_ids).await? {
        let (role, partner_app) = if my_ids.contains(&m.mentor_application_id) {
            (ApplicationRole::Mentor, m.mentee_application_id)
        } else {
            (ApplicationRole::Mentee, m.mentor_application_id)
        };
        let partner_app = applications::get(&state.db, partner_app)
            .await
            .map_err(crate::service::ServiceError::from)?;
        let partner = members::get(&state.db, partner_app.member_id)
            .await
            .map_err(crate::service::ServiceError::from)?;
        let form = applications::form_of(&partner_app);
        out.push(MyMatch {
            id: m.id,
            cycle_id: m.cycle_id,
            status: pairings::status_of(&m),
            role,
            published_at: m.published_at,
            extended_until: m.extended_until,
            partner: Partner {
                full_name: partner.full_name,
                // The profile's pronouns are the member's current ones; the
                // application's stand in when the profile has none.
                pronouns: partner
                    .pronouns
                    .filter(|p| !p.trim().is_empty())
                    .or(Some(form.pronouns.clone()).filter(|p| !p.trim().is_empty())),
                email: partner.email,
                role: form.role,
                library_types: form.library_types,
            },
        });
    }
    Ok(HttpResponse::Ok().json(out))
}

/// One committee action on a match.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatchEventDto {
    pub id: Uuid,
    pub actor_id: Uuid,
    #[schema(example = "approve")]
    pub action: String,
    pub detail: String,
    pub created_at: DateTime<Utc>,
}

/// Every committee action on a match, oldest first (committee).
#[utoipa::path(get, path = "/api/v1/matches/{id}/events", tag = "matches",
    params(("id" = Uuid, Path, description = "Match id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The audit trail", body = Vec<MatchEventDto>),
        (status = 403, description = "Not on the committee", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such match", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn events(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    user.require_committee()?;
    let m = pairings::get(&state.db, *id).await?;
    let rows: Vec<MatchEventDto> = pairings::events(&state.db, m.id)
        .await?
        .into_iter()
        .map(|e| MatchEventDto {
            id: e.id,
            actor_id: e.actor_id,
            action: e.action,
            detail: e.detail,
            created_at: e.created_at,
        })
        .collect();
    Ok(HttpResponse::Ok().json(rows))
}
