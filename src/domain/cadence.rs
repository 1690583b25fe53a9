//! The cadence of a partnership: how many meetings a match has held
//! against how many the cycle expects by now, and whether it is on track,
//! behind, or silent.
//!
//! The cycle expects `meetings_expected` meetings over its mentoring period
//! (six over six months in the seed), so a match is expected to have held
//! `meetings_expected × days elapsed ÷ days in the period` (rounded down)
//! by a given day. Days are counted from the later of the mentoring start
//! and the day the match was published, so a pair matched late is held to
//! the same pace, not to a backlog. The count stops growing at the end of
//! the mentoring period (an extension does not raise it) and is taken as of
//! the day a finished match ended.
//!
//! A match is `silent` when nothing was held for `silent_after_days` (45 by
//! default) — since its last held meeting, or since it started; otherwise
//! `behind` when it held fewer than expected; otherwise `on_track`.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Days without a held meeting after which a match is silent, unless the
/// operator (`CADENCE_SILENT_DAYS`) or the request says otherwise.
pub const SILENT_AFTER_DAYS: u32 = 45;
/// The longest silence threshold a caller may ask for.
pub const SILENT_AFTER_DAYS_MAX: u32 = 365;
/// The reminder period when a cycle expects no meetings at all.
const FALLBACK_PERIOD_DAYS: i64 = 30;

/// Where a match stands.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum CadenceState {
    /// Held at least as many meetings as expected by now.
    OnTrack,
    /// Held fewer meetings than expected by now.
    Behind,
    /// Nothing held for the silence threshold.
    Silent,
}

impl CadenceState {
    pub const ALL: [CadenceState; 3] = [Self::OnTrack, Self::Behind, Self::Silent];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::OnTrack => "on_track",
            Self::Behind => "behind",
            Self::Silent => "silent",
        }
    }

    /// Whether the partners should hear from the program.
    pub fn needs_reminder(self) -> bool {
        self != Self::OnTrack
    }
}

/// What the cadence of one match is computed from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CadenceInput {
    pub mentoring_starts_on: NaiveDate,
    pub mentoring_ends_on: NaiveDate,
    pub meetings_expected: i32,
    /// The day the match was published, if it was.
    pub published_on: Option<NaiveDate>,
    pub extended_until: Option<NaiveDate>,
    /// The day a completed or ended-early match finished.
    pub ended_on: Option<NaiveDate>,
    /// Meetings held (not planned ones).
    pub held: u32,
    pub last_held_on: Option<NaiveDate>,
}

/// The cadence of one match as of a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cadence {
    pub state: CadenceState,
    /// The day it is measured on: today, or the day the match ended.
    pub as_of: NaiveDate,
    pub held: u32,
    pub expected_to_date: u32,
    /// Meetings expected over the whole period from the match's start.
    pub expected_total: u32,
    /// How many meetings short of the expected count it is (0 when on
    /// track or ahead).
    pub behind_by: u32,
    pub last_held_on: Option<NaiveDate>,
    /// Days since the last held meeting, or since the match started.
    pub quiet_days: u32,
}

impl CadenceInput {
    /// The day the match's cadence starts: the mentoring start, or the day
    /// it was published when that is later.
    pub fn starts_on(&self) -> NaiveDate {
        self.published_on.map_or(self.mentoring_starts_on, |p| {
            p.max(self.mentoring_starts_on)
        })
    }

    /// The last day the partners may meet: the mentoring end, or the
    /// extension when later.
    pub fn period_ends_on(&self) -> NaiveDate {
        self.extended_until
            .map_or(self.mentoring_ends_on, |e| e.max(self.mentoring_ends_on))
    }

    fn period_days(&self) -> i64 {
        (self.mentoring_ends_on - self.mentoring_starts_on)
            .num_days()
            .max(1)
    }

    /// Meetings expected between the match's start and `day`.
    fn expected_by(&self, day: NaiveDate) -> u32 {
        let until = day.min(self.mentoring_ends_on);
        let elapsed = (until - self.starts_on()).num_days().max(0);
        let expected = i64::from(self.meetings_expected.max(0)) * elapsed / self.period_days();
        u32::try_from(expected).unwrap_or(u32::MAX)
    }

    /// The cadence as of `today` (or the day the match ended, if earlier).
    pub fn assess(&self, today: NaiveDate, silent_after_days: u32) -> Cadence {
        let as_of = self.ended_on.map_or(today, |e| e.min(today));
        let expected_to_date = self.expected_by(as_of);
        let started = self.starts_on();
        let quiet_since = self.last_held_on.map_or(started, |l| l.max(started));
        let quiet_days = u32::try_from((as_of - quiet_since).num_days().max(0)).unwrap_or(u32::MAX);
        let state = if as_of < started {
            CadenceState::OnTrack
        } else if quiet_days >= silent_after_days {
            CadenceState::Silent
        } else if self.held < expected_to_date {
            CadenceState::Behind
        } else {
            CadenceState::OnTrack
        };
        Cadence {
            state,
            as_of,
            held: self.held,
            expected_to_date,
            expected_total: self.expected_by(self.mentoring_ends_on),
            behind_by: expected_to_date.saturating_sub(self.held),
            last_held_on: self.last_held_on,
            quiet_days,
        }
    }

    /// The reminder period `today` falls in: the match's time is cut into
    /// periods of one expected meeting each (a month for six meetings over
    /// six months), numbered from 0 at its start. `None` outside the days
    /// the partners may meet, when no reminder is ever due.
    pub fn reminder_period(&self, today: NaiveDate) -> Option<i64> {
        let started = self.starts_on();
        if today < started || today > self.period_ends_on() || self.ended_on.is_some() {
            return None;
        }
        let length = match self.meetings_expected {
            n if n > 0 => (self.period_days() / i64::from(n)).max(1),
            _ => FALLBACK_PERIOD_DAYS,
        };
        Some((today - started).num_days() / length)
    }
}

