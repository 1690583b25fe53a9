//! Scoring a possible pair: seven criteria, each scored 0–10, weighted by
//! both people's matching preferences (see [`super::balance`]). Integers
//! only, so results are exact.
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::balance::{PairWeights, PreferenceBalance};
use super::input::{Candidate, words};
use super::rules::{common_modes, same_region};
use super::weights::WeightTable;
use crate::domain::application::{CareerStage, MeetingMode, normalize_tags};

/// The six things a pair is scored on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CriterionName {
    LibraryTypes,
    Interests,
    CareerStage,
    Identity,
    Region,
    MeetingModes,
    /// The mentee's career stage is one the mentor would most like to
    /// support.
    SupportedStage,
}

impl CriterionName {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::LibraryTypes => "library_types",
            Self::Interests => "interests",
            Self::CareerStage => "career_stage",
            Self::Identity => "identity",
            Self::Region => "region",
            Self::MeetingModes => "meeting_modes",
            Self::SupportedStage => "supported_stage",
        }
    }
}

impl std::fmt::Display for CriterionName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

pub const LIBRARY_TYPES: CriterionName = CriterionName::LibraryTypes;
pub const INTERESTS: CriterionName = CriterionName::Interests;
pub const CAREER_STAGE: CriterionName = CriterionName::CareerStage;
pub const IDENTITY: CriterionName = CriterionName::Identity;
pub const REGION: CriterionName = CriterionName::Region;
pub const MEETING_MODES: CriterionName = CriterionName::MeetingModes;
pub const SUPPORTED_STAGE: CriterionName = CriterionName::SupportedStage;
/// What a redacted identity criterion says instead of its detail.
pub const REDACTED_DETAIL: &str = "identity details are visible to the committee only";
/// The highest score one criterion can give.
pub const MAX_CRITERION_SCORE: i64 = 10;

/// One line of a pair's explanation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Criterion {
    /// `library_types`, `interests`, `career_stage`, `identity`, `region`,
    /// `meeting_modes` or `supported_stage`.
    pub criterion: CriterionName,
    /// The combined weight: the mentee's and the mentor's weights mixed in
    /// the run's `preference_balance`, rounded to a whole number.
    pub weight: i64,
    /// The weight from the mentor's preference row; null in a breakdown
    /// stored before the mentor's preference counted.
    #[serde(default)]
    #[schema(required = true)]
    pub mentor_weight: Option<i64>,
    /// The weight from the mentee's preference row; null in a breakdown
    /// stored before the mentor's preference counted.
    #[serde(default)]
    #[schema(required = true)]
    pub mentee_weight: Option<i64>,
    /// 0–10 before weighting.
    pub score: i64,
    /// What the pair shares, in words ("both academic; shared interests:
    /// instruction"). Identity details appear only when both consented.
    pub detail: String,
}

impl Criterion {
    /// The same line with identity text hidden; score and weight are kept.
    pub fn redacted(&self) -> Criterion {
        let mut c = self.clone();
        if c.criterion == IDENTITY {
            c.detail = REDACTED_DETAIL.into();
        }
        c
    }
}

/// A breakdown safe to show beyond the committee.
pub fn redact(breakdown: &[Criterion]) -> Vec<Criterion> {
    breakdown.iter().map(Criterion::redacted).collect()
}

/// "both academic; shared interests: instruction, outreach": the details of
/// the criteria that scored.
pub fn summarize(breakdown: &[Criterion]) -> String {
    let parts: Vec<&str> = breakdown
        .iter()
        .filter(|c| c.score > 0)
        .map(|c| c.detail.as_str())
        .collect();
    parts.join("; ")
}

/// Scores a pair (assumed feasible) with both preferences counting
/// equally (the default balance).
pub fn score_pair(
    mentor: &Candidate,
    mentee: &Candidate,
    table: &WeightTable,
) -> (i64, Vec<Criterion>) {
    score_pair_balanced(mentor, mentee, table, PreferenceBalance::default())
}

/// Scores a pair (assumed feasible): each criterion's weight mixes the
/// mentor's and the mentee's preference rows in `balance`.
pub fn score_pair_balanced(
    mentor: &Candidate,
    mentee: &Candidate,
    table: &WeightTable,
    balance: PreferenceBalance,
) -> (i64, Vec<Criterion>) {
    let pw = PairWeights::new(
        table,
        balance,
        mentor.matching_preference,
        mentee.matching_preference,
    );
    let sides = pw.mentor.named().into_iter().zip(pw.mentee.named());
    let raw = [
        library_types(mentor, mentee),
        interests(mentor, mentee),
        career_stage(mentor, mentee),
        identity(mentor, mentee),
        region(mentor, mentee),
        meeting_modes(mentor, mentee),
        supported_stage(mentor, mentee),
    ];
    let breakdown: Vec<Criterion> = pw
        .combined
        .named()
        .into_iter()
        .zip(sides)
        .zip(raw)
        .map(
            |(((criterion, weight), ((_, mentor_w), (_, mentee_w))), (score, detail))| Criterion {
                criterion,
                weight,
                mentor_weight: Some(mentor_w),
                mentee_weight: Some(mentee_w),
                score,
                detail,
            },
        )
        .collect();
    let total = breakdown.iter().map(|c| c.weight * c.score).sum();
    (total, breakdown)
}

