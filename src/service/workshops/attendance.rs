//! Attendance: the committee marks who came, once the workshop started;
//! the evaluations report reads the share of a cycle's participants who
//! came to at least one workshop.
use chrono::Utc;
use uuid::Uuid;

use crate::domain::access::Actor;
use crate::service::{ServiceError, ServiceResult, cycles};
use crate::store::{self, Db, workshops as rows};

/// Replaces who attended with `member_ids` (committee). Each must hold a
/// registration (422 naming `member_ids` otherwise); 409 before the start.
/// Returns the members marked, sorted.
#[tracing::instrument(skip_all, fields(workshop_id = %id))]
pub async fn set(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    mut member_ids: Vec<Uuid>,
) -> ServiceResult<Vec<Uuid>> {
    actor.may_run_program()?;
    let txn = store::begin_write(db).await?;
    let w = rows::find_locked(&txn, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("workshop"))?;
    if Utc::now() < w.starts_at {
        return Err(ServiceError::Conflict(
            "attendance is marked once the workshop has started".into(),
        ));
    }
    member_ids.sort();
    member_ids.dedup();
    let known: Vec<Uuid> = rows::registrations::of_workshop(&txn, id)
        .await?
        .into_iter()
        .map(|r| r.member_id)
        .collect();
    let unknown: Vec<String> = member_ids
        .iter()
        .filter(|m| !known.contains(m))
        .map(Uuid::to_string)
        .collect();
    if !unknown.is_empty() {
        return Err(ServiceError::invalid(
            "member_ids",
            "unregistered",
            format!(
                "these members hold no registration for this workshop: {}",
                unknown.join(", ")
            ),
        ));
    }
    rows::registrations::set_attendance(&txn, id, member_ids.clone()).await?;
    store::commit(txn).await?;
    Ok(member_ids)
}

/// Workshop attendance of a cycle's participants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CycleAttendance {
    /// Members of the cycle's published matches (the denominator).
    pub participants: u64,
    /// Of them, those who attended at least one workshop for the cycle or
    /// during its mentoring period (the numerator).
    pub attended: u64,
}

impl CycleAttendance {
    /// `attended / participants`, 0 with no participants.
    pub fn share(&self) -> f64 {
        if self.participants == 0 {
            0.0
        } else {
            self.attended as f64 / self.participants as f64
        }
    }
}

/// The share of a cycle's participants who attended a workshop, for any
/// caller that already checked who may read it (the evaluations report).
pub async fn of_cycle(db: &impl store::Conn, cycle_id: Uuid) -> ServiceResult<CycleAttendance> {
    let cycle = cycles::get_any(db, cycle_id).await?;
    let participants = rows::cycle_participants(db, cycle_id).await?;
    let workshops = rows::of_cycle_period(
        db,
        cycle_id,
        cycle.mentoring_starts_on,
        cycle.mentoring_ends_on,
    )
    .await?;
    let attended =
        rows::registrations::attendees_among(db, workshops, participants.clone()).await?;
    Ok(CycleAttendance {
        participants: participants.len() as u64,
        attended: attended.len() as u64,
    })
}

/// [`of_cycle`] for the committee.
pub async fn cycle_report(
    db: &Db,
    actor: &Actor,
    cycle_id: Uuid,
) -> ServiceResult<CycleAttendance> {
    actor.may_run_program()?;
    of_cycle(db, cycle_id).await
}
