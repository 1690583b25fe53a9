//! Workshops: their values, their status machine, when registration is
//! open, and who may see one.
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::StringLen;
use sea_orm::{DeriveActiveEnum, EnumIter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::FieldError;
use super::access::Actor;

#[cfg(test)]
mod tests;

macro_rules! stored_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema,
            EnumIter, DeriveActiveEnum,
        )]
        #[serde(rename_all = "snake_case")]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::None)", rename_all = "snake_case")]
        pub enum $name { $($variant),+ }
    };
}

stored_enum!(
    /// Where it happens: online (a join link), in person (a location) or both.
    WorkshopFormat { Online, InPerson, Hybrid }
);
stored_enum!(
    /// Who may see it and register: a cycle's participants (members in its
    /// published matches), every signed-in member, or anyone.
    WorkshopAudience { Cycle, Members, Public }
);
stored_enum!(
    /// `draft → published → cancelled`, or `completed` once it has ended;
    /// a draft may also be cancelled. Drafts are seen by the committee only.
    WorkshopStatus { Draft, Published, Cancelled, Completed }
);
stored_enum!(
    /// A member holds a place (`registered`) or waits for one (`waitlisted`).
    RegistrationStatus { Registered, Waitlisted }
);

impl WorkshopStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Published => "published",
            Self::Cancelled => "cancelled",
            Self::Completed => "completed",
        }
    }

    /// The statuses this one may move to (`completed` only after the end).
    pub fn next(self) -> &'static [WorkshopStatus] {
        match self {
            Self::Draft => &[Self::Published, Self::Cancelled],
            Self::Published => &[Self::Cancelled, Self::Completed],
            Self::Cancelled | Self::Completed => &[],
        }
    }
}

impl RegistrationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Registered => "registered",
            Self::Waitlisted => "waitlisted",
        }
    }
}

/// Moves `from` to `to` at `now`, or says why not (a 409's detail).
pub fn transition(
    from: WorkshopStatus,
    to: WorkshopStatus,
    ends_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<WorkshopStatus, String> {
    if !from.next().contains(&to) {
        let allowed: Vec<&str> = from.next().iter().map(|s| s.as_str()).collect();
        return Err(if allowed.is_empty() {
            format!("a {} workshop cannot change status", from.as_str())
        } else {
            format!(
                "a {} workshop may move to: {}",
                from.as_str(),
                allowed.join(", ")
            )
        });
    }
    if to == WorkshopStatus::Completed && now < ends_at {
        return Err("a workshop is completed only after it ends".into());
    }
    Ok(to)
}

/// A workshop's values, as created or after a change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkshopFields {
    pub title: String,
    pub description: String,
    pub facilitator: String,
    pub format: WorkshopFormat,
    pub location: Option<String>,
    pub join_url: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub capacity: i32,
    pub registration_opens_at: Option<DateTime<Utc>>,
    pub registration_closes_at: Option<DateTime<Utc>>,
    pub audience: WorkshopAudience,
    pub cycle_id: Option<Uuid>,
}

/// A change: only what is sent changes; `Some(None)` clears.
#[derive(Clone, Debug, Default)]
pub struct WorkshopChanges {
    pub title: Option<String>,
    pub description: Option<String>,
    pub facilitator: Option<String>,
    pub format: Option<WorkshopFormat>,
    pub location: Option<Option<String>>,
    pub join_url: Option<Option<String>>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub capacity: Option<i32>,
    pub registration_opens_at: Option<Option<DateTime<Utc>>>,
    pub registration_closes_at: Option<Option<DateTime<Utc>>>,
    pub audience: Option<WorkshopAudience>,
    pub cycle_id: Option<Option<Uuid>>,
    /// Lowering the capacity below the registered count moves the latest
    /// registered to the head of the waitlist instead of refusing.
    pub move_excess_to_waitlist: bool,
}

impl WorkshopChanges {
    pub fn apply(&self, mut f: WorkshopFields) -> WorkshopFields {
        macro_rules! set {
            ($($field:ident),+) => { $( if let Some(v) = &self.$field { f.$field = v.clone(); } )+ };
        }
        set!(
            title,
            description,
            facilitator,
            format,
            location,
            join_url,
            starts_at,
            ends_at,
            capacity,
            registration_opens_at,
            registration_closes_at,
            audience,
            cycle_id
        );
        f
    }

    /// Whether any value is sent (an empty change leaves SEQUENCE alone).
    pub fn changes_anything(&self) -> bool {
        self.title.is_some()
            || self.description.is_some()
            || self.facilitator.is_some()
            || self.format.is_some()
            || self.location.is_some()
            || self.join_url.is_some()
            || self.starts_at.is_some()
            || self.ends_at.is_some()
            || self.capacity.is_some()
            || self.registration_opens_at.is_some()
            || self.registration_closes_at.is_some()
            || self.audience.is_some()
            || self.cycle_id.is_some()
    }
}

pub const MAX_CAPACITY: i32 = 10_000;

