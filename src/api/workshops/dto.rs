//! Request and response bodies of workshops, registrations, attendance and
//! calendar feeds.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::api::double_option;
use crate::domain::workshop::{
    RegistrationStatus, WorkshopAudience, WorkshopChanges, WorkshopFields, WorkshopFormat,
    WorkshopStatus,
};
use crate::service::workshops::attendance::CycleAttendance;
use crate::service::workshops::registration::RegistrationLine;
use crate::service::workshops::{Mine, WorkshopView};

/// The caller's place at a workshop.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"status": "waitlisted", "position": 3}))]
pub struct RegistrationDto {
    pub status: RegistrationStatus,
    /// On the waitlist: 1 for the first in line; null when registered.
    #[schema(required = true, minimum = 1)]
    pub position: Option<u64>,
}

impl From<Mine> for RegistrationDto {
    fn from(m: Mine) -> Self {
        Self {
            status: m.status,
            position: m.position,
        }
    }
}

/// A workshop as the caller sees it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0b6f3c1e-2d4a-4e5f-9a8b-7c6d5e4f3a2b", "title": "Peer coaching circle",
    "description": "Practise coaching conversations in small groups.",
    "facilitator": "Grace Hopper", "format": "online", "location": null,
    "join_url": "https://meet.example.org/peer-coaching",
    "starts_at": "2026-03-03T17:00:00Z", "ends_at": "2026-03-03T18:30:00Z",
    "capacity": 20, "registration_opens_at": null,
    "registration_closes_at": "2026-03-02T17:00:00Z",
    "audience": "members", "cycle_id": null, "status": "published",
    "registered_count": 12, "waitlist_count": 0, "sequence": 2,
    "my_registration": {"status": "registered", "position": null},
    "created_at": "2026-02-01T10:00:00Z", "updated_at": "2026-02-03T09:12:00Z"
}))]
pub struct WorkshopDto {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub facilitator: String,
    pub format: WorkshopFormat,
    #[schema(required = true)]
    pub location: Option<String>,
    /// The link to join: shown to registered people and the committee
    /// only, null for everyone else.
    #[schema(required = true)]
    pub join_url: Option<String>,
    #[serde(serialize_with = "crate::api::instant::serialize")]
    pub starts_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::api::instant::serialize")]
    pub ends_at: DateTime<Utc>,
    pub capacity: i32,
    /// Null: registration is open from publication.
    #[schema(required = true)]
    #[serde(serialize_with = "crate::api::instant::option")]
    pub registration_opens_at: Option<DateTime<Utc>>,
    /// Null: registration closes at the start.
    #[schema(required = true)]
    #[serde(serialize_with = "crate::api::instant::option")]
    pub registration_closes_at: Option<DateTime<Utc>>,
    pub audience: WorkshopAudience,
    /// The cycle whose participants it is for (audience `cycle`).
    #[schema(required = true)]
    pub cycle_id: Option<Uuid>,
    pub status: WorkshopStatus,
    pub registered_count: u64,
    pub waitlist_count: u64,
    /// The calendar SEQUENCE: rises with every change.
    pub sequence: i32,
    /// The caller's place: null when they hold none (and for anonymous
    /// callers).
    #[schema(required = true)]
    pub my_registration: Option<RegistrationDto>,
    #[serde(serialize_with = "crate::api::instant::serialize")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::api::instant::serialize")]
    pub updated_at: DateTime<Utc>,
}

impl From<WorkshopView> for WorkshopDto {
    fn from(v: WorkshopView) -> Self {
        let w = v.workshop;
        Self {
            id: w.id,
            title: w.title,
            description: w.description,
            facilitator: w.facilitator,
            format: w.format,
            location: w.location,
            join_url: w.join_url.filter(|_| v.shows_join_url),
            starts_at: w.starts_at,
            ends_at: w.ends_at,
            capacity: w.capacity,
            registration_opens_at: w.registration_opens_at,
            registration_closes_at: w.registration_closes_at,
            audience: w.audience,
            cycle_id: w.cycle_id,
            status: w.status,
            registered_count: v.registered,
            waitlist_count: v.waitlisted,
            sequence: w.sequence,
            my_registration: v.mine.map(RegistrationDto::from),
            created_at: w.created_at,
            updated_at: w.updated_at,
        }
    }
}

