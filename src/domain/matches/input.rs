//! What the committee sends about matches, parsed once: a match made by
//! hand, its note, the reason it ended early, the proposals of a run it
//! accepts.
use uuid::Uuid;

use crate::domain::FieldError;
use crate::domain::matching::{MatchResult, Pin};

/// A match the committee makes by hand, as sent; the service parses the
/// note once the caller may make matches.
#[derive(Clone, Debug)]
pub struct NewMatch {
    pub mentor_application_id: Uuid,
    pub mentee_application_id: Uuid,
    /// The run the pair was taken from, if any.
    pub matching_run_id: Option<Uuid>,
    pub note: Option<String>,
    pub allow_same_employer: bool,
}

/// The longest note the committee may keep on a match, in characters.
pub const NOTE_MAX_CHARS: usize = 5000;
/// The longest reason for ending a match early, in characters.
pub const REASON_MAX_CHARS: usize = 2000;

/// The committee's note as stored: at most 5,000 characters as sent, then
/// trimmed; a blank note is none.
pub fn parse_note(raw: &str) -> Result<Option<String>, FieldError> {
    if raw.chars().count() > NOTE_MAX_CHARS {
        return Err(FieldError::new(
            "note",
            "length",
            format!("length must be at most {NOTE_MAX_CHARS}"),
        ));
    }
    Ok(Some(raw.trim().to_owned()).filter(|n| !n.is_empty()))
}

/// Why a match ended early: 1 to 2,000 characters as sent, not blank once
/// trimmed.
pub fn parse_end_reason(raw: &str) -> Result<String, FieldError> {
    let len = raw.chars().count();
    if !(1..=REASON_MAX_CHARS).contains(&len) {
        return Err(FieldError::new(
            "reason",
            "length",
            format!("length must be between 1 and {REASON_MAX_CHARS}"),
        ));
    }
    let reason = raw.trim();
    if reason.is_empty() {
        return Err(FieldError::new("reason", "length", "must not be blank"));
    }
    Ok(reason.to_owned())
}

/// The pairs accepting a run makes: every proposal when none are chosen,
/// else the chosen ones, each of which must be a proposal of the run.
pub fn chosen_pairs(
    result: &MatchResult,
    chosen: Option<Vec<Pin>>,
) -> Result<Vec<Pin>, FieldError> {
    let Some(pins) = chosen else {
        return Ok(result
            .proposals
            .iter()
            .map(|p| Pin::new(p.mentor_application_id, p.mentee_application_id))
            .collect());
    };
    for (i, pin) in pins.iter().enumerate() {
        let known = result.proposals.iter().any(|p| {
            p.mentor_application_id == pin.mentor_application_id
                && p.mentee_application_id == pin.mentee_application_id
        });
        if !known {
            return Err(FieldError::new(
                format!("proposals.{i}"),
                "unknown",
                "is not a proposal of this run",
            ));
        }
    }
    Ok(pins)
}
