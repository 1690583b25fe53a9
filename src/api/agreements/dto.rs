//! Request and response bodies of agreements and their templates.
use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::domain::agreement::Section;
use crate::service::agreements::{AgreementVersion, AgreementView, Edit, TemplateView};

/// One section of a template: its key (what answers refer to), title and
/// prompt.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "key": "goals", "title": "Goals for the partnership",
    "prompt": "What does the mentee want to learn or achieve over the six months, and how will you know?"
}))]
pub struct SectionDto {
    /// Unique within the template; `^[a-z][a-z0-9_]{0,39}$`.
    #[schema(pattern = "^[a-z][a-z0-9_]{0,39}$", max_length = 40)]
    pub key: String,
    /// 1–200 characters, stored trimmed, not blank.
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// At most 2,000 characters, stored trimmed; may be empty.
    #[schema(max_length = 2000)]
    #[serde(default)]
    pub prompt: String,
}

impl From<Section> for SectionDto {
    fn from(s: Section) -> Self {
        Self {
            key: s.key,
            title: s.title,
            prompt: s.prompt,
        }
    }
}

impl From<SectionDto> for Section {
    fn from(s: SectionDto) -> Self {
        Self {
            key: s.key,
            title: s.title,
            prompt: s.prompt,
        }
    }
}

/// A cycle's agreement template as it applies to agreements saved from now
/// on: the committee's, or the shipped default.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "cycle_id": "6a1c2f0e-3b9d-4c57-8e21-5d0f7a9b1c34",
    "sections": [
        {"key": "communication_styles", "title": "Communication styles",
         "prompt": "How does each of you like to communicate and give or receive feedback?"},
        {"key": "goals", "title": "Goals for the partnership",
         "prompt": "What does the mentee want to learn or achieve over the six months, and how will you know?"}
    ],
    "is_default": false,
    "updated_by": "0b6f3f8e-1c1a-4d6e-9a51-2f0c8f7d1e11",
    "updated_at": "2024-09-02T17:05:00Z"
}))]
pub struct AgreementTemplateDto {
    pub cycle_id: Uuid,
    pub sections: Vec<SectionDto>,
    /// True while the committee has not set the cycle's own template.
    pub is_default: bool,
    /// Who last set the template; null for the default.
    #[schema(required = true)]
    pub updated_by: Option<Uuid>,
    /// When the template was last set; null for the default.
    #[schema(required = true)]
    #[serde(serialize_with = "crate::api::instant::option")]
    pub updated_at: Option<DateTime<Utc>>,
}

impl From<TemplateView> for AgreementTemplateDto {
    fn from(t: TemplateView) -> Self {
        Self {
            cycle_id: t.cycle_id,
            sections: t.sections.into_iter().map(SectionDto::from).collect(),
            is_default: t.is_default,
            updated_by: t.updated_by,
            updated_at: t.updated_at,
        }
    }
}

/// The whole template, replacing the cycle's: 1–20 sections with unique
/// keys. A bad section is a 422 naming it (`sections.2.key`).
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct PutTemplateRequest {
    #[validate(length(min = 1, max = 20, message = "must hold between 1 and 20 sections"))]
    #[schema(min_items = 1, max_items = 20)]
    pub sections: Vec<SectionDto>,
}

/// One section of an agreement with the pair's answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgreementSectionDto {
    pub key: String,
    pub title: String,
    pub prompt: String,
    /// The pair's answer (`""` when not yet answered); null when the caller
    /// may not read it (the committee, unless the pair shares it).
    #[schema(required = true)]
    pub answer: Option<String>,
}

/// When each partner signed the current version; null until they do, and
/// again after an edit changes an answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignaturesDto {
    #[schema(required = true)]
    #[serde(serialize_with = "crate::api::instant::option")]
    pub mentor_signed_at: Option<DateTime<Utc>>,
    #[schema(required = true)]
    #[serde(serialize_with = "crate::api::instant::option")]
    pub mentee_signed_at: Option<DateTime<Utc>>,
}