fn list<T: AsRef<str>>(items: &[T]) -> String {
    items
        .iter()
        .map(|s| words(s.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Share of the mentee's target library types the mentor has worked in.
fn library_types(mentor: &Candidate, mentee: &Candidate) -> (i64, String) {
    let wanted: Vec<_> = crate::domain::application::normalize_set(&mentee.library_types);
    if wanted.is_empty() {
        return (0, "mentee named no library type".into());
    }
    let shared: Vec<&str> = wanted
        .iter()
        .filter(|t| mentor.library_types.contains(t))
        .map(|t| t.as_str())
        .collect();
    if shared.is_empty() {
        let names: Vec<&str> = wanted.iter().map(|t| t.as_str()).collect();
        return (
            0,
            format!("mentor has no {} experience", names.join(" or ")),
        );
    }
    let score = MAX_CRITERION_SCORE * shared.len() as i64 / wanted.len() as i64;
    (score, format!("both {}", list(&shared)))
}

fn shared_tags(a: &[String], b: &[String]) -> Vec<String> {
    let b = normalize_tags(b);
    let mut shared: Vec<String> = normalize_tags(a)
        .into_iter()
        .filter(|t| b.contains(t))
        .collect();
    shared.sort();
    shared
}

/// 1 shared interest → 4, 2 → 7, 3 or more → 10.
fn interests(mentor: &Candidate, mentee: &Candidate) -> (i64, String) {
    let shared = shared_tags(&mentor.interests, &mentee.interests);
    let score = match shared.len() {
        0 => 0,
        1 => 4,
        2 => 7,
        _ => 10,
    };
    if shared.is_empty() {
        (0, "no shared interests".into())
    } else {
        (score, format!("shared interests: {}", shared.join(", ")))
    }
}

/// student < early career = career changer < mid career < senior.
pub fn stage_rank(stage: CareerStage) -> i64 {
    match stage {
        CareerStage::Student => 0,
        CareerStage::EarlyCareer | CareerStage::CareerChanger => 1,
        CareerStage::MidCareer => 2,
        CareerStage::Senior => 3,
    }
}

/// Mentor one or two steps further along → 10, three → 8, same stage → 3,
/// mentor behind → 0.
fn career_stage(mentor: &Candidate, mentee: &Candidate) -> (i64, String) {
    let gap = stage_rank(mentor.career_stage) - stage_rank(mentee.career_stage);
    let (score, how) = match gap {
        1 | 2 => (10, "mentor further along"),
        3 => (8, "mentor much further along"),
        0 => (3, "same stage"),
        _ => (0, "mentor not further along"),
    };
    let detail = format!(
        "mentor {}, mentee {}: {how}",
        words(mentor.career_stage.as_str()),
        words(mentee.career_stage.as_str())
    );
    (score, detail)
}

/// Counts only when both consented: 1 shared tag → 8, 2 or more → 10.
fn identity(mentor: &Candidate, mentee: &Candidate) -> (i64, String) {
    if !(mentor.identity_consent && mentee.identity_consent) {
        return (0, "not used: both must consent to identity matching".into());
    }
    let shared = shared_tags(&mentor.identity_tags, &mentee.identity_tags);
    match shared.len() {
        0 => (0, "no shared identity".into()),
        n => (
            if n == 1 { 8 } else { 10 },
            format!("shared identity: {}", shared.join(", ")),
        ),
    }
}

fn region(mentor: &Candidate, mentee: &Candidate) -> (i64, String) {
    let (a, b) = (mentor.region.trim(), mentee.region.trim());
    if same_region(mentor, mentee) {
        (MAX_CRITERION_SCORE, format!("both in {a}"))
    } else if a.is_empty() || b.is_empty() {
        (0, "region unknown".into())
    } else {
        (0, format!("mentor in {a}, mentee in {b}"))
    }
}

/// The mentee's stage among those the mentor would most like to support
/// → 10; otherwise, or when the mentor named none, 0.
fn supported_stage(mentor: &Candidate, mentee: &Candidate) -> (i64, String) {
    let stage = words(mentee.career_stage.as_str());
    if mentor.mentee_stages.is_empty() {
        (0, "mentor named no mentee stage to support".into())
    } else if mentor.mentee_stages.contains(&mentee.career_stage) {
        (
            MAX_CRITERION_SCORE,
            format!("mentor would most like to support {stage} mentees"),
        )
    } else {
        (
            0,
            format!("mentor would rather support other stages than {stage}"),
        )
    }
}

/// Both modes in common → 10, one → 6.
fn meeting_modes(mentor: &Candidate, mentee: &Candidate) -> (i64, String) {
    let common = common_modes(mentor, mentee);
    match common.as_slice() {
        [] => (0, "no common meeting mode".into()),
        [one] if *one == MeetingMode::Online => (6, "both can meet online".into()),
        [_] => (6, "both can meet in person".into()),
        _ => (
            MAX_CRITERION_SCORE,
            "both can meet online or in person".into(),
        ),
    }
}
