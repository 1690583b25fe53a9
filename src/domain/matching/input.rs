//! What the engine is given: one plain record per applicant and the
//! committee's parameters for a run.
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::balance::PreferenceBalance;
use super::objective::Objective;
use super::weights::WeightTable;
use crate::domain::application::{
    ApplicationRole, ApplicationStatus, CareerStage, LibraryType, MatchingPreference, MeetingMode,
};

/// One application as the engine sees it. For a mentor `library_types` is
/// where they have worked; for a mentee, where they want to work.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub application_id: Uuid,
    pub member_id: Uuid,
    pub role: ApplicationRole,
    pub status: ApplicationStatus,
    pub library_types: Vec<LibraryType>,
    pub interests: Vec<String>,
    pub career_stage: CareerStage,
    pub region: String,
    pub meeting_modes: Vec<MeetingMode>,
    pub matching_preference: MatchingPreference,
    pub identity_tags: Vec<String>,
    pub identity_consent: bool,
    pub employer: String,
    /// How many mentees a mentor takes; ignored for mentees.
    pub capacity: u32,
    /// A mentor's answer to "which mentee career stages would you most
    /// like to support" (empty: no preference); ignored for mentees.
    #[serde(default)]
    pub mentee_stages: Vec<CareerStage>,
}

/// A committee pin: this mentor application with this mentee application.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(deny_unknown_fields)]
pub struct Pin {
    pub mentor_application_id: Uuid,
    pub mentee_application_id: Uuid,
}

impl Pin {
    pub fn new(mentor_application_id: Uuid, mentee_application_id: Uuid) -> Self {
        Self {
            mentor_application_id,
            mentee_application_id,
        }
    }
}

/// Whether a pin forces a pair or forbids it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PinKind {
    Must,
    Never,
}

/// A pin in the form API.md names (`pins`): a pair and its kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KindedPin {
    pub mentor_application_id: Uuid,
    pub mentee_application_id: Uuid,
    pub kind: PinKind,
}

/// The committee's settings for one run. Everything has a default, so `{}`
/// is a valid run. Unknown fields are refused, so a misspelt setting is not
/// silently ignored.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RunParams {
    /// Replaces the default weights (each row's defaults are shown on the
    /// weight table); null or omitted: the defaults.
    pub weights: Option<WeightTable>,
    /// Lets people from the same employer be paired.
    pub allow_same_employer: bool,
    /// Pairs placed before the optimisation; each takes a mentor slot. A pin
    /// that breaks a hard rule is reported in `pin_conflicts` instead.
    pub must_pair: Vec<Pin>,
    /// Pairs that are never proposed.
    pub never_pair: Vec<Pin>,
    /// The same pins as one list with a `kind` each; merged into
    /// `must_pair` and `never_pair` before the run, so a stored run shows
    /// them there.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pins: Vec<KindedPin>,
    /// `total` (default): the most pairs, then the highest total score.
    /// `fair`: the most pairs, then the highest lowest pair score, then the
    /// highest total.
    pub objective: Objective,
    /// The mentee's share of each pair's weights, 0 to 1 (hundredths);
    /// the mentor's is the rest. Default 0.5: both preferences count
    /// equally. 1: only the mentee's preference, as before the mentor's
    /// counted.
    #[schema(value_type = f64, minimum = 0, maximum = 1, example = 0.5)]
    pub preference_balance: PreferenceBalance,
}

impl RunParams {
    /// Moves `pins` into `must_pair` and `never_pair`, without duplicates.
    pub fn normalized(mut self) -> RunParams {
        for pin in std::mem::take(&mut self.pins) {
            let p = Pin::new(pin.mentor_application_id, pin.mentee_application_id);
            let list = match pin.kind {
                PinKind::Must => &mut self.must_pair,
                PinKind::Never => &mut self.never_pair,
            };
            if !list.contains(&p) {
                list.push(p);
            }
        }
        self
    }

    /// The weights in force: the override, else the defaults.
    pub fn weight_table(&self) -> WeightTable {
        self.weights.clone().unwrap_or_default()
    }

    pub fn is_never_pair(&self, mentor: Uuid, mentee: Uuid) -> bool {
        self.never_pair.contains(&Pin::new(mentor, mentee))
    }
}

/// Text compared loosely: trimmed and lower-cased.
pub(crate) fn loose(s: &str) -> String {
    s.trim().to_lowercase()
}

/// `early_career` → `early career`, for details meant to be read.
pub(crate) fn words(s: &str) -> String {
    s.replace('_', " ")
}

#[cfg(test)]
mod pin_tests {
    use super::*;

    #[test]
    fn kinded_pins_join_the_must_and_never_lists_once() {
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let params = RunParams {
            must_pair: vec![Pin::new(a, b)],
            pins: vec![
                KindedPin {
                    mentor_application_id: a,
                    mentee_application_id: b,
                    kind: PinKind::Must,
                },
                KindedPin {
                    mentor_application_id: b,
                    mentee_application_id: a,
                    kind: PinKind::Never,
                },
            ],
            ..Default::default()
        }
        .normalized();
        assert_eq!(params.must_pair, vec![Pin::new(a, b)]);
        assert_eq!(params.never_pair, vec![Pin::new(b, a)]);
        assert!(params.pins.is_empty());
    }

    #[test]
    fn unknown_run_settings_are_refused() {
        assert!(serde_json::from_str::<RunParams>(r#"{"pinz": []}"#).is_err());
        assert!(serde_json::from_str::<RunParams>("{}").is_ok());
    }
}
