//! Request and response bodies of `/cycles`.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::domain::cycle::{CycleChanges, CycleDates, CycleStatus, NewCycle};
use crate::service::cycles::Cycle;

/// A mentorship cycle ("2024-2025").
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "6a1c2f0e-3b9d-4c57-8e21-5d0f7a9b1c34", "name": "2024-2025",
    "description": "Six months of mentoring for WLA members.", "status": "open",
    "applications_open_at": "2024-09-01T00:00:00Z", "applications_close_at": "2024-09-30T23:59:59Z",
    "match_by": "2024-10-15", "mentoring_starts_on": "2024-10-15", "mentoring_ends_on": "2025-04-15",
    "evaluation_closes_on": "2025-05-15", "meetings_expected": 6,
    "created_at": "2024-08-12T17:03:11Z", "updated_at": "2024-09-01T00:00:00Z"
}))]
pub struct CycleDto {
    pub id: Uuid,
    #[schema(example = "2024-2025")]
    pub name: String,
    /// Free text about the cycle for applicants; may be empty.
    pub description: String,
    pub status: CycleStatus,
    /// When applications are announced to open (RFC 3339, UTC). The dates
    /// inform; whether members may apply follows `status` (`open`).
    #[schema(example = "2024-09-01T00:00:00Z")]
    #[serde(serialize_with = "crate::api::instant::serialize")]
    pub applications_open_at: DateTime<Utc>,
    /// When applications are announced to close (RFC 3339, UTC).
    #[schema(example = "2024-09-30T23:59:59Z")]
    #[serde(serialize_with = "crate::api::instant::serialize")]
    pub applications_close_at: DateTime<Utc>,
    /// Target date for publishing matches.
    #[schema(example = "2024-10-15")]
    pub match_by: NaiveDate,
    /// First day of mentoring; edits to the cycle stop once it is `active`.
    #[schema(example = "2024-10-15")]
    pub mentoring_starts_on: NaiveDate,
    /// Last day of mentoring; a match may be extended beyond it.
    #[schema(example = "2025-04-15")]
    pub mentoring_ends_on: NaiveDate,
    /// Last day for mentors and mentees to send their evaluations.
    #[schema(example = "2025-05-15")]
    pub evaluation_closes_on: NaiveDate,
    /// Meetings each pair is expected to hold (one a month for six months).
    #[schema(example = 6)]
    pub meetings_expected: i32,
    #[serde(serialize_with = "crate::api::instant::serialize")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::api::instant::serialize")]
    pub updated_at: DateTime<Utc>,
}

impl From<Cycle> for CycleDto {
    fn from(c: Cycle) -> Self {
        Self {
            id: c.id,
            status: c.status,
            name: c.name,
            description: c.description,
            applications_open_at: c.applications_open_at,
            applications_close_at: c.applications_close_at,
            match_by: c.match_by,
            mentoring_starts_on: c.mentoring_starts_on,
            mentoring_ends_on: c.mentoring_ends_on,
            evaluation_closes_on: c.evaluation_closes_on,
            meetings_expected: c.meetings_expected,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// A new cycle. Dates must satisfy applications_open_at <
/// applications_close_at ≤ match_by ≤ mentoring_starts_on <
/// mentoring_ends_on ≤ evaluation_closes_on (an instant is compared to a
/// date by its UTC day).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "2024-2025",
    "description": "Six months of mentoring for WLA members.",
    "applications_open_at": "2024-09-01T00:00:00Z",
    "applications_close_at": "2024-09-30T23:59:59Z",
    "match_by": "2024-10-15",
    "mentoring_starts_on": "2024-10-15",
    "mentoring_ends_on": "2025-04-15",
    "evaluation_closes_on": "2025-05-15",
    "meetings_expected": 6
}))]
pub struct CreateCycleRequest {
    /// Unique among cycles; trimmed, and must not be blank.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// Free text about the cycle for applicants; default empty.
    #[serde(default)]
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub description: String,
    /// RFC 3339 instant, e.g. `2024-09-01T00:00:00Z`.
    #[validate(custom(function = "crate::domain::dates::plausible"))]
    #[schema(pattern = r"^(19|2[0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}T")]
    #[serde(serialize_with = "crate::api::instant::serialize")]
    pub applications_open_at: DateTime<Utc>,
    /// RFC 3339 instant, after `applications_open_at`.
    #[validate(custom(function = "crate::domain::dates::plausible"))]
    #[schema(pattern = r"^(19|2[0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}T")]
    #[serde(serialize_with = "crate::api::instant::serialize")]
    pub applications_close_at: DateTime<Utc>,
    /// Target date for publishing matches (`YYYY-MM-DD`), on or after the
    /// day applications close.
    #[validate(custom(function = "crate::domain::dates::plausible"))]
    #[schema(pattern = r"^(19|2[0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}$")]
    pub match_by: NaiveDate,
    /// First day of mentoring, on or after `match_by`.
    #[validate(custom(function = "crate::domain::dates::plausible"))]
    #[schema(pattern = r"^(19|2[0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}$")]
    pub mentoring_starts_on: NaiveDate,
    /// Last day of mentoring, after `mentoring_starts_on`.
    #[validate(custom(function = "crate::domain::dates::plausible"))]
    #[schema(pattern = r"^(19|2[0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}$")]
    pub mentoring_ends_on: NaiveDate,
    /// Last day for evaluations, on or after `mentoring_ends_on`.
    #[validate(custom(function = "crate::domain::dates::plausible"))]
    #[schema(pattern = r"^(19|2[0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}$")]
    pub evaluation_closes_on: NaiveDate,
    /// Meetings each pair is expected to hold, 1 to 52; default 6.
    #[serde(default = "default_meetings")]
    #[validate(range(min = 1, max = 52))]
    #[schema(minimum = 1, maximum = 52, default = 6)]
    pub meetings_expected: i32,
}

