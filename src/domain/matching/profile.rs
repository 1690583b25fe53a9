//! The fast path of a run: each applicant reduced once to bit masks and
//! interned ids, so that checking and scoring a pair allocates nothing.
//!
//! A 2,000 × 1,000 cohort has two million pairs; building the explanation
//! strings for each of them dominated a run. Here the rules and the score
//! of a pair are computed from the [`Profile`]s alone, and the explained
//! [`score_pair`](super::score::score_pair) is kept for the pairs a run
//! proposes. Both must agree on every pair: a unit test compares them on
//! random cohorts with messy text.
use std::collections::{HashMap, HashSet};

use uuid::Uuid;

use super::balance::CombinedTable;
use super::input::{Candidate, RunParams, loose};
use super::rules::RuleBroken;
use super::score::{MAX_CRITERION_SCORE, stage_rank};
use super::weights::{WeightTable, Weights};
use crate::domain::application::MatchingPreference;
use crate::domain::application::{ApplicationRole, MeetingMode};

/// What the rules and the scores compare, without any text.
#[derive(Debug)]
pub(crate) struct Profile {
    application_id: Uuid,
    member_id: Uuid,
    is_mentor: bool,
    is_mentee: bool,
    /// Accepted or matched: see
    /// [`ApplicationStatus::is_matchable`](crate::domain::application::ApplicationStatus::is_matchable).
    accepted: bool,
    capacity: u32,
    /// One bit per [`LibraryType`](crate::domain::application::LibraryType).
    library_types: u16,
    /// One bit per [`MeetingMode`].
    modes: u8,
    stage: i64,
    /// One bit for the mentee's own career stage; for a mentor, one bit
    /// per stage they would most like to support.
    stage_bit: u8,
    supported_stages: u8,
    /// Interned, loosely compared; 0 when empty (unknown, matches nothing).
    region: u32,
    employer: u32,
    interests: TagSet,
    identity: TagSet,
    identity_consent: bool,
    preference: MatchingPreference,
}

/// Interned normalised tags: sorted ids, and the same as bits when every
/// id is below 128 (the usual case: a cohort's tags come from short lists),
/// so that most pairs compare with one AND.
#[derive(Debug)]
struct TagSet {
    ids: Box<[u32]>,
    bits: Option<u128>,
}

impl TagSet {
    /// How many tags two sets share.
    fn shared(&self, other: &TagSet) -> usize {
        match (self.bits, other.bits) {
            (Some(a), Some(b)) => (a & b).count_ones() as usize,
            _ => shared(&self.ids, &other.ids),
        }
    }
}

/// Builds [`Profile`]s, giving equal loose text the same id.
#[derive(Default)]
pub(crate) struct Interner {
    ids: HashMap<String, u32>,
    /// Tags get ids of their own, from 0, so that they stay small.
    tag_ids: HashMap<String, u32>,
}

impl Interner {
    fn id(&mut self, text: &str) -> u32 {
        let text = loose(text);
        if text.is_empty() {
            return 0;
        }
        let next = self.ids.len() as u32 + 1;
        *self.ids.entry(text).or_insert(next)
    }

    fn tags(&mut self, tags: &[String]) -> TagSet {
        let mut ids: Vec<u32> = tags
            .iter()
            .map(|t| loose(t))
            .filter(|t| !t.is_empty())
            .map(|t| {
                let next = self.tag_ids.len() as u32;
                *self.tag_ids.entry(t).or_insert(next)
            })
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let bits = ids
            .iter()
            .try_fold(0u128, |bits, &id| (id < 128).then(|| bits | 1 << id));
        TagSet {
            ids: ids.into_boxed_slice(),
            bits,
        }
    }

    pub(crate) fn profile(&mut self, c: &Candidate) -> Profile {
        Profile {
            application_id: c.application_id,
            member_id: c.member_id,
            is_mentor: c.role == ApplicationRole::Mentor,
            is_mentee: c.role == ApplicationRole::Mentee,
            accepted: c.status.is_matchable(),
            capacity: c.capacity,
            library_types: c.library_types.iter().fold(0, |m, t| m | 1 << *t as u16),
            modes: c.meeting_modes.iter().fold(0, |m, t| m | 1 << *t as u8),
            stage: stage_rank(c.career_stage),
            stage_bit: 1 << c.career_stage as u8,
            supported_stages: c.mentee_stages.iter().fold(0, |m, s| m | 1 << *s as u8),
            region: self.id(&c.region),
            employer: self.id(&c.employer),
            interests: self.tags(&c.interests),
            identity: self.tags(&c.identity_tags),
            identity_consent: c.identity_consent,
            preference: c.matching_preference,
        }
    }
}

