//! Request and response bodies of the meeting log.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::api::double_option;
use crate::domain::meeting::{MeetingChanges, MeetingFields, MeetingMode, MeetingStatus};
use crate::service::meetings::Meeting;

/// One meeting of a match's log, as a partner sees it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "7d1e2f3a-4b5c-4d6e-8f90-a1b2c3d4e5f6", "match_id": "c3d1e2f4-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
    "author_id": "2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d", "held_on": "2024-11-05",
    "status": "held", "mode": "online", "duration_minutes": 60,
    "topics": ["Goals for the partnership", "Cover letters"],
    "shared_notes": "Agreed to review two job postings before next month.",
    "private_notes": null,
    "created_at": "2024-11-05T19:02:11Z", "updated_at": "2024-11-05T19:02:11Z"
}))]
pub struct MeetingDto {
    pub id: Uuid,
    pub match_id: Uuid,
    /// The partner who recorded it.
    pub author_id: Uuid,
    /// The day it took place (`held`) or is planned for (`planned`).
    pub held_on: NaiveDate,
    pub status: MeetingStatus,
    pub mode: MeetingMode,
    pub duration_minutes: i32,
    /// What it covered: free text or resource titles.
    pub topics: Vec<String>,
    /// Notes both partners see; null when none.
    #[schema(required = true)]
    pub shared_notes: Option<String>,
    /// The author's own notes: null for anyone but the author.
    #[schema(required = true)]
    pub private_notes: Option<String>,
    #[serde(serialize_with = "crate::api::instant::serialize")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::api::instant::serialize")]
    pub updated_at: DateTime<Utc>,
}

impl From<Meeting> for MeetingDto {
    fn from(m: Meeting) -> Self {
        Self {
            id: m.id,
            match_id: m.match_id,
            author_id: m.author_id,
            held_on: m.held_on,
            status: m.status,
            mode: m.mode,
            duration_minutes: m.duration_minutes,
            topics: m.topics.0,
            shared_notes: m.shared_notes,
            private_notes: m.private_notes,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// A meeting to record. A `held` meeting's date is not in the future and
/// lies within the match's period (the cycle's mentoring start to its end
/// or the match's extension); a `planned` one is today or later, up to the
/// period's end.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "held_on": "2024-11-05", "status": "held", "mode": "online", "duration_minutes": 60,
    "topics": ["Goals for the partnership"], "shared_notes": "Agreed on monthly calls.",
    "private_notes": "Ask about the conference next time."
}))]
pub struct NewMeetingRequest {
    /// `YYYY-MM-DD`.
    #[validate(custom(function = "crate::domain::dates::plausible"))]
    #[schema(pattern = r"^(19|2[0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}$")]
    pub held_on: NaiveDate,
    pub status: MeetingStatus,
    pub mode: MeetingMode,
    /// 5 to 480 minutes.
    #[schema(minimum = 5, maximum = 480)]
    pub duration_minutes: i32,
    /// Up to 20 topics of at most 100 characters each, stored trimmed;
    /// blank ones are dropped. Default none.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub topics: Vec<String>,
    /// Notes both partners see, at most 10,000 characters; blank is none.
    #[schema(max_length = 10000)]
    pub shared_notes: Option<String>,
    /// Notes only you will ever see, at most 10,000 characters; blank is none.
    #[schema(max_length = 10000)]
    pub private_notes: Option<String>,
}

impl From<NewMeetingRequest> for MeetingFields {
    fn from(b: NewMeetingRequest) -> Self {
        Self {
            held_on: b.held_on,
            status: b.status,
            mode: b.mode,
            duration_minutes: b.duration_minutes,
            topics: b.topics,
            shared_notes: b.shared_notes,
            private_notes: b.private_notes,
        }
    }
}

/// A change to a meeting: only the fields sent change. Changing the date or
/// status checks the date rules again; the notes' `null` clears them.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "held", "duration_minutes": 45, "shared_notes": "Went well."}))]
pub struct MeetingPatch {
    /// `YYYY-MM-DD`.
    #[validate(custom(function = "crate::domain::dates::plausible"))]
    #[schema(pattern = r"^(19|2[0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}$")]
    pub held_on: Option<NaiveDate>,
    pub status: Option<MeetingStatus>,
    pub mode: Option<MeetingMode>,
    /// 5 to 480 minutes.
    #[schema(minimum = 5, maximum = 480)]
    pub duration_minutes: Option<i32>,
    /// Replaces the topics: up to 20 of at most 100 characters each.
    #[schema(max_items = 20)]
    pub topics: Option<Vec<String>>,
    /// At most 10,000 characters; `null` or blank clears them.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, max_length = 10000)]
    pub shared_notes: Option<Option<String>>,
    /// At most 10,000 characters; `null` or blank clears them.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, max_length = 10000)]
    pub private_notes: Option<Option<String>>,
}

impl From<MeetingPatch> for MeetingChanges {
    fn from(b: MeetingPatch) -> Self {
        Self {
            held_on: b.held_on,
            status: b.status,
            mode: b.mode,
            duration_minutes: b.duration_minutes,
            topics: b.topics,
            shared_notes: b.shared_notes,
            private_notes: b.private_notes,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeetingFilter {
    /// Only meetings in this status.
    pub status: Option<MeetingStatus>,
}
