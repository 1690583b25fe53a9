//! The end-of-cycle evaluation: what a participant answers, when they may,
//! and how the committee's figures are counted from the answers.
//!
//! Every participant of a published match (active, completed or ended
//! early) submits one evaluation per cycle, from the end of mentoring (or
//! once the committee closes the cycle, which opens evaluations) until the
//! cycle's `evaluation_closes_on`, and may edit it until then.
//!
//! The figures: a **pair plans to keep in touch** when at least one of its
//! partners answered and every partner who answered said `yes`; the share
//! is over the pairs with at least one answer. A **mentor would mentor
//! again** when they answered `as_mentor` or `either`; the share is over the
//! mentors who answered. Every figure carries its numerator and denominator.
use chrono::NaiveDate;
use sea_orm::entity::prelude::StringLen;
use sea_orm::{DeriveActiveEnum, EnumIter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::FieldError;
use super::application::Answer;
use super::cycle::CycleStatus;

pub const RATING_MIN: i32 = 1;
pub const RATING_MAX: i32 = 5;
pub const MEETINGS_MAX: i32 = 200;
pub const TEXT_MAX_CHARS: usize = 5_000;
pub const QUOTE_MAX_CHARS: usize = 1_000;
/// The smallest group the public report shows, unless `REPORT_MIN_GROUP`
/// says otherwise.
pub const MIN_GROUP: u32 = 5;

macro_rules! stored_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
            ToSchema, EnumIter, DeriveActiveEnum,
        )]
        #[serde(rename_all = "snake_case")]
        #[sea_orm(
            rs_type = "String",
            db_type = "String(StringLen::None)",
            rename_all = "snake_case"
        )]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }
    };
}

stored_enum!(
    /// Whether the partners plan to keep in touch after the program.
    KeepInTouch { Yes, No, Unsure }
);

stored_enum!(
    /// Whether the participant would take part again, and how.
    ParticipateAgain {
        /// As a mentor.
        AsMentor,
        /// As a mentee.
        AsMentee,
        /// As either.
        Either,
        No,
        Unsure,
    }
);

stored_enum!(
    /// How a quote may be published: with the author's name, anonymously
    /// (role only), or not at all.
    QuoteConsent { Named, Anonymous, None }
);

impl KeepInTouch {
    /// Every value as stored and sent, in order.
    pub const NAMES: [&'static str; 3] = ["yes", "no", "unsure"];
}

impl QuoteConsent {
    pub const NAMES: [&'static str; 3] = ["named", "anonymous", "none"];
}

impl ParticipateAgain {
    pub const NAMES: [&'static str; 5] = ["as_mentor", "as_mentee", "either", "no", "unsure"];

    /// Would come back as a mentor.
    pub fn as_mentor(self) -> bool {
        matches!(self, Self::AsMentor | Self::Either)
    }

    /// Would come back in any role.
    pub fn comes_back(self) -> bool {
        matches!(self, Self::AsMentor | Self::AsMentee | Self::Either)
    }
}

/// A participant's answers, as submitted or after an edit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvaluationFields {
    pub overall_rating: i32,
    pub match_rating: i32,
    pub meetings_held: i32,
    pub plans_to_keep_in_touch: KeepInTouch,
    pub would_participate_again: ParticipateAgain,
    pub what_worked: Option<String>,
    pub what_to_improve: Option<String>,
    pub quote: Option<String>,
    pub quote_consent: QuoteConsent,
    /// Answers to the evaluation form's own questions, checked against
    /// them by the service.
    pub answers: Vec<Answer>,
}

/// An edit: `None` leaves a value; `Some(None)` clears a text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EvaluationChanges {
    pub overall_rating: Option<i32>,
    pub match_rating: Option<i32>,
    pub meetings_held: Option<i32>,
    pub plans_to_keep_in_touch: Option<KeepInTouch>,
    pub would_participate_again: Option<ParticipateAgain>,
    pub what_worked: Option<Option<String>>,
    pub what_to_improve: Option<Option<String>>,
    pub quote: Option<Option<String>>,
    pub quote_consent: Option<QuoteConsent>,
    /// Replaces every answer to the form's own questions.
    pub answers: Option<Vec<Answer>>,
}

impl EvaluationChanges {
    pub fn apply(self, current: EvaluationFields) -> EvaluationFields {
        EvaluationFields {
            overall_rating: self.overall_rating.unwrap_or(current.overall_rating),
            match_rating: self.match_rating.unwrap_or(current.match_rating),
            meetings_held: self.meetings_held.unwrap_or(current.meetings_held),
            plans_to_keep_in_touch: self
                .plans_to_keep_in_touch
                .unwrap_or(current.plans_to_keep_in_touch),
            would_participate_again: self
                .would_participate_again
                .unwrap_or(current.would_participate_again),
            what_worked: self.what_worked.unwrap_or(current.what_worked),
            what_to_improve: self.what_to_improve.unwrap_or(current.what_to_improve),
            quote: self.quote.unwrap_or(current.quote),
            quote_consent: self.quote_consent.unwrap_or(current.quote_consent),
            answers: self.answers.unwrap_or(current.answers),
        }
    }

