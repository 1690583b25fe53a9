//! Workshop rows, their registrations and the personal calendar feeds.
//! Who may see or change them is the service's; the unique indexes on
//! (workshop, member) and (workshop, join order) back the registration
//! rules against races, and a workshop read to be changed is locked on
//! PostgreSQL (SQLite's write transaction already serialises writers).
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbBackend,
    EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::StoreResult;
use super::entities::{application, matches, workshop, workshop_registration as reg};
use crate::domain::matches::MatchStatus;
use crate::domain::workshop::{
    RegistrationStatus, WorkshopAudience, WorkshopFields, WorkshopStatus,
};
use crate::paging::PageRequest;

pub mod feeds;
pub mod registrations;

pub use workshop::Model as Workshop;

/// The match statuses whose two people are a cycle's participants.
const PUBLISHED: [MatchStatus; 3] = [
    MatchStatus::Active,
    MatchStatus::Completed,
    MatchStatus::EndedEarly,
];

impl Workshop {
    /// The stored values, as the domain checks them.
    pub fn fields(&self) -> WorkshopFields {
        WorkshopFields {
            title: self.title.clone(),
            description: self.description.clone(),
            facilitator: self.facilitator.clone(),
            format: self.format,
            location: self.location.clone(),
            join_url: self.join_url.clone(),
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            capacity: self.capacity,
            registration_opens_at: self.registration_opens_at,
            registration_closes_at: self.registration_closes_at,
            audience: self.audience,
            cycle_id: self.cycle_id,
        }
    }
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<Option<Workshop>> {
    Ok(workshop::Entity::find_by_id(id).one(db).await?)
}

/// A workshop read to be changed in this transaction: locked on
/// PostgreSQL (`FOR UPDATE`), so concurrent registrations queue on it.
pub async fn find_locked(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<Option<Workshop>> {
    let mut query = workshop::Entity::find_by_id(id);
    if db.get_database_backend() == DbBackend::Postgres {
        query = query.lock_exclusive();
    }
    Ok(query.one(db).await?)
}

pub async fn insert(
    db: &impl ConnectionTrait,
    f: WorkshopFields,
    created_by: Uuid,
) -> StoreResult<Workshop> {
    let now = Utc::now();
    Ok(workshop::ActiveModel {
        id: Set(Uuid::new_v4()),
        title: Set(f.title),
        description: Set(f.description),
        facilitator: Set(f.facilitator),
        format: Set(f.format),
        location: Set(f.location),
        join_url: Set(f.join_url),
        starts_at: Set(f.starts_at),
        ends_at: Set(f.ends_at),
        capacity: Set(f.capacity),
        registration_opens_at: Set(f.registration_opens_at),
        registration_closes_at: Set(f.registration_closes_at),
        audience: Set(f.audience),
        cycle_id: Set(f.cycle_id),
        status: Set(WorkshopStatus::Draft),
        sequence: Set(0),
        created_by: Set(created_by),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?)
}

/// Replaces the values and the status, raising SEQUENCE.
pub async fn update(
    db: &impl ConnectionTrait,
    current: Workshop,
    f: WorkshopFields,
    status: WorkshopStatus,
) -> StoreResult<Workshop> {
    let sequence = current.sequence + 1;
    let mut row = current.into_active_model();
    row.title = Set(f.title);
    row.description = Set(f.description);
    row.facilitator = Set(f.facilitator);
    row.format = Set(f.format);
    row.location = Set(f.location);
    row.join_url = Set(f.join_url);
    row.starts_at = Set(f.starts_at);
    row.ends_at = Set(f.ends_at);
    row.capacity = Set(f.capacity);
    row.registration_opens_at = Set(f.registration_opens_at);
    row.registration_closes_at = Set(f.registration_closes_at);
    row.audience = Set(f.audience);
    row.cycle_id = Set(f.cycle_id);
    row.status = Set(status);
    row.sequence = Set(sequence);
    row.updated_at = Set(Utc::now());
    Ok(row.update(db).await?)
}

pub async fn delete(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<()> {
    workshop::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// Which workshops a list holds.
pub enum Scope {
    /// Every workshop (the committee).
    All,
    /// Public ones that are not drafts (anonymous visitors).
    Public,
    /// What a member may see: public and members' workshops, those of the
    /// cycles they take part in, and any they are registered for; no drafts.
    Member {
        cycles: Vec<Uuid>,
        registered: Vec<Uuid>,
    },
}

fn scoped(scope: &Scope) -> sea_orm::Select<workshop::Entity> {
    let query = workshop::Entity::find();
    let not_draft = workshop::Column::Status.ne(WorkshopStatus::Draft);
    match scope {
        Scope::All => query,
        Scope::Public => query
            .filter(not_draft)
            .filter(workshop::Column::Audience.eq(WorkshopAudience::Public)),
        Scope::Member { cycles, registered } => query.filter(not_draft).filter(
            Condition::any()
                .add(
                    workshop::Column::Audience
                        .is_in([WorkshopAudience::Public, WorkshopAudience::Members]),
                )
                .add(
                    Condition::all()
                        .add(workshop::Column::Audience.eq(WorkshopAudience::Cycle))
                        .add(workshop::Column::CycleId.is_in(cycles.clone())),
                )
                .add(workshop::Column::Id.is_in(registered.clone())),
        ),
    }
}

/// A page of the workshops in `scope`, optionally of one status, soonest
/// first, and the count of all that match.
pub async fn list(
    db: &impl ConnectionTrait,
    scope: &Scope,
    status: Option<WorkshopStatus>,
    page: PageRequest,
) -> StoreResult<(Vec<Workshop>, u64)> {
    let mut query = scoped(scope);
    if let Some(s) = status {
        query = query.filter(workshop::Column::Status.eq(s));
    }
    let total = query.clone().count(db).await?;
    let items = query
        .order_by_asc(workshop::Column::StartsAt)
        .order_by_asc(workshop::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(db)
        .await?;
    Ok((items, total))
}

/// Every workshop in `scope`, soonest first (calendar feeds).
pub async fn all_in(db: &impl ConnectionTrait, scope: &Scope) -> StoreResult<Vec<Workshop>> {
    Ok(scoped(scope)
        .order_by_asc(workshop::Column::StartsAt)
        .order_by_asc(workshop::Column::Id)
        .all(db)
        .await?)
}

pub async fn by_ids(db: &impl ConnectionTrait, ids: Vec<Uuid>) -> StoreResult<Vec<Workshop>> {
    Ok(workshop::Entity::find()
        .filter(workshop::Column::Id.is_in(ids))
        .order_by_asc(workshop::Column::StartsAt)
        .order_by_asc(workshop::Column::Id)
        .all(db)
        .await?)
}

/// Published workshops starting in `[from, to)`.
pub async fn published_starting_between(
    db: &impl ConnectionTrait,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> StoreResult<Vec<Workshop>> {
    Ok(workshop::Entity::find()
        .filter(workshop::Column::Status.eq(WorkshopStatus::Published))
        .filter(workshop::Column::StartsAt.gte(from))
        .filter(workshop::Column::StartsAt.lt(to))
        .all(db)
        .await?)
}

/// Registered and waitlisted counts of each workshop.
pub async fn counts(
    db: &impl ConnectionTrait,
    ids: Vec<Uuid>,
) -> StoreResult<HashMap<Uuid, (u64, u64)>> {
    let rows: Vec<(Uuid, String, i64)> = reg::Entity::find()
        .select_only()
        .column(reg::Column::WorkshopId)
        .column(reg::Column::Status)
        .column_as(reg::Column::Id.count(), "n")
        .filter(reg::Column::WorkshopId.is_in(ids))
        .group_by(reg::Column::WorkshopId)
        .group_by(reg::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    let mut out: HashMap<Uuid, (u64, u64)> = HashMap::new();
    for (id, status, n) in rows {
        let entry = out.entry(id).or_default();
        let n = u64::try_from(n).unwrap_or(0);
        if status == RegistrationStatus::Registered.as_str() {
            entry.0 = n;
        } else {
            entry.1 = n;
        }
    }
    Ok(out)
}

/// The cycles in whose published matches the member is mentor or mentee.
pub async fn participant_cycles(
    db: &impl ConnectionTrait,
    member_id: Uuid,
) -> StoreResult<Vec<Uuid>> {
    let apps: Vec<Uuid> = application::Entity::find()
        .select_only()
        .column(application::Column::Id)
        .filter(application::Column::MemberId.eq(member_id))
        .into_tuple()
        .all(db)
        .await?;
    if apps.is_empty() {
        return Ok(Vec::new());
    }
    let mut cycles: Vec<Uuid> = matches::Entity::find()
        .select_only()
        .column(matches::Column::CycleId)
        .filter(matches::Column::Status.is_in(PUBLISHED))
        .filter(
            Condition::any()
                .add(matches::Column::MentorApplicationId.is_in(apps.clone()))
                .add(matches::Column::MenteeApplicationId.is_in(apps)),
        )
        .into_tuple()
        .all(db)
        .await?;
    cycles.sort();
    cycles.dedup();
    Ok(cycles)
}

/// The published matches the member is in.
pub async fn published_matches_of(
    db: &impl ConnectionTrait,
    member_id: Uuid,
) -> StoreResult<Vec<Uuid>> {
    let apps: Vec<Uuid> = application::Entity::find()
        .select_only()
        .column(application::Column::Id)
        .filter(application::Column::MemberId.eq(member_id))
        .into_tuple()
        .all(db)
        .await?;
    if apps.is_empty() {
        return Ok(Vec::new());
    }
    Ok(matches::Entity::find()
        .select_only()
        .column(matches::Column::Id)
        .filter(matches::Column::Status.is_in(PUBLISHED))
        .filter(
            Condition::any()
                .add(matches::Column::MentorApplicationId.is_in(apps.clone()))
                .add(matches::Column::MenteeApplicationId.is_in(apps)),
        )
        .into_tuple()
        .all(db)
        .await?)
}

/// The members of a cycle's published matches (its participants).
pub async fn cycle_participants(
    db: &impl ConnectionTrait,
    cycle_id: Uuid,
) -> StoreResult<Vec<Uuid>> {
    let pairs: Vec<(Uuid, Uuid)> = matches::Entity::find()
        .select_only()
        .column(matches::Column::MentorApplicationId)
        .column(matches::Column::MenteeApplicationId)
        .filter(matches::Column::CycleId.eq(cycle_id))
        .filter(matches::Column::Status.is_in(PUBLISHED))
        .into_tuple()
        .all(db)
        .await?;
    let app_ids: Vec<Uuid> = pairs.into_iter().flat_map(|(a, b)| [a, b]).collect();
    if app_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut members: Vec<Uuid> = application::Entity::find()
        .select_only()
        .column(application::Column::MemberId)
        .filter(application::Column::Id.is_in(app_ids))
        .into_tuple()
        .all(db)
        .await?;
    members.sort();
    members.dedup();
    Ok(members)
}

/// The workshops that count for a cycle: those for its participants and
/// those starting during its mentoring period.
pub async fn of_cycle_period(
    db: &impl ConnectionTrait,
    cycle_id: Uuid,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
) -> StoreResult<Vec<Uuid>> {
    let from = starts_on.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let to = (ends_on + chrono::Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc();
    Ok(workshop::Entity::find()
        .select_only()
        .column(workshop::Column::Id)
        .filter(
            Condition::any()
                .add(workshop::Column::CycleId.eq(cycle_id))
                .add(
                    Condition::all()
                        .add(workshop::Column::StartsAt.gte(from))
                        .add(workshop::Column::StartsAt.lt(to)),
                ),
        )
        .into_tuple()
        .all(db)
        .await?)
}