fn default_meetings() -> i32 {
    6
}

/// Changes to a cycle, allowed until mentoring starts (while it is `draft`,
/// `open` or `matching`). Omitted fields stay; the resulting dates must
/// still be in order, as for a new cycle.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"applications_close_at": "2024-10-04T23:59:59Z", "match_by": "2024-10-18", "mentoring_starts_on": "2024-10-18"}))]
pub struct UpdateCycleRequest {
    /// Unique among cycles; trimmed, and must not be blank.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    #[validate(custom(function = "crate::domain::dates::plausible"))]
    #[schema(pattern = r"^(19|2[0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}T")]
    #[serde(serialize_with = "crate::api::instant::option")]
    pub applications_open_at: Option<DateTime<Utc>>,
    #[validate(custom(function = "crate::domain::dates::plausible"))]
    #[schema(pattern = r"^(19|2[0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}T")]
    #[serde(serialize_with = "crate::api::instant::option")]
    pub applications_close_at: Option<DateTime<Utc>>,
    #[validate(custom(function = "crate::domain::dates::plausible"))]
    #[schema(pattern = r"^(19|2[0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}$")]
    pub match_by: Option<NaiveDate>,
    #[validate(custom(function = "crate::domain::dates::plausible"))]
    #[schema(pattern = r"^(19|2[0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}$")]
    pub mentoring_starts_on: Option<NaiveDate>,
    #[validate(custom(function = "crate::domain::dates::plausible"))]
    #[schema(pattern = r"^(19|2[0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}$")]
    pub mentoring_ends_on: Option<NaiveDate>,
    #[validate(custom(function = "crate::domain::dates::plausible"))]
    #[schema(pattern = r"^(19|2[0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}$")]
    pub evaluation_closes_on: Option<NaiveDate>,
    /// Meetings each pair is expected to hold, 1 to 52.
    #[validate(range(min = 1, max = 52))]
    #[schema(minimum = 1, maximum = 52)]
    pub meetings_expected: Option<i32>,
}

/// The status to move the cycle to.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"to": "open"}))]
pub struct TransitionRequest {
    /// One of the statuses the cycle's current status may move to.
    pub to: CycleStatus,
}

impl From<CreateCycleRequest> for NewCycle {
    fn from(b: CreateCycleRequest) -> Self {
        Self {
            name: b.name,
            description: b.description,
            dates: CycleDates {
                applications_open_at: b.applications_open_at,
                applications_close_at: b.applications_close_at,
                match_by: b.match_by,
                mentoring_starts_on: b.mentoring_starts_on,
                mentoring_ends_on: b.mentoring_ends_on,
                evaluation_closes_on: b.evaluation_closes_on,
            },
            meetings_expected: b.meetings_expected,
        }
    }
}

impl From<UpdateCycleRequest> for CycleChanges {
    fn from(b: UpdateCycleRequest) -> Self {
        Self {
            name: b.name,
            description: b.description,
            applications_open_at: b.applications_open_at,
            applications_close_at: b.applications_close_at,
            match_by: b.match_by,
            mentoring_starts_on: b.mentoring_starts_on,
            mentoring_ends_on: b.mentoring_ends_on,
            evaluation_closes_on: b.evaluation_closes_on,
            meetings_expected: b.meetings_expected,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CycleListFilter {
    /// Only cycles in this status.
    pub status: Option<CycleStatus>,
}