fn blank_to_none(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// Trims the texts and checks the rules between fields: a title and a
/// facilitator, the end after the start, registration closing by the
/// start and after it opens, a capacity of 1 to 10,000, a cycle named
/// exactly when the audience is a cycle's participants, a join link for
/// an online or hybrid workshop that starts with `https://`. Every broken
/// rule is one field error.
pub fn check(mut f: WorkshopFields) -> Result<WorkshopFields, Vec<FieldError>> {
    let mut errors = Vec::new();
    f.title = f.title.trim().to_owned();
    f.description = f.description.trim().to_owned();
    f.facilitator = f.facilitator.trim().to_owned();
    f.location = blank_to_none(f.location);
    f.join_url = blank_to_none(f.join_url);
    for (field, value, max) in [
        ("title", &f.title, 200),
        ("facilitator", &f.facilitator, 200),
    ] {
        if value.is_empty() || value.chars().count() > max {
            errors.push(FieldError::new(
                field,
                "length",
                format!("must be 1 to {max} characters"),
            ));
        }
    }
    if f.description.chars().count() > 10_000 {
        errors.push(FieldError::new(
            "description",
            "length",
            "must be at most 10000 characters",
        ));
    }
    if f.location.as_ref().is_some_and(|l| l.chars().count() > 500) {
        errors.push(FieldError::new(
            "location",
            "length",
            "must be at most 500 characters",
        ));
    }
    if let Some(url) = &f.join_url
        && (!url.starts_with("https://") || url.len() > 2000 || url.contains(char::is_whitespace))
    {
        errors.push(FieldError::new(
            "join_url",
            "url",
            "must be an https:// link of at most 2000 characters",
        ));
    }
    if f.ends_at <= f.starts_at {
        errors.push(FieldError::new(
            "ends_at",
            "order",
            "must be after starts_at",
        ));
    }
    if !(1..=MAX_CAPACITY).contains(&f.capacity) {
        errors.push(FieldError::new(
            "capacity",
            "range",
            format!("must be between 1 and {MAX_CAPACITY}"),
        ));
    }
    if let Some(closes) = f.registration_closes_at {
        if closes > f.starts_at {
            errors.push(FieldError::new(
                "registration_closes_at",
                "order",
                "must be on or before starts_at",
            ));
        }
        if f.registration_opens_at.is_some_and(|opens| opens >= closes) {
            errors.push(FieldError::new(
                "registration_opens_at",
                "order",
                "must be before registration_closes_at",
            ));
        }
    }
    if f.registration_opens_at.is_some_and(|o| o >= f.starts_at) {
        errors.push(FieldError::new(
            "registration_opens_at",
            "order",
            "must be before starts_at",
        ));
    }
    match (f.audience, f.cycle_id) {
        (WorkshopAudience::Cycle, None) => errors.push(FieldError::new(
            "cycle_id",
            "required",
            "is required when the audience is a cycle's participants",
        )),
        (WorkshopAudience::Members | WorkshopAudience::Public, Some(_)) => {
            errors.push(FieldError::new(
                "cycle_id",
                "forbidden",
                "is only for a workshop whose audience is a cycle's participants",
            ))
        }
        _ => {}
    }
    if errors.is_empty() {
        Ok(f)
    } else {
        errors.sort_by(|a, b| a.field.cmp(&b.field));
        Err(errors)
    }
}

/// When registration closes: its own time, else the start.
pub fn registration_closes(
    starts_at: DateTime<Utc>,
    closes_at: Option<DateTime<Utc>>,
) -> DateTime<Utc> {
    closes_at.map_or(starts_at, |c| c.min(starts_at))
}

/// Whether a member may register (or join the waitlist) at `now`; the
/// reason when not (a 409's detail).
pub fn may_register(
    status: WorkshopStatus,
    starts_at: DateTime<Utc>,
    opens_at: Option<DateTime<Utc>>,
    closes_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), String> {
    if status != WorkshopStatus::Published {
        return Err(format!(
            "registration is only for a published workshop; this one is {}",
            status.as_str()
        ));
    }
    if let Some(opens) = opens_at
        && now < opens
    {
        return Err(format!(
            "registration opens at {}",
            opens.format("%Y-%m-%dT%H:%M:%SZ")
        ));
    }
    let closes = registration_closes(starts_at, closes_at);
    if now >= closes {
        return Err(format!(
            "registration closed at {}",
            closes.format("%Y-%m-%dT%H:%M:%SZ")
        ));
    }
    Ok(())
}

/// What the caller is to a workshop, for [`may_see`].
#[derive(Clone, Copy, Debug, Default)]
pub struct Standing {
    /// A participant of the workshop's cycle (a member of one of its
    /// published matches).
    pub in_cycle: bool,
    /// Registered or waitlisted.
    pub registered: bool,
}

/// Whether a caller (`None`: anonymous) may know the workshop exists: the
/// committee always; others never a draft; a public one anyone; a members'
/// one any signed-in member; a cycle's one its participants. Someone the
/// committee registered sees it whatever its audience.
pub fn may_see(
    actor: Option<&Actor>,
    status: WorkshopStatus,
    audience: WorkshopAudience,
    standing: Standing,
) -> bool {
    if actor.is_some_and(Actor::is_committee) {
        return true;
    }
    if status == WorkshopStatus::Draft {
        return false;
    }
    match (actor, audience) {
        (_, WorkshopAudience::Public) => true,
        (None, _) => false,
        (Some(_), WorkshopAudience::Members) => true,
        (Some(_), WorkshopAudience::Cycle) => standing.in_cycle || standing.registered,
    }
}

/// Whether a new registration takes a place: places remain when fewer
/// than `capacity` are registered.
pub fn places_remain(registered: u64, capacity: i32) -> bool {
    registered < u64::try_from(capacity.max(0)).unwrap_or(0)
}

/// How many waitlisted members a workshop with `capacity` places and
/// `registered` of them taken can promote now.
pub fn promotable(registered: u64, capacity: i32) -> u64 {
    u64::try_from(capacity.max(0))
        .unwrap_or(0)
        .saturating_sub(registered)
}
