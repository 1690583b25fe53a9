//! The partnership agreement of a published match: the cycle's template
//! (sections with prompts, the shipped default when the committee set
//! none), the pair's answers merged into it, the rule that an edit after a
//! signature clears both signatures, signing, and who may read what.
use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::FieldError;
use super::access::{Access, Actor, Denied};
use super::application::ApplicationRole;
use super::matches::MatchStatus;

/// Sections in a template: at least one, at most this many.
pub const MAX_SECTIONS: usize = 20;
/// A section key's length at most (`^[a-z][a-z0-9_]{0,39}$`).
pub const KEY_MAX_CHARS: usize = 40;
pub const TITLE_MAX_CHARS: usize = 200;
pub const PROMPT_MAX_CHARS: usize = 2000;
/// One answer's length at most.
pub const ANSWER_MAX_CHARS: usize = 5000;
/// The pattern a section key must match.
pub const KEY_PATTERN: &str = "^[a-z][a-z0-9_]{0,39}$";

/// One section of an agreement: a stable key the answers refer to, a title
/// and the prompt that guides the pair's conversation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub key: String,
    pub title: String,
    pub prompt: String,
}

fn section(key: &str, title: &str, prompt: &str) -> Section {
    Section {
        key: key.to_owned(),
        title: title.to_owned(),
        prompt: prompt.to_owned(),
    }
}

/// The template a cycle uses until the committee sets its own: the topics
/// the program asks every pair to agree on.
pub fn default_sections() -> Vec<Section> {
    vec![
        section(
            "communication_styles",
            "Communication styles",
            "How does each of you like to communicate and give or receive feedback?",
        ),
        section(
            "goals",
            "Goals for the partnership",
            "What does the mentee want to learn or achieve over the six months, and how will you know?",
        ),
        section(
            "mode_and_channel",
            "Preferred mode and channel of communication",
            "Online or in person? Email, phone, video or chat, and how quickly do you expect a reply?",
        ),
        section(
            "meeting_frequency",
            "Meeting frequency and usual time",
            "The program expects a meeting once a month for six months. How often and when will you meet?",
        ),
        section(
            "confidentiality",
            "Confidentiality",
            "What stays between you, and what may either of you share with others?",
        ),
        section(
            "concerns_and_ending",
            "Raising a concern or ending early",
            "How will either of you raise a concern, and how may either end the partnership early?",
        ),
    ]
}

