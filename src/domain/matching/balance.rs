//! Both people's preferences: a pair's weight for each criterion mixes the
//! mentor's preference row and the mentee's, in the balance the committee
//! sets for the run (the mentee's share, 0 to 1; 0.5 by default).
//!
//! Weights stay whole numbers, so scores stay exact: each combined weight is
//! `share × mentee weight + (1 − share) × mentor weight`, rounded to the
//! nearest whole number (halves up). The share is kept in hundredths.
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::weights::{WeightTable, Weights};
use crate::domain::application::MatchingPreference;

/// The mentee's share of a pair's weights, in hundredths (0–100).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PreferenceBalance(u8);

impl Default for PreferenceBalance {
    /// Equal: each side's preference counts half.
    fn default() -> Self {
        Self(50)
    }
}

impl PreferenceBalance {
    /// Only the mentee's preference counts (how runs scored before the
    /// mentor's preference was heard).
    pub const MENTEE_ONLY: PreferenceBalance = PreferenceBalance(100);
    /// Only the mentor's preference counts.
    pub const MENTOR_ONLY: PreferenceBalance = PreferenceBalance(0);

    /// The share as a number from 0 to 1, rounded to hundredths; `None`
    /// outside 0..=1 (or not a number).
    pub fn from_share(share: f64) -> Option<Self> {
        (0.0..=1.0)
            .contains(&share)
            .then(|| Self((share * 100.0).round() as u8))
    }

    pub fn mentee_percent(self) -> i64 {
        i64::from(self.0)
    }

    pub fn share(self) -> f64 {
        f64::from(self.0) / 100.0
    }

    /// One criterion's combined weight.
    pub fn mix(self, mentor: i64, mentee: i64) -> i64 {
        let k = self.mentee_percent();
        (k * mentee + (100 - k) * mentor + 50) / 100
    }

    /// Both rows mixed, criterion by criterion.
    pub fn combine(self, mentor: &Weights, mentee: &Weights) -> Weights {
        Weights {
            library_types: self.mix(mentor.library_types, mentee.library_types),
            interests: self.mix(mentor.interests, mentee.interests),
            career_stage: self.mix(mentor.career_stage, mentee.career_stage),
            identity: self.mix(mentor.identity, mentee.identity),
            region: self.mix(mentor.region, mentee.region),
            meeting_modes: self.mix(mentor.meeting_modes, mentee.meeting_modes),
            supported_stage: self.mix(mentor.supported_stage, mentee.supported_stage),
        }
    }
}

impl fmt::Display for PreferenceBalance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.share())
    }
}

impl Serialize for PreferenceBalance {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.share())
    }
}

impl<'de> Deserialize<'de> for PreferenceBalance {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let share = f64::deserialize(d)?;
        Self::from_share(share).ok_or_else(|| {
            serde::de::Error::custom("preference_balance must be a number from 0 to 1")
        })
    }
}

/// The three rows behind one pair: the mentor's, the mentee's and the mix.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PairWeights {
    pub mentor: Weights,
    pub mentee: Weights,
    pub combined: Weights,
}

impl PairWeights {
    pub(crate) fn new(
        table: &WeightTable,
        balance: PreferenceBalance,
        mentor: MatchingPreference,
        mentee: MatchingPreference,
    ) -> Self {
        let (mentor, mentee) = (*table.for_preference(mentor), *table.for_preference(mentee));
        Self {
            mentor,
            mentee,
            combined: balance.combine(&mentor, &mentee),
        }
    }
}

/// The combined rows of every (mentor preference, mentee preference), for
/// the fast path.
pub(crate) struct CombinedTable([[Weights; 4]; 4]);

impl CombinedTable {
    pub(crate) fn new(table: &WeightTable, balance: PreferenceBalance) -> Self {
        let row = |m: usize| {
            std::array::from_fn(|e| {
                PairWeights::new(
                    table,
                    balance,
                    MatchingPreference::ALL[m],
                    MatchingPreference::ALL[e],
                )
                .combined
            })
        };
        Self(std::array::from_fn(row))
    }

    pub(crate) fn get(&self, mentor: MatchingPreference, mentee: MatchingPreference) -> &Weights {
        &self.0[mentor as usize][mentee as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_outside_zero_to_one_are_refused_and_kept_in_hundredths() {
        assert_eq!(PreferenceBalance::from_share(-0.01), None);
        assert_eq!(PreferenceBalance::from_share(1.01), None);
        assert_eq!(PreferenceBalance::from_share(f64::NAN), None);
        assert_eq!(
            PreferenceBalance::from_share(0.333).map(|b| b.mentee_percent()),
            Some(33)
        );
        let parsed: PreferenceBalance = serde_json::from_str("0.25").unwrap();
        assert_eq!(serde_json::to_string(&parsed).unwrap(), "0.25");
        assert!(serde_json::from_str::<PreferenceBalance>("2").is_err());
        assert!(serde_json::from_str::<PreferenceBalance>("\"half\"").is_err());
    }

    #[test]
    fn equal_preferences_keep_their_row_and_halves_round_up() {
        let table = WeightTable::default();
        let p = MatchingPreference::ALL;
        for &pref in p {
            for share in [0.0, 0.3, 0.5, 1.0] {
                let b = PreferenceBalance::from_share(share).unwrap();
                assert_eq!(
                    PairWeights::new(&table, b, pref, pref).combined,
                    *table.for_preference(pref)
                );
            }
        }
        let half = PreferenceBalance::default();
        // identity row 6 for identity, 1 for career: 3.5 rounds to 4.
        let w = PairWeights::new(
            &table,
            half,
            MatchingPreference::Career,
            MatchingPreference::Identity,
        );
        assert_eq!(w.combined.identity, 4);
        assert_eq!(w.combined.library_types, 2);
        let only_mentee = PairWeights::new(
            &table,
            PreferenceBalance::MENTEE_ONLY,
            MatchingPreference::Career,
            MatchingPreference::Identity,
        );
        assert_eq!(only_mentee.combined, table.identity);
        let only_mentor = PairWeights::new(
            &table,
            PreferenceBalance::MENTOR_ONLY,
            MatchingPreference::Career,
            MatchingPreference::Identity,
        );
        assert_eq!(only_mentor.combined, table.career);
    }
}
