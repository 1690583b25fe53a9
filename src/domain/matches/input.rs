//! What the committee sends about matches, parsed once: a match made by
//! hand, its note, the reason it ended early, the proposals of a run it
//! accepts.
use uuid::Uuid;

use super::EndReason;
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

/// Why a match ended early, as stored: a reason from the fixed list and,
/// optionally, the committee's words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndEarly {
    pub code: EndReason,
    pub text: Option<String>,
}

/// Parses an ending: the code from the list (none means `other`) and the
/// free text, at most 2,000 characters as sent, trimmed. The text is
/// required for `other`, optional otherwise.
pub fn parse_end_early(
    code: Option<EndReason>,
    text: Option<&str>,
) -> Result<EndEarly, FieldError> {
    let code = code.unwrap_or(EndReason::Other);
    let text = parse_reason_text("reason", text)?;
    if code == EndReason::Other && text.is_none() {
        return Err(FieldError::new(
            "reason",
            "required",
            "tell why the match ended when the reason code is other (or none is given)",
        ));
    }
    Ok(EndEarly { code, text })
}

/// The pair's reason for an extension: optional, at most 2,000
/// characters as sent, trimmed; blank is none.
pub fn parse_extension_reason(text: Option<&str>) -> Result<Option<String>, FieldError> {
    parse_reason_text("reason", text)
}

fn parse_reason_text(field: &str, text: Option<&str>) -> Result<Option<String>, FieldError> {
    let Some(raw) = text else { return Ok(None) };
    if raw.chars().count() > REASON_MAX_CHARS {
        return Err(FieldError::new(
            field,
            "length",
            format!("length must be at most {REASON_MAX_CHARS}"),
        ));
    }
    Ok(Some(raw.trim().to_owned()).filter(|t| !t.is_empty()))
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
