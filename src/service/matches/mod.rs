//! Matches: made by hand or from a run, approved, published, and their
//! later life (committee); the event trail; a member's own published
//! matches. The rules that need data live here: one placed match per
//! mentee, the mentor's capacity, and an archived cycle's matches frozen.
mod life;
mod mine;
mod propose;
mod publish;
mod read;

use uuid::Uuid;

use super::{ServiceError, ServiceResult, cycles};
use crate::domain::FieldError;
use crate::domain::cycle::CycleStatus;
use crate::store::{self, matches as rows};

pub use life::{approve, cancel, complete, end_early, extend, set_note};
pub use mine::{MyMatch, Partner, mine};
pub use propose::create;
pub(crate) use propose::{NewPair, propose};
pub use publish::publish;
pub use read::{events, get, list};
pub use rows::{Match, MatchEvent, SORT_FIELDS};

/// A 422 for one field of the caller's input.
pub(crate) fn invalid(err: FieldError) -> ServiceError {
    ServiceError::Validation(vec![err])
}

async fn find(db: &impl store::Conn, id: Uuid) -> ServiceResult<Match> {
    rows::find(db, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("match"))
}

/// An archived cycle's matches are the record of that year: they no longer
/// change.
fn not_archived(cycle: &cycles::Cycle) -> ServiceResult<()> {
    match cycle.status {
        CycleStatus::Archived => Err(ServiceError::Conflict(
            "the match's cycle is archived: its matches can no longer change".into(),
        )),
        _ => Ok(()),
    }
}
