//! The meeting log of a published match: what a meeting may be (its status,
//! mode, duration, topics and notes), the period its date must fall in, and
//! who may read or change it. Only the two partners ever see a log; the
//! committee and other members are told it does not exist.
use chrono::NaiveDate;
use sea_orm::entity::prelude::StringLen;
use sea_orm::{DeriveActiveEnum, EnumIter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::FieldError;
use super::access::{Access, Denied};
use super::matches::MatchStatus;

pub const DURATION_MIN: i32 = 5;
pub const DURATION_MAX: i32 = 480;
pub const TOPICS_MAX: usize = 20;
pub const TOPIC_MAX_CHARS: usize = 100;
pub const NOTES_MAX_CHARS: usize = 10_000;

/// `held` (it took place) or `planned` (it is yet to come).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
    EnumIter,
    DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "snake_case"
)]
pub enum MeetingStatus {
    Held,
    Planned,
}

/// How the partners met.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
    EnumIter,
    DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "snake_case"
)]
pub enum MeetingMode {
    Online,
    InPerson,
    Phone,
    Other,
}

/// The days a match's meetings may fall on: from the cycle's mentoring
/// start to its end, or to the match's extension when that is later.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MatchPeriod {
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

impl MatchPeriod {
    pub fn new(
        mentoring_starts_on: NaiveDate,
        mentoring_ends_on: NaiveDate,
        extended_until: Option<NaiveDate>,
    ) -> Self {
        Self {
            starts_on: mentoring_starts_on,
            ends_on: extended_until.map_or(mentoring_ends_on, |e| e.max(mentoring_ends_on)),
        }
    }
}

/// A meeting's recorded values, as created or after a change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeetingFields {
    pub held_on: NaiveDate,
    pub status: MeetingStatus,
    pub mode: MeetingMode,
    pub duration_minutes: i32,
    pub topics: Vec<String>,
    pub shared_notes: Option<String>,
    pub private_notes: Option<String>,
}

/// A partial change (PATCH): `None` leaves a value as it is; for the notes
/// `Some(None)` (or a blank string) clears them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MeetingChanges {
    pub held_on: Option<NaiveDate>,
    pub status: Option<MeetingStatus>,
    pub mode: Option<MeetingMode>,
    pub duration_minutes: Option<i32>,
    pub topics: Option<Vec<String>>,
    pub shared_notes: Option<Option<String>>,
    pub private_notes: Option<Option<String>>,
}

impl MeetingChanges {
    /// Whether the change moves the meeting in time (its date or status),
    /// so the date rules apply again.
    pub fn moves_date(&self) -> bool {
        self.held_on.is_some() || self.status.is_some()
    }

    /// `current` with this change applied.
    pub fn apply(self, current: MeetingFields) -> MeetingFields {
        MeetingFields {
            held_on: self.held_on.unwrap_or(current.held_on),
            status: self.status.unwrap_or(current.status),
            mode: self.mode.unwrap_or(current.mode),
            duration_minutes: self.duration_minutes.unwrap_or(current.duration_minutes),
            topics: self.topics.unwrap_or(current.topics),
            shared_notes: self.shared_notes.unwrap_or(current.shared_notes),
            private_notes: self.private_notes.unwrap_or(current.private_notes),
        }
    }
}

/// Trimmed notes; blank notes are none.
fn tidy_notes(notes: Option<String>) -> Option<String> {
    notes.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty())
}

/// The date rule: a held meeting is not in the future and lies within the
/// match's period; a planned one is today or later, up to the period's
/// end. A breach names `held_on`.
pub fn check_date(
    status: MeetingStatus,
    held_on: NaiveDate,
    period: MatchPeriod,
    today: NaiveDate,
) -> Result<(), FieldError> {
    let err = |message: String| Err(FieldError::new("held_on", "range", message));
    if held_on > period.ends_on {
        return err(format!(
            "must be on or before the match's end, {}",
            period.ends_on
        ));
    }
    match status {
        MeetingStatus::Held if held_on > today => {
            err("a held meeting cannot be in the future; record it as planned".into())
        }
        MeetingStatus::Held if held_on < period.starts_on => err(format!(
            "must be on or after the start of mentoring, {}",
            period.starts_on
        )),
        MeetingStatus::Planned if held_on < today => {
            err("a planned meeting must be today or later; record it as held".into())
        }
        _ => Ok(()),
    }
}