/// A new workshop, created as a draft. `ends_at` after `starts_at`;
/// registration closes by the start (null: at the start) and opens before
/// it closes; `cycle_id` exactly when the audience is `cycle`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "Peer coaching circle", "description": "Practise coaching conversations.",
    "facilitator": "Grace Hopper", "format": "online",
    "join_url": "https://meet.example.org/peer-coaching",
    "starts_at": "2026-03-03T17:00:00Z", "ends_at": "2026-03-03T18:30:00Z",
    "capacity": 20, "audience": "members"
}))]
pub struct NewWorkshopRequest {
    /// 1 to 200 characters.
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// At most 10,000 characters. Default empty.
    #[serde(default)]
    #[schema(max_length = 10000)]
    pub description: String,
    /// 1 to 200 characters.
    #[schema(min_length = 1, max_length = 200)]
    pub facilitator: String,
    pub format: WorkshopFormat,
    /// At most 500 characters; blank is none.
    #[schema(max_length = 500)]
    pub location: Option<String>,
    /// An `https://` link; blank is none.
    #[schema(max_length = 2000)]
    pub join_url: Option<String>,
    /// RFC 3339.
    #[validate(custom(function = "crate::domain::dates::plausible"))]
    #[schema(pattern = r"^(19|2[0-9])[0-9]{2}-")]
    #[serde(serialize_with = "crate::api::instant::serialize")]
    pub starts_at: DateTime<Utc>,
    /// RFC 3339, after `starts_at`.
    #[validate(custom(function = "crate::domain::dates::plausible"))]
    #[schema(pattern = r"^(19|2[0-9])[0-9]{2}-")]
    #[serde(serialize_with = "crate::api::instant::serialize")]
    pub ends_at: DateTime<Utc>,
    /// 1 to 10,000 places.
    #[schema(minimum = 1, maximum = 10000)]
    pub capacity: i32,
    #[validate(custom(function = "crate::domain::dates::plausible"))]
    #[schema(pattern = r"^(19|2[0-9])[0-9]{2}-")]
    #[serde(serialize_with = "crate::api::instant::option")]
    pub registration_opens_at: Option<DateTime<Utc>>,
    #[validate(custom(function = "crate::domain::dates::plausible"))]
    #[schema(pattern = r"^(19|2[0-9])[0-9]{2}-")]
    #[serde(serialize_with = "crate::api::instant::option")]
    pub registration_closes_at: Option<DateTime<Utc>>,
    pub audience: WorkshopAudience,
    /// Required when `audience` is `cycle`, refused otherwise.
    pub cycle_id: Option<Uuid>,
}

impl From<NewWorkshopRequest> for WorkshopFields {
    fn from(b: NewWorkshopRequest) -> Self {
        Self {
            title: b.title,
            description: b.description,
            facilitator: b.facilitator,
            format: b.format,
            location: b.location,
            join_url: b.join_url,
            starts_at: b.starts_at,
            ends_at: b.ends_at,
            capacity: b.capacity,
            registration_opens_at: b.registration_opens_at,
            registration_closes_at: b.registration_closes_at,
            audience: b.audience,
            cycle_id: b.cycle_id,
        }
    }
}

/// A change: only the fields sent change; `null` clears an optional one.
/// A capacity below the number registered is a 409 unless
/// `move_excess_to_waitlist` is true.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"capacity": 8, "move_excess_to_waitlist": true}))]
pub struct WorkshopPatch {
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    #[schema(max_length = 10000)]
    pub description: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub facilitator: Option<String>,
    pub format: Option<WorkshopFormat>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, max_length = 500)]
    pub location: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub join_url: Option<Option<String>>,
    #[validate(custom(function = "crate::domain::dates::plausible"))]
    #[schema(pattern = r"^(19|2[0-9])[0-9]{2}-")]
    #[serde(serialize_with = "crate::api::instant::option")]
    pub starts_at: Option<DateTime<Utc>>,
    #[validate(custom(function = "crate::domain::dates::plausible"))]
    #[schema(pattern = r"^(19|2[0-9])[0-9]{2}-")]
    #[serde(serialize_with = "crate::api::instant::option")]
    pub ends_at: Option<DateTime<Utc>>,
    #[schema(minimum = 1, maximum = 10000)]
    pub capacity: Option<i32>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(custom(function = "crate::domain::dates::plausible"))]
    #[schema(value_type = Option<DateTime<Utc>>, pattern = r"^(19|2[0-9])[0-9]{2}-")]
    pub registration_opens_at: Option<Option<DateTime<Utc>>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(custom(function = "crate::domain::dates::plausible"))]
    #[schema(value_type = Option<DateTime<Utc>>, pattern = r"^(19|2[0-9])[0-9]{2}-")]
    pub registration_closes_at: Option<Option<DateTime<Utc>>>,
    pub audience: Option<WorkshopAudience>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub cycle_id: Option<Option<Uuid>>,
    /// Confirms moving the latest registered to the head of the waitlist
    /// when the capacity drops below the number registered. Default false.
    #[serde(default)]
    pub move_excess_to_waitlist: bool,
}

