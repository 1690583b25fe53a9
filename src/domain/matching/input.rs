//! What the engine is given: one plain record per applicant and the
//! committee's parameters for a run.
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

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
}

/// A committee pin: this mentor with this mentee.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
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

/// The committee's settings for one run. Everything has a default, so `{}`
/// is a valid run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct RunParams {
    /// Replaces the default weights; see [`WeightTable::default`].
    pub weights: Option<WeightTable>,
    /// Lets people from the same employer be paired.
    pub allow_same_employer: bool,
    /// Pairs placed before the optimisation; each takes a mentor slot.
    pub must_pair: Vec<Pin>,
    /// Pairs that are never proposed.
    pub never_pair: Vec<Pin>,
}

impl RunParams {
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