/// Checks and tidies everything but the date: the duration's range, the
/// topics' count and length (trimmed, blanks dropped), the notes' length
/// (trimmed, blank is none). Every breach names its field.
pub fn check_details(fields: MeetingFields) -> Result<MeetingFields, Vec<FieldError>> {
    let mut errors = Vec::new();
    if !(DURATION_MIN..=DURATION_MAX).contains(&fields.duration_minutes) {
        errors.push(FieldError::new(
            "duration_minutes",
            "range",
            format!("must be between {DURATION_MIN} and {DURATION_MAX} minutes"),
        ));
    }
    let topics: Vec<String> = fields
        .topics
        .iter()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect();
    if topics.len() > TOPICS_MAX {
        errors.push(FieldError::new(
            "topics",
            "length",
            format!("at most {TOPICS_MAX} topics"),
        ));
    }
    for (i, topic) in fields.topics.iter().enumerate() {
        if topic.trim().chars().count() > TOPIC_MAX_CHARS {
            errors.push(FieldError::new(
                format!("topics.{i}"),
                "length",
                format!("length must be at most {TOPIC_MAX_CHARS}"),
            ));
        }
    }
    let shared_notes = tidy_notes(fields.shared_notes);
    let private_notes = tidy_notes(fields.private_notes);
    for (name, notes) in [
        ("private_notes", &private_notes),
        ("shared_notes", &shared_notes),
    ] {
        if notes
            .as_ref()
            .is_some_and(|n| n.chars().count() > NOTES_MAX_CHARS)
        {
            errors.push(FieldError::new(
                name,
                "length",
                format!("length must be at most {NOTES_MAX_CHARS}"),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(MeetingFields {
        topics,
        shared_notes,
        private_notes,
        ..fields
    })
}

/// The members behind a match's two sides, and its status.
#[derive(Clone, Copy, Debug)]
pub struct Partnership {
    pub mentor_id: Uuid,
    pub mentee_id: Uuid,
    pub status: MatchStatus,
}

/// Reading a match's log: the two partners of a published match. Everyone
/// else, the committee included, is told the match does not exist, and so
/// is a partner of a match not (or never to be) published.
pub fn may_read_log(actor_id: Uuid, p: Partnership) -> Access {
    if p.status.is_published() && (actor_id == p.mentor_id || actor_id == p.mentee_id) {
        Ok(())
    } else {
        Err(Denied::Hidden("match"))
    }
}

/// Writing to a log (after `may_read_log`): only while the match is active;
/// a completed or ended match's log is its record.
pub fn may_write_log(status: MatchStatus) -> Result<(), String> {
    if status == MatchStatus::Active {
        Ok(())
    } else {
        Err(format!(
            "the match is {}: its meeting log can no longer change",
            status.as_str()
        ))
    }
}

/// Changing or deleting a meeting: its author alone. The other partner
/// sees it, so the refusal is a 403, not a 404.
pub fn may_edit(actor_id: Uuid, author_id: Uuid) -> Access {
    if actor_id == author_id {
        Ok(())
    } else {
        Err(Denied::Forbidden(
            "only the partner who recorded a meeting may change or delete it",
        ))
    }
}

/// The private notes as `viewer` sees them: the author's own, nobody
/// else's.
pub fn private_notes_for(viewer: Uuid, author_id: Uuid, notes: Option<String>) -> Option<String> {
    if viewer == author_id { notes } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn period() -> MatchPeriod {
        MatchPeriod::new(day("2024-10-15"), day("2025-04-15"), None)
    }

    fn fields() -> MeetingFields {
        MeetingFields {
            held_on: day("2024-11-01"),
            status: MeetingStatus::Held,
            mode: MeetingMode::Online,
            duration_minutes: 60,
            topics: vec!["Cover letters".into()],
            shared_notes: Some("Talked about jobs.".into()),
            private_notes: None,
        }
    }

    fn field_of(err: Result<(), FieldError>) -> String {
        err.unwrap_err().field
    }

    #[test]
    fn an_extension_later_than_the_end_extends_the_period() {
        let p = MatchPeriod::new(
            day("2024-10-15"),
            day("2025-04-15"),
            Some(day("2025-07-01")),
        );
        assert_eq!(p.ends_on, day("2025-07-01"));
        let p = MatchPeriod::new(
            day("2024-10-15"),
            day("2025-04-15"),
            Some(day("2025-01-01")),
        );
        assert_eq!(p.ends_on, day("2025-04-15"));
    }

    #[test]
    fn a_held_meeting_lies_in_the_past_and_within_the_period() {
        let today = day("2025-01-10");
        let held = MeetingStatus::Held;
        assert!(check_date(held, day("2024-10-15"), period(), today).is_ok());
        assert!(check_date(held, today, period(), today).is_ok());
        assert_eq!(
            field_of(check_date(held, day("2025-01-11"), period(), today)),
            "held_on"
        );
        assert_eq!(
            field_of(check_date(held, day("2024-10-14"), period(), today)),
            "held_on"
        );
        let later = day("2026-01-01");
        assert!(check_date(held, day("2025-04-15"), period(), later).is_ok());
        assert_eq!(
            field_of(check_date(held, day("2025-04-16"), period(), later)),
            "held_on"
        );
    }

    #[test]
    fn a_planned_meeting_is_today_or_later_up_to_the_end() {
        let today = day("2025-01-10");
        let planned = MeetingStatus::Planned;
        assert!(check_date(planned, today, period(), today).is_ok());
        assert!(check_date(planned, day("2025-04-15"), period(), today).is_ok());
        assert!(check_date(planned, day("2025-01-09"), period(), today).is_err());
        assert!(check_date(planned, day("2025-04-16"), period(), today).is_err());
    }

    #[test]
    fn details_are_bounded_and_tidied() {
        let ok = check_details(MeetingFields {
            topics: vec!["  GROW model ".into(), " ".into()],
            shared_notes: Some("  ".into()),
            private_notes: Some(" mine ".into()),
            ..fields()
        })
        .unwrap();
        assert_eq!(ok.topics, ["GROW model"]);
        assert_eq!(ok.shared_notes, None);
        assert_eq!(ok.private_notes.as_deref(), Some("mine"));

        for minutes in [4, 481, -1] {
            let errs = check_details(MeetingFields {
                duration_minutes: minutes,
                ..fields()
            })
            .unwrap_err();
            assert_eq!(errs[0].field, "duration_minutes");
        }
        assert!(
            check_details(MeetingFields {
                duration_minutes: 5,
                ..fields()
            })
            .is_ok()
        );
        let errs = check_details(MeetingFields {
            topics: vec!["t".into(); 21],
            ..fields()
        })
        .unwrap_err();
        assert_eq!(errs[0].field, "topics");
        let errs = check_details(MeetingFields {
            topics: vec!["ok".into(), "x".repeat(101)],
            ..fields()
        })
        .unwrap_err();
        assert_eq!(errs[0].field, "topics.1");
        let errs = check_details(MeetingFields {
            shared_notes: Some("x".repeat(10_001)),
            private_notes: Some("x".repeat(10_001)),
            ..fields()
        })
        .unwrap_err();
        let names: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(names, ["private_notes", "shared_notes"]);
    }

    #[test]
    fn a_change_applies_over_the_current_values() {
        let changed = MeetingChanges {
            duration_minutes: Some(30),
            shared_notes: Some(None),
            ..Default::default()
        };
        assert!(!changed.moves_date());
        let after = changed.apply(fields());
        assert_eq!(after.duration_minutes, 30);
        assert_eq!(after.shared_notes, None);
        assert_eq!(after.topics, fields().topics);
        let moved = MeetingChanges {
            status: Some(MeetingStatus::Planned),
            ..Default::default()
        };
        assert!(moved.moves_date());
    }

    #[test]
    fn only_the_partners_of_a_published_match_read_its_log() {
        let (mentor, mentee, other) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let p = |status| Partnership {
            mentor_id: mentor,
            mentee_id: mentee,
            status,
        };
        for status in [
            MatchStatus::Active,
            MatchStatus::Completed,
            MatchStatus::EndedEarly,
        ] {
            assert!(may_read_log(mentor, p(status)).is_ok());
            assert!(may_read_log(mentee, p(status)).is_ok());
            assert_eq!(may_read_log(other, p(status)), Err(Denied::Hidden("match")));
        }
        for status in [
            MatchStatus::Proposed,
            MatchStatus::Approved,
            MatchStatus::Cancelled,
        ] {
            assert_eq!(
                may_read_log(mentor, p(status)),
                Err(Denied::Hidden("match"))
            );
        }
    }

    #[test]
    fn only_an_active_match_log_is_written_and_only_by_the_author() {
        assert!(may_write_log(MatchStatus::Active).is_ok());
        assert!(may_write_log(MatchStatus::Completed).is_err());
        assert!(may_write_log(MatchStatus::EndedEarly).is_err());
        let (author, partner) = (Uuid::new_v4(), Uuid::new_v4());
        assert!(may_edit(author, author).is_ok());
        assert!(matches!(
            may_edit(partner, author),
            Err(Denied::Forbidden(_))
        ));
    }

    #[test]
    fn private_notes_are_the_authors_alone() {
        let (author, partner) = (Uuid::new_v4(), Uuid::new_v4());
        let notes = Some("mine".to_owned());
        assert_eq!(private_notes_for(author, author, notes.clone()), notes);
        assert_eq!(private_notes_for(partner, author, notes), None);
    }
}