    /// Whether the change touches the quote or its consent, which sends an
    /// approved quote back for approval.
    pub fn touches_quote(&self) -> bool {
        self.quote.is_some() || self.quote_consent.is_some()
    }
}

fn tidy(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

impl EvaluationFields {
    /// Checks every rule and returns the fields as stored (texts trimmed,
    /// blank ones none); every breach is named.
    pub fn checked(self) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        for (field, value) in [
            ("overall_rating", self.overall_rating),
            ("match_rating", self.match_rating),
        ] {
            if !(RATING_MIN..=RATING_MAX).contains(&value) {
                errors.push(FieldError::new(
                    field,
                    "range",
                    format!("must be between {RATING_MIN} and {RATING_MAX}"),
                ));
            }
        }
        if !(0..=MEETINGS_MAX).contains(&self.meetings_held) {
            errors.push(FieldError::new(
                "meetings_held",
                "range",
                format!("must be between 0 and {MEETINGS_MAX}"),
            ));
        }
        for (field, text, max) in [
            ("what_worked", &self.what_worked, TEXT_MAX_CHARS),
            ("what_to_improve", &self.what_to_improve, TEXT_MAX_CHARS),
            ("quote", &self.quote, QUOTE_MAX_CHARS),
        ] {
            if text.as_ref().is_some_and(|t| t.chars().count() > max) {
                errors.push(FieldError::new(
                    field,
                    "length",
                    format!("length must be at most {max}"),
                ));
            }
        }
        let quote = tidy(self.quote);
        if quote.is_none() && self.quote_consent != QuoteConsent::None {
            errors.push(FieldError::new(
                "quote_consent",
                "no_quote",
                "consent to publish needs a quote; send quote_consent none without one",
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Self {
            what_worked: tidy(self.what_worked),
            what_to_improve: tidy(self.what_to_improve),
            quote,
            ..self
        })
    }
}

/// Whether evaluations of a cycle may be submitted or edited on `today`:
/// from the end of mentoring (or once the cycle is closed) until the
/// evaluation close, inclusive.
pub fn window(
    status: CycleStatus,
    mentoring_ends_on: NaiveDate,
    evaluation_closes_on: NaiveDate,
    today: NaiveDate,
) -> Result<(), String> {
    if today > evaluation_closes_on || status == CycleStatus::Archived {
        return Err(format!("evaluations closed on {evaluation_closes_on}"));
    }
    let opened = status == CycleStatus::Closed || today >= mentoring_ends_on;
    if !opened {
        return Err(format!(
            "evaluations open when mentoring ends, on {mentoring_ends_on}, or when the committee closes the cycle"
        ));
    }
    Ok(())
}

/// A pair's answer to "keep in touch": `Some(true)` when at least one
/// partner answered and every one who did said yes; `None` when neither
/// answered (the pair is not counted).
pub fn pair_keeps_in_touch(answers: &[KeepInTouch]) -> Option<bool> {
    if answers.is_empty() {
        return None;
    }
    Some(answers.iter().all(|a| *a == KeepInTouch::Yes))
}

/// A share with its counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Share {
    pub numerator: u32,
    pub denominator: u32,
}

impl Share {
    pub fn new(numerator: u32, denominator: u32) -> Self {
        Self {
            numerator,
            denominator,
        }
    }

    /// The share in percent, rounded to one decimal; `None` when the
    /// denominator is 0.
    pub fn percent(self) -> Option<f64> {
        (self.denominator > 0).then(|| {
            (1000.0 * f64::from(self.numerator) / f64::from(self.denominator)).round() / 10.0
        })
    }

    /// Whether a public report may show it: its group (the denominator)
    /// has at least `min_group` people.
    pub fn shown(self, min_group: u32) -> bool {
        self.denominator >= min_group
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::{ActiveEnum, Iterable};

    use super::*;

    fn fields() -> EvaluationFields {
        EvaluationFields {
            overall_rating: 5,
            match_rating: 4,
            meetings_held: 6,
            plans_to_keep_in_touch: KeepInTouch::Yes,
            would_participate_again: ParticipateAgain::AsMentor,
            what_worked: Some(" Monthly calls ".into()),
            what_to_improve: Some("   ".into()),
            quote: Some(" It was great. ".into()),
            quote_consent: QuoteConsent::Anonymous,
            answers: Vec::new(),
        }
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_valid_evaluation_is_stored_tidy() {
        let f = fields().checked().unwrap();
        assert_eq!(f.what_worked.as_deref(), Some("Monthly calls"));
        assert_eq!(f.what_to_improve, None);
        assert_eq!(f.quote.as_deref(), Some("It was great."));
    }

    #[test]
    fn every_breach_is_named() {
        let bad = EvaluationFields {
            overall_rating: 0,
            match_rating: 6,
            meetings_held: -1,
            quote: Some("x".repeat(QUOTE_MAX_CHARS + 1)),
            ..fields()
        };
        let names: Vec<String> = bad
            .checked()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            names,
            ["overall_rating", "match_rating", "meetings_held", "quote"]
        );
        let consent_without_quote = EvaluationFields {
            quote: None,
            ..fields()
        };
        let names: Vec<String> = consent_without_quote
            .checked()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(names, ["quote_consent"]);
    }

    #[test]
    fn the_window_opens_at_the_end_of_mentoring_or_when_closed() {
        let (ends, closes) = (day("2025-04-15"), day("2025-05-15"));
        assert!(window(CycleStatus::Active, ends, closes, day("2025-04-14")).is_err());
        assert!(window(CycleStatus::Closed, ends, closes, day("2025-04-14")).is_ok());
        assert!(window(CycleStatus::Active, ends, closes, day("2025-04-15")).is_ok());
        assert!(window(CycleStatus::Active, ends, closes, day("2025-05-15")).is_ok());
        assert!(window(CycleStatus::Closed, ends, closes, day("2025-05-16")).is_err());
        assert!(window(CycleStatus::Archived, ends, closes, day("2025-05-01")).is_err());
    }

    #[test]
    fn a_pair_keeps_in_touch_when_everyone_who_answered_said_yes() {
        use KeepInTouch::*;
        assert_eq!(pair_keeps_in_touch(&[]), None);
        assert_eq!(pair_keeps_in_touch(&[Yes]), Some(true));
        assert_eq!(pair_keeps_in_touch(&[Yes, Yes]), Some(true));
        assert_eq!(pair_keeps_in_touch(&[Yes, Unsure]), Some(false));
        assert_eq!(pair_keeps_in_touch(&[No]), Some(false));
    }

    #[test]
    fn shares_round_to_one_decimal_and_hide_small_groups() {
        assert_eq!(Share::new(15, 20).percent(), Some(75.0));
        assert_eq!(Share::new(17, 20).percent(), Some(85.0));
        assert_eq!(Share::new(1, 3).percent(), Some(33.3));
        assert_eq!(Share::new(0, 0).percent(), None);
        assert!(!Share::new(4, 4).shown(5));
        assert!(Share::new(4, 5).shown(5));
    }

    #[test]
    fn the_names_are_the_stored_values_in_order() {
        let k: Vec<String> = KeepInTouch::iter().map(|v| v.to_value()).collect();
        assert_eq!(k, KeepInTouch::NAMES);
        let p: Vec<String> = ParticipateAgain::iter().map(|v| v.to_value()).collect();
        assert_eq!(p, ParticipateAgain::NAMES);
        let q: Vec<String> = QuoteConsent::iter().map(|v| v.to_value()).collect();
        assert_eq!(q, QuoteConsent::NAMES);
    }

    #[test]
    fn answers_are_stored_as_their_names() {
        assert_eq!(ParticipateAgain::AsMentor.to_value(), "as_mentor");
        assert_eq!(QuoteConsent::None.to_value(), "none");
        assert_eq!(KeepInTouch::iter().count(), 3);
        assert!(ParticipateAgain::Either.as_mentor());
        assert!(!ParticipateAgain::AsMentee.as_mentor());
    }
}