impl From<WorkshopPatch> for WorkshopChanges {
    fn from(b: WorkshopPatch) -> Self {
        Self {
            title: b.title,
            description: b.description,
            facilitator: b.facilitator,
            format: b.format,
            location: b.location,
            join_url: b.join_url,
            starts_at: b.starts_at,
            ends_at: b.ends_at,
            capacity: b.capacity,
            registration_opens_at: b.registration_opens_at,
            registration_closes_at: b.registration_closes_at,
            audience: b.audience,
            cycle_id: b.cycle_id,
            move_excess_to_waitlist: b.move_excess_to_waitlist,
        }
    }
}

/// A status change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"to": "published"}))]
pub struct WorkshopTransition {
    pub to: WorkshopStatus,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WorkshopFilter {
    /// Only workshops in this status.
    pub status: Option<WorkshopStatus>,
}

/// One line of a workshop's registrations (committee).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "member_id": "2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d", "full_name": "Ada Lovelace",
    "email": "ada@example.org", "status": "waitlisted", "position": 1,
    "joined_at": "2026-02-04T08:00:00Z", "attended": false
}))]
pub struct RegistrationLineDto {
    pub member_id: Uuid,
    pub full_name: String,
    pub email: String,
    pub status: RegistrationStatus,
    /// On the waitlist: 1 for the first in line; null when registered.
    #[schema(required = true, minimum = 1)]
    pub position: Option<u64>,
    #[serde(serialize_with = "crate::api::instant::serialize")]
    pub joined_at: DateTime<Utc>,
    pub attended: bool,
}

impl From<RegistrationLine> for RegistrationLineDto {
    fn from(l: RegistrationLine) -> Self {
        Self {
            member_id: l.member_id,
            full_name: l.full_name,
            email: l.email,
            status: l.status,
            position: l.position,
            joined_at: l.joined_at,
            attended: l.attended,
        }
    }
}

/// Someone the committee registers.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"member_id": "2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d"}))]
pub struct AddRegistrationRequest {
    pub member_id: Uuid,
}

/// Who attended: replaces the previous marks.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"member_ids": ["2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d"]}))]
pub struct AttendanceRequest {
    /// Members holding a registration (registered or waitlisted); at most
    /// 10,000.
    #[schema(max_items = 10000)]
    pub member_ids: Vec<Uuid>,
}

/// The members marked as having attended, sorted.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttendanceDto {
    pub member_ids: Vec<Uuid>,
}

/// Workshop attendance of a cycle's participants.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "cycle_id": "6a1c2f0e-3b9d-4c57-8e21-5d0f7a9b1c34", "participants": 40, "attended": 23, "share": 0.575
}))]
pub struct CycleAttendanceDto {
    pub cycle_id: Uuid,
    /// Members of the cycle's published matches (denominator).
    pub participants: u64,
    /// Of them, those who attended at least one workshop for the cycle or
    /// during its mentoring period (numerator).
    pub attended: u64,
    /// `attended / participants`; 0 with no participants.
    pub share: f64,
}

impl CycleAttendanceDto {
    pub fn new(cycle_id: Uuid, a: CycleAttendance) -> Self {
        Self {
            cycle_id,
            participants: a.participants,
            attended: a.attended,
            share: a.share(),
        }
    }
}

/// Your personal calendar feed.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "feed_url": "https://api.wla.example.org/api/v1/calendar/wla_cal_3f9a.ics",
    "webcal_url": "webcal://api.wla.example.org/api/v1/calendar/wla_cal_3f9a.ics"
}))]
pub struct CalendarFeedDto {
    /// The feed over HTTPS: anyone with it reads your calendar, so keep it
    /// to yourself; rotate it if it leaks.
    pub feed_url: String,
    /// The same feed for calendar apps that subscribe (`webcal://`).
    pub webcal_url: String,
}