/// Whether `key` matches `^[a-z][a-z0-9_]{0,39}$`.
pub fn is_valid_key(key: &str) -> bool {
    let mut chars = key.chars();
    matches!(chars.next(), Some('a'..='z'))
        && key.len() <= KEY_MAX_CHARS
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

/// Checks a template the committee sends: 1–20 sections, each key valid and
/// unique, a title of 1–200 characters (not blank), a prompt of at most
/// 2,000. Every problem is named by its field (`sections.2.key`). Returns the
/// sections with titles and prompts trimmed.
pub fn check_template(sections: Vec<Section>) -> Result<Vec<Section>, Vec<FieldError>> {
    let mut errors = Vec::new();
    if sections.is_empty() || sections.len() > MAX_SECTIONS {
        errors.push(FieldError::new(
            "sections",
            "length",
            format!("must hold between 1 and {MAX_SECTIONS} sections"),
        ));
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(sections.len());
    for (i, s) in sections.into_iter().enumerate() {
        let field = |name: &str| format!("sections.{i}.{name}");
        if !is_valid_key(&s.key) {
            errors.push(FieldError::new(
                field("key"),
                "pattern",
                format!("must match {KEY_PATTERN}"),
            ));
        } else if !seen.insert(s.key.clone()) {
            errors.push(FieldError::new(
                field("key"),
                "unique",
                format!("the key {} is used by an earlier section", s.key),
            ));
        }
        let title = s.title.trim();
        if title.is_empty() || title.chars().count() > TITLE_MAX_CHARS {
            errors.push(FieldError::new(
                field("title"),
                "length",
                format!("must be between 1 and {TITLE_MAX_CHARS} characters, not blank"),
            ));
        }
        let prompt = s.prompt.trim();
        if prompt.chars().count() > PROMPT_MAX_CHARS {
            errors.push(FieldError::new(
                field("prompt"),
                "length",
                format!("must be at most {PROMPT_MAX_CHARS} characters"),
            ));
        }
        out.push(Section {
            key: s.key,
            title: title.to_owned(),
            prompt: prompt.to_owned(),
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The pair's answers, by section key.
pub type Answers = BTreeMap<String, String>;

/// The answers after an edit, and whether any of them changed.
#[derive(Debug, PartialEq, Eq)]
pub struct Merged {
    pub answers: Answers,
    pub changed: bool,
}

/// Merges the answers a partner sends into the current ones: each key sent
/// replaces its answer (`""` clears it), keys not sent keep theirs. A key
/// that is not a section of the agreement (`answers.<key>`, `unknown`) or an
/// answer over 5,000 characters (`length`) is refused.
pub fn merge(
    sections: &[Section],
    current: &Answers,
    incoming: Answers,
) -> Result<Merged, Vec<FieldError>> {
    let keys: BTreeSet<&str> = sections.iter().map(|s| s.key.as_str()).collect();
    let mut errors = Vec::new();
    let mut answers = current.clone();
    answers.retain(|k, _| keys.contains(k.as_str()));
    for (key, text) in incoming {
        if !keys.contains(key.as_str()) {
            errors.push(FieldError::new(
                format!("answers.{key}"),
                "unknown",
                "is not a section of this agreement",
            ));
            continue;
        }
        if text.chars().count() > ANSWER_MAX_CHARS {
            errors.push(FieldError::new(
                format!("answers.{key}"),
                "length",
                format!("must be at most {ANSWER_MAX_CHARS} characters"),
            ));
            continue;
        }
        if text.is_empty() {
            answers.remove(&key);
        } else {
            answers.insert(key, text);
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let changed = answers != *current;
    Ok(Merged { answers, changed })
}

/// When each partner signed the current version; none once it changes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Signatures {
    pub mentor_signed_at: Option<DateTime<Utc>>,
    pub mentee_signed_at: Option<DateTime<Utc>>,
}

impl Signatures {
    /// Both partners signed: the agreement is complete.
    pub fn complete(&self) -> bool {
        self.mentor_signed_at.is_some() && self.mentee_signed_at.is_some()
    }

    pub fn any(&self) -> bool {
        self.mentor_signed_at.is_some() || self.mentee_signed_at.is_some()
    }

    /// The signatures after an edit: a change to any answer clears both
    /// (they signed other words); an edit that changes no answer keeps them.
    pub fn after_edit(self, answers_changed: bool) -> Self {
        if answers_changed {
            Self::default()
        } else {
            self
        }
    }

    /// `role` signs at `at`; signing twice at the same version is refused.
    pub fn sign(self, role: ApplicationRole, at: DateTime<Utc>) -> Result<Self, String> {
        let mut next = self;
        let slot = match role {
            ApplicationRole::Mentor => &mut next.mentor_signed_at,
            ApplicationRole::Mentee => &mut next.mentee_signed_at,
        };
        if slot.is_some() {
            return Err(format!(
                "the {} has already signed this version of the agreement",
                role.as_str()
            ));
        }
        *slot = Some(at);
        Ok(next)
    }
}

/// Who is reading a match's agreement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Viewer {
    /// One of the two partners, in their role.
    Partner(ApplicationRole),
    /// The committee, who is not a partner: signatures and dates, and the
    /// answers only when the pair shares them.
    Committee,
}

/// The people of a match, as the agreement's rules see it.
#[derive(Clone, Copy, Debug)]
pub struct Pair {
    pub status: MatchStatus,
    pub mentor_member_id: Uuid,
    pub mentee_member_id: Uuid,
}

const WHAT: &str = "agreement";

/// Who `actor` is to this match's agreement. A match that is not published
/// (proposed, approved, cancelled) has none; anyone but the partners and
/// the committee is told there is none.
pub fn viewer(actor: &Actor, pair: Pair) -> Result<Viewer, Denied> {
    if !pair.status.is_published() {
        return Err(Denied::Hidden(WHAT));
    }
    if actor.id == pair.mentor_member_id {
        Ok(Viewer::Partner(ApplicationRole::Mentor))
    } else if actor.id == pair.mentee_member_id {
        Ok(Viewer::Partner(ApplicationRole::Mentee))
    } else if actor.is_committee() {
        Ok(Viewer::Committee)
    } else {
        Err(Denied::Hidden(WHAT))
    }
}

/// Only the partners edit and sign; the committee may read at most.
pub fn may_write(viewer: Viewer) -> Result<ApplicationRole, Denied> {
    match viewer {
        Viewer::Partner(role) => Ok(role),
        Viewer::Committee => Err(Denied::Forbidden(
            "only the two partners edit and sign their agreement",
        )),
    }
}

/// The agreement changes (edits, signatures) only while the match is
/// active; a completed or ended match's agreement is its record.
pub fn editable(status: MatchStatus) -> Result<(), String> {
    if status == MatchStatus::Active {
        Ok(())
    } else {
        Err(format!(
            "the match is {}: its agreement can no longer change",
            status.as_str()
        ))
    }
}

/// Whether the viewer reads the answers: the partners always, the
/// committee only when the pair shares the agreement with it.
pub fn sees_answers(viewer: Viewer, shared_with_committee: bool) -> bool {
    matches!(viewer, Viewer::Partner(_)) || shared_with_committee
}

/// The saved versions hold the answers, so they follow `sees_answers`; the
/// committee is told there are none unless the pair shares them.
pub fn may_read_versions(viewer: Viewer, shared_with_committee: bool) -> Access {
    if sees_answers(viewer, shared_with_committee) {
        Ok(())
    } else {
        Err(Denied::Hidden(WHAT))
    }
}

#[cfg(test)]
mod tests;
