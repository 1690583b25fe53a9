//! The weights each matching preference gives the seven criteria, and the
//! committee's override for a run.
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::score::{
    CAREER_STAGE, CriterionName, IDENTITY, INTERESTS, LIBRARY_TYPES, MEETING_MODES, REGION,
    SUPPORTED_STAGE,
};
use crate::domain::application::MatchingPreference;

/// The highest weight the committee may set.
pub const MAX_WEIGHT: i64 = 100;

/// One weight per criterion, each 0 to 100 (422 otherwise). A pair's score
/// is Σ weight × criterion score, each criterion scored 0 to 10.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    #[schema(minimum = 0, maximum = 100)]
    pub library_types: i64,
    #[schema(minimum = 0, maximum = 100)]
    pub interests: i64,
    #[schema(minimum = 0, maximum = 100)]
    pub career_stage: i64,
    #[schema(minimum = 0, maximum = 100)]
    pub identity: i64,
    #[schema(minimum = 0, maximum = 100)]
    pub region: i64,
    #[schema(minimum = 0, maximum = 100)]
    pub meeting_modes: i64,
    /// The mentee's career stage is one the mentor would most like to
    /// support. Optional: 1 when omitted.
    #[serde(default = "one")]
    #[schema(minimum = 0, maximum = 100, default = 1)]
    pub supported_stage: i64,
}

fn one() -> i64 {
    1
}

impl Weights {
    const fn new(career: [i64; 3], identity: i64, region: i64, meeting_modes: i64) -> Self {
        Self {
            library_types: career[0],
            interests: career[1],
            career_stage: career[2],
            identity,
            region,
            meeting_modes,
            supported_stage: 1,
        }
    }

    pub(crate) fn named(&self) -> [(CriterionName, i64); 7] {
        [
            (LIBRARY_TYPES, self.library_types),
            (INTERESTS, self.interests),
            (CAREER_STAGE, self.career_stage),
            (IDENTITY, self.identity),
            (REGION, self.region),
            (MEETING_MODES, self.meeting_modes),
            (SUPPORTED_STAGE, self.supported_stage),
        ]
    }
}

/// The weights for each matching preference; a pair is scored with the row
/// of each person's preference, mixed in the run's `preference_balance`.
/// Rows left out keep their defaults. Every default row sums to 13, so no
/// preference counts more than another in the cohort's total.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct WeightTable {
    /// For mentees who prefer career alignment.
    pub career: Weights,
    /// For mentees who prefer identity alignment.
    pub identity: Weights,
    /// For mentees who want both.
    pub both: Weights,
    /// For mentees with no preference.
    pub none: Weights,
}

impl Default for WeightTable {
    fn default() -> Self {
        Self {
            career: Weights::new([3, 3, 3], 1, 1, 1),
            identity: Weights::new([1, 2, 1], 6, 1, 1),
            both: Weights::new([2, 2, 2], 4, 1, 1),
            none: Weights::new([2, 2, 2], 2, 2, 2),
        }
    }
}

impl WeightTable {
    pub fn for_preference(&self, preference: MatchingPreference) -> &Weights {
        match preference {
            MatchingPreference::Career => &self.career,
            MatchingPreference::Identity => &self.identity,
            MatchingPreference::Both => &self.both,
            MatchingPreference::None => &self.none,
        }
    }

    /// Every weight must lie in 0..=100.
    pub fn validate(&self) -> Result<(), String> {
        let rows = [
            ("career", &self.career),
            ("identity", &self.identity),
            ("both", &self.both),
            ("none", &self.none),
        ];
        for (pref, w) in rows {
            for (criterion, weight) in w.named() {
                if !(0..=MAX_WEIGHT).contains(&weight) {
                    return Err(format!(
                        "weights.{pref}.{criterion} must be between 0 and {MAX_WEIGHT}, got {weight}"
                    ));
                }
            }
        }
        Ok(())
    }
}
