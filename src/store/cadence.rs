//! What the cadence of matches is computed from: the published matches of
//! a cycle with the two people's names, and per match the count of held
//! meetings, the last one, and the planned ones to come. Counts only: no
//! query here reads a note, a topic or an agreement.
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, JoinType, Query, SelectStatement};
use sea_orm::{ActiveEnum, ConnectionTrait, FromQueryResult};
use uuid::Uuid;

use super::StoreResult;
use super::entities::{application, matches, meeting, member};
use crate::domain::matches::{EndReason, MatchStatus};
use crate::domain::meeting::MeetingStatus;

/// A published match of a cycle, as the cadence needs it.
#[derive(Clone, Debug, FromQueryResult)]
pub struct CadenceMatch {
    pub id: Uuid,
    pub status: MatchStatus,
    pub published_at: Option<DateTime<Utc>>,
    pub extended_until: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    pub ended_reason_code: Option<EndReason>,
    pub mentor_application_id: Uuid,
    pub mentee_application_id: Uuid,
    pub mentor_member_id: Uuid,
    pub mentee_member_id: Uuid,
    pub mentor_name: String,
    pub mentee_name: String,
}

/// A match's meetings, counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MeetingCounts {
    pub held: u32,
    pub last_held_on: Option<NaiveDate>,
    /// Planned meetings from `today` on.
    pub planned: u32,
}

#[derive(FromQueryResult)]
struct CountRow {
    match_id: Uuid,
    held: i64,
    last_held_on: Option<NaiveDate>,
    planned: i64,
}

/// The published matches of `cycle_id` (`active` only when `active_only`),
/// with the mentor's and the mentee's member ids and names.
pub async fn matches_of_cycle(
    db: &impl ConnectionTrait,
    cycle_id: Uuid,
    active_only: bool,
) -> StoreResult<Vec<CadenceMatch>> {
    let statuses: Vec<MatchStatus> = if active_only {
        vec![MatchStatus::Active]
    } else {
        MatchStatus::ALL
            .into_iter()
            .filter(|s| s.is_published())
            .collect()
    };
    let (mentor_app, mentee_app) = (Alias::new("mentor_app"), Alias::new("mentee_app"));
    let (mentor, mentee) = (Alias::new("mentor"), Alias::new("mentee"));
    let mut query = Query::select();
    query
        .columns([
            (matches::Entity, matches::Column::Id),
            (matches::Entity, matches::Column::Status),
            (matches::Entity, matches::Column::PublishedAt),
            (matches::Entity, matches::Column::ExtendedUntil),
            (matches::Entity, matches::Column::EndedOn),
            (matches::Entity, matches::Column::EndedReasonCode),
            (matches::Entity, matches::Column::MentorApplicationId),
            (matches::Entity, matches::Column::MenteeApplicationId),
        ])
        .expr_as(
            Expr::col((mentor.clone(), member::Column::Id)),
            "mentor_member_id",
        )
        .expr_as(
            Expr::col((mentee.clone(), member::Column::Id)),
            "mentee_member_id",
        )
        .expr_as(
            Expr::col((mentor.clone(), member::Column::FullName)),
            "mentor_name",
        )
        .expr_as(
            Expr::col((mentee.clone(), member::Column::FullName)),
            "mentee_name",
        )
        .from(matches::Entity);
    join_person(
        &mut query,
        mentor_app,
        mentor,
        matches::Column::MentorApplicationId,
    );
    join_person(
        &mut query,
        mentee_app,
        mentee,
        matches::Column::MenteeApplicationId,
    );
    query
        .and_where(Expr::col((matches::Entity, matches::Column::CycleId)).eq(cycle_id))
        .and_where(Expr::col((matches::Entity, matches::Column::Status)).is_in(statuses))
        .order_by((matches::Entity, matches::Column::Id), sea_orm::Order::Asc);
    let statement = db.get_database_backend().build(&query);
    Ok(CadenceMatch::find_by_statement(statement).all(db).await?)
}

/// Joins one side's application (as `app`) and member (as `person`).
fn join_person(query: &mut SelectStatement, app: Alias, person: Alias, side: matches::Column) {
    query
        .join_as(
            JoinType::InnerJoin,
            application::Entity,
            app.clone(),
            Expr::col((app.clone(), application::Column::Id)).equals((matches::Entity, side)),
        )
        .join_as(
            JoinType::InnerJoin,
            member::Entity,
            person.clone(),
            Expr::col((person, member::Column::Id)).equals((app, application::Column::MemberId)),
        );
}

/// The meetings of the matches in `scope`, counted per match; a match with
/// none has no entry.
pub async fn meeting_counts(
    db: &impl ConnectionTrait,
    scope: CountScope<'_>,
    today: NaiveDate,
) -> StoreResult<HashMap<Uuid, MeetingCounts>> {
    let is_held =
        || Expr::col((meeting::Entity, meeting::Column::Status)).eq(MeetingStatus::Held.to_value());
    let is_coming = Expr::col((meeting::Entity, meeting::Column::Status))
        .eq(MeetingStatus::Planned.to_value())
        .and(Expr::col((meeting::Entity, meeting::Column::HeldOn)).gte(today));
    let mut query = Query::select();
    query
        .column((meeting::Entity, meeting::Column::MatchId))
        .expr_as(Func::count(Expr::case(is_held(), 1)), "held")
        .expr_as(
            Func::max(Expr::case(
                is_held(),
                Expr::col((meeting::Entity, meeting::Column::HeldOn)),
            )),
            "last_held_on",
        )
        .expr_as(Func::count(Expr::case(is_coming, 1)), "planned")
        .from(meeting::Entity)
        .group_by_col((meeting::Entity, meeting::Column::MatchId));
    match scope {
        CountScope::Cycle(cycle_id) => {
            query
                .inner_join(
                    matches::Entity,
                    Expr::col((matches::Entity, matches::Column::Id))
                        .equals((meeting::Entity, meeting::Column::MatchId)),
                )
                .and_where(Expr::col((matches::Entity, matches::Column::CycleId)).eq(cycle_id));
        }
        CountScope::Matches(ids) => {
            query.and_where(
                Expr::col((meeting::Entity, meeting::Column::MatchId)).is_in(ids.to_vec()),
            );
        }
    }
    let statement = db.get_database_backend().build(&query);
    let rows = CountRow::find_by_statement(statement).all(db).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let counts = MeetingCounts {
                held: u32::try_from(r.held).unwrap_or(u32::MAX),
                last_held_on: r.last_held_on,
                planned: u32::try_from(r.planned).unwrap_or(u32::MAX),
            };
            (r.match_id, counts)
        })
        .collect())
}

/// Which matches' meetings to count.
#[derive(Clone, Copy, Debug)]
pub enum CountScope<'a> {
    /// Every match of a cycle.
    Cycle(Uuid),
    /// These matches (a member's own, a handful).
    Matches(&'a [Uuid]),
}