/// A published match's partnership agreement.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "match_id": "c3d1e2f4-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
    "version": 3,
    "sections": [
        {"key": "goals", "title": "Goals for the partnership",
         "prompt": "What does the mentee want to learn or achieve over the six months, and how will you know?",
         "answer": "Build confidence leading instruction sessions; plan one workshop together."},
        {"key": "meeting_frequency", "title": "Meeting frequency and usual time",
         "prompt": "The program expects a meeting once a month for six months. How often and when will you meet?",
         "answer": "First Tuesday of the month, 4pm, on video."}
    ],
    "signatures": {"mentor_signed_at": "2024-10-29T18:12:00Z", "mentee_signed_at": "2024-10-30T09:40:00Z"},
    "complete": true,
    "shared_with_committee": false,
    "updated_by": "0b6f3f8e-1c1a-4d6e-9a51-2f0c8f7d1e11",
    "updated_at": "2024-10-28T20:03:11Z",
    "term": {"starts_on": "2024-10-15", "ends_on": "2025-04-15", "extended_until": null,
             "extension_reason": null, "ended_on": null}
}))]
pub struct AgreementDto {
    pub match_id: Uuid,
    /// The version to send back when saving; 0 before the first save.
    pub version: i32,
    pub sections: Vec<AgreementSectionDto>,
    pub signatures: SignaturesDto,
    /// Both partners have signed the current version.
    pub complete: bool,
    /// The pair lets the committee read the answers.
    pub shared_with_committee: bool,
    /// Who saved the current version; null before the first save.
    #[schema(required = true)]
    pub updated_by: Option<Uuid>,
    /// When the current version was saved; null before the first save.
    #[schema(required = true)]
    #[serde(serialize_with = "crate::api::instant::option")]
    pub updated_at: Option<DateTime<Utc>>,
    pub term: TermDto,
}

/// The partnership's term: the mentoring period, an extension with the
/// pair's reason, the day it ended.
#[derive(Debug, Serialize, ToSchema)]
pub struct TermDto {
    /// The first day of the mentoring period.
    pub starts_on: NaiveDate,
    /// The last day: the mentoring end, or the extension when later.
    pub ends_on: NaiveDate,
    /// The committee extended the partnership to this day; null when not.
    #[schema(required = true)]
    pub extended_until: Option<NaiveDate>,
    /// The pair's reason for the extension; null when none was given.
    #[schema(required = true)]
    pub extension_reason: Option<String>,
    /// The day the partnership was completed or ended early; null while it
    /// runs.
    #[schema(required = true)]
    pub ended_on: Option<NaiveDate>,
}

impl From<AgreementView> for AgreementDto {
    fn from(a: AgreementView) -> Self {
        Self {
            match_id: a.match_id,
            version: a.version,
            sections: a
                .sections
                .into_iter()
                .map(|s| AgreementSectionDto {
                    key: s.section.key,
                    title: s.section.title,
                    prompt: s.section.prompt,
                    answer: s.answer,
                })
                .collect(),
            complete: a.signatures.complete(),
            signatures: SignaturesDto {
                mentor_signed_at: a.signatures.mentor_signed_at,
                mentee_signed_at: a.signatures.mentee_signed_at,
            },
            shared_with_committee: a.shared_with_committee,
            updated_by: a.updated_by,
            updated_at: a.updated_at,
            term: TermDto {
                starts_on: a.term.starts_on,
                ends_on: a.term.ends_on,
                extended_until: a.term.extended_until,
                extension_reason: a.term.extension_reason,
                ended_on: a.term.ended_on,
            },
        }
    }
}

/// A partner's save.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "version": 2,
    "answers": {"meeting_frequency": "First Tuesday of the month, 4pm, on video."},
    "shared_with_committee": false
}))]
pub struct SaveAgreementRequest {
    /// The version you edited (`version` of the agreement you read; 0 for
    /// the first save). Any other is a 409 naming the current version.
    #[validate(range(min = 0, message = "must be at least 0"))]
    #[schema(minimum = 0)]
    pub version: i32,
    /// Answers by section key, each at most 5,000 characters: a key sent
    /// replaces its answer (`""` clears it), keys not sent keep theirs. A
    /// key that is not a section is a 422 naming `answers.<key>`.
    #[serde(default)]
    pub answers: BTreeMap<String, String>,
    /// Let the committee read the answers (either partner may set or
    /// unset it); unchanged when absent.
    pub shared_with_committee: Option<bool>,
}

impl From<SaveAgreementRequest> for Edit {
    fn from(b: SaveAgreementRequest) -> Self {
        Self {
            version: b.version,
            answers: b.answers,
            shared_with_committee: b.shared_with_committee,
        }
    }
}

/// One saved version of an agreement.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "version": 2,
    "answers": {"goals": "Build confidence leading instruction sessions."},
    "shared_with_committee": false,
    "updated_by": "5f1d2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b",
    "created_at": "2024-10-21T19:30:00Z"
}))]
pub struct AgreementVersionDto {
    pub version: i32,
    /// The answers as saved in this version, by section key.
    pub answers: BTreeMap<String, String>,
    pub shared_with_committee: bool,
    /// The partner who saved it.
    #[schema(required = true)]
    pub updated_by: Option<Uuid>,
    /// When it was saved.
    #[serde(serialize_with = "crate::api::instant::serialize")]
    pub created_at: DateTime<Utc>,
}

impl From<AgreementVersion> for AgreementVersionDto {
    fn from(v: AgreementVersion) -> Self {
        Self {
            version: v.version,
            answers: v.answers.0,
            shared_with_committee: v.shared_with_committee,
            updated_by: v.updated_by,
            created_at: v.created_at,
        }
    }
}