/// A silence threshold as asked for: 1 to 365 days.
pub fn check_silent_after_days(days: u32) -> Result<u32, String> {
    if (1..=SILENT_AFTER_DAYS_MAX).contains(&days) {
        Ok(days)
    } else {
        Err(format!("must be between 1 and {SILENT_AFTER_DAYS_MAX}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// Six meetings over 2026-01-01 .. 2026-07-01 (181 days), published on
    /// the first day, nothing held.
    fn six_months() -> CadenceInput {
        CadenceInput {
            mentoring_starts_on: day("2026-01-01"),
            mentoring_ends_on: day("2026-07-01"),
            meetings_expected: 6,
            published_on: Some(day("2025-12-15")),
            extended_until: None,
            ended_on: None,
            held: 0,
            last_held_on: None,
        }
    }

    #[test]
    fn the_expected_count_grows_by_one_a_month_and_stops_at_the_end() {
        let m = six_months();
        let expected = |d: &str| m.assess(day(d), SILENT_AFTER_DAYS).expected_to_date;
        assert_eq!(expected("2025-12-20"), 0);
        assert_eq!(expected("2026-01-01"), 0);
        assert_eq!(expected("2026-01-30"), 0);
        assert_eq!(expected("2026-02-01"), 1);
        assert_eq!(expected("2026-04-15"), 3);
        assert_eq!(expected("2026-07-01"), 6);
        assert_eq!(expected("2026-12-01"), 6);
        assert_eq!(m.assess(day("2026-02-01"), 45).expected_total, 6);
    }

    #[test]
    fn a_match_published_late_is_held_to_the_pace_from_its_start() {
        let m = CadenceInput {
            published_on: Some(day("2026-03-02")),
            ..six_months()
        };
        let c = m.assess(day("2026-04-01"), SILENT_AFTER_DAYS);
        assert_eq!(c.expected_to_date, 0);
        assert_eq!(c.quiet_days, 30);
        assert_eq!(c.state, CadenceState::OnTrack);
        assert_eq!(c.expected_total, 4);
    }

    #[test]
    fn silence_wins_over_behind_and_counts_from_the_last_meeting() {
        let quiet = CadenceInput {
            held: 2,
            last_held_on: Some(day("2026-02-10")),
            ..six_months()
        };
        let c = quiet.assess(day("2026-03-27"), 45);
        assert_eq!((c.quiet_days, c.state), (45, CadenceState::Silent));
        let c = quiet.assess(day("2026-03-26"), 45);
        assert_eq!((c.quiet_days, c.state), (44, CadenceState::OnTrack));
        let c = quiet.assess(day("2026-03-26"), 30);
        assert_eq!(c.state, CadenceState::Silent);
    }

    #[test]
    fn fewer_meetings_than_expected_is_behind_by_the_difference() {
        let m = CadenceInput {
            held: 1,
            last_held_on: Some(day("2026-04-01")),
            ..six_months()
        };
        let c = m.assess(day("2026-04-15"), 45);
        assert_eq!(c.state, CadenceState::Behind);
        assert_eq!((c.expected_to_date, c.behind_by), (3, 2));
        let ahead = CadenceInput { held: 5, ..m };
        let c = ahead.assess(day("2026-04-15"), 45);
        assert_eq!((c.state, c.behind_by), (CadenceState::OnTrack, 0));
    }

    #[test]
    fn nothing_is_expected_before_the_start() {
        let c = six_months().assess(day("2025-11-01"), 1);
        assert_eq!((c.state, c.quiet_days), (CadenceState::OnTrack, 0));
    }

    #[test]
    fn a_finished_match_is_measured_on_the_day_it_ended() {
        let m = CadenceInput {
            ended_on: Some(day("2026-03-02")),
            held: 2,
            last_held_on: Some(day("2026-02-20")),
            ..six_months()
        };
        let c = m.assess(day("2026-11-01"), 45);
        assert_eq!(c.as_of, day("2026-03-02"));
        assert_eq!((c.expected_to_date, c.state), (1, CadenceState::OnTrack));
        assert_eq!(m.reminder_period(day("2026-03-05")), None);
    }

    #[test]
    fn reminder_periods_are_one_expected_meeting_long_within_the_period() {
        let m = six_months();
        assert_eq!(m.reminder_period(day("2025-12-31")), None);
        assert_eq!(m.reminder_period(day("2026-01-01")), Some(0));
        assert_eq!(m.reminder_period(day("2026-01-30")), Some(0));
        assert_eq!(m.reminder_period(day("2026-01-31")), Some(1));
        assert_eq!(m.reminder_period(day("2026-07-01")), Some(6));
        assert_eq!(m.reminder_period(day("2026-07-02")), None);
        let extended = CadenceInput {
            extended_until: Some(day("2026-09-01")),
            ..m
        };
        assert_eq!(extended.reminder_period(day("2026-08-01")), Some(7));
        let none_expected = CadenceInput {
            meetings_expected: 0,
            ..m
        };
        assert_eq!(none_expected.reminder_period(day("2026-02-01")), Some(1));
        assert_eq!(
            none_expected.assess(day("2026-02-01"), 45).expected_to_date,
            0
        );
    }

    #[test]
    fn the_silence_threshold_is_bounded() {
        assert_eq!(check_silent_after_days(45), Ok(45));
        assert!(check_silent_after_days(0).is_err());
        assert!(check_silent_after_days(366).is_err());
    }
}