/// How many ids two sorted lists share.
fn shared(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// `MAX_CRITERION_SCORE × shared / wanted` (rounded down; 0 when nothing
/// is wanted) for up to 16 library types: a lookup instead of a division
/// for each of millions of pairs.
const LIBRARY_SHARE: [[i64; 17]; 17] = {
    let mut table = [[0; 17]; 17];
    let mut wanted = 1;
    while wanted <= 16 {
        let mut shared = 0;
        while shared <= 16 {
            table[wanted][shared] = MAX_CRITERION_SCORE * shared as i64 / wanted as i64;
            shared += 1;
        }
        wanted += 1;
    }
    table
};

/// The run's rules and weights, ready for many pairs.
pub(crate) struct PairJudge {
    combined: CombinedTable,
    allow_same_employer: bool,
    never: HashSet<(Uuid, Uuid)>,
}

impl PairJudge {
    pub(crate) fn new(params: &RunParams, table: &WeightTable) -> Self {
        Self {
            combined: CombinedTable::new(table, params.preference_balance),
            allow_same_employer: params.allow_same_employer,
            never: params
                .never_pair
                .iter()
                .map(|p| (p.mentor_application_id, p.mentee_application_id))
                .collect(),
        }
    }

    /// The first hard rule the pair breaks, in [`RuleBroken::ALL`] order,
    /// exactly as [`broken_rules`](super::rules::broken_rules) finds it.
    pub(crate) fn first_broken(&self, mentor: &Profile, mentee: &Profile) -> Option<RuleBroken> {
        const IN_PERSON: u8 = 1 << MeetingMode::InPerson as u8;
        if !(mentor.is_mentor && mentee.is_mentee) {
            return Some(RuleBroken::Role);
        }
        if mentor.member_id == mentee.member_id {
            return Some(RuleBroken::SameMember);
        }
        if !(mentor.accepted && mentee.accepted) {
            return Some(RuleBroken::NotAccepted);
        }
        if !self.never.is_empty()
            && self
                .never
                .contains(&(mentor.application_id, mentee.application_id))
        {
            return Some(RuleBroken::NeverPair);
        }
        if mentor.capacity == 0 {
            return Some(RuleBroken::Capacity);
        }
        let common = mentor.modes & mentee.modes;
        if common == 0 {
            return Some(RuleBroken::MeetingModes);
        }
        if common == IN_PERSON && !same_known(mentor.region, mentee.region) {
            return Some(RuleBroken::Region);
        }
        if !self.allow_same_employer && same_known(mentor.employer, mentee.employer) {
            return Some(RuleBroken::SameEmployer);
        }
        None
    }

    /// The pair's total score, exactly as
    /// [`score_pair`](super::score::score_pair) computes it.
    pub(crate) fn score(&self, mentor: &Profile, mentee: &Profile) -> i64 {
        let w: &Weights = self.combined.get(mentor.preference, mentee.preference);
        let wanted = mentee.library_types.count_ones() as usize;
        let shared = (mentor.library_types & mentee.library_types).count_ones() as usize;
        let library_types = LIBRARY_SHARE[wanted][shared];
        let interests = match mentor.interests.shared(&mentee.interests) {
            0 => 0,
            1 => 4,
            2 => 7,
            _ => 10,
        };
        let career_stage = match mentor.stage - mentee.stage {
            1 | 2 => 10,
            3 => 8,
            0 => 3,
            _ => 0,
        };
        let identity = if mentor.identity_consent && mentee.identity_consent {
            match mentor.identity.shared(&mentee.identity) {
                0 => 0,
                1 => 8,
                _ => 10,
            }
        } else {
            0
        };
        let region = if same_known(mentor.region, mentee.region) {
            MAX_CRITERION_SCORE
        } else {
            0
        };
        let meeting_modes = match (mentor.modes & mentee.modes).count_ones() {
            0 => 0,
            1 => 6,
            _ => MAX_CRITERION_SCORE,
        };
        let supported_stage = if mentor.supported_stages & mentee.stage_bit != 0 {
            MAX_CRITERION_SCORE
        } else {
            0
        };
        w.library_types * library_types
            + w.interests * interests
            + w.career_stage * career_stage
            + w.identity * identity
            + w.region * region
            + w.meeting_modes * meeting_modes
            + w.supported_stage * supported_stage
    }
}

fn same_known(a: u32, b: u32) -> bool {
    a != 0 && a == b
}
