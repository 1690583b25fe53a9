//! Registration rows: places and the waitlist, in join order (`queue_no`),
//! and attendance.
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, sea_query::Expr,
};
use uuid::Uuid;

use crate::domain::workshop::RegistrationStatus;
use crate::store::StoreResult;
use crate::store::entities::workshop_registration as reg;

pub use reg::Model as Registration;

pub async fn find(
    db: &impl ConnectionTrait,
    workshop_id: Uuid,
    member_id: Uuid,
) -> StoreResult<Option<Registration>> {
    Ok(reg::Entity::find()
        .filter(reg::Column::WorkshopId.eq(workshop_id))
        .filter(reg::Column::MemberId.eq(member_id))
        .one(db)
        .await?)
}

/// A workshop's registrations: the registered, then the waitlist, each in
/// join order.
pub async fn of_workshop(
    db: &impl ConnectionTrait,
    workshop_id: Uuid,
) -> StoreResult<Vec<Registration>> {
    Ok(reg::Entity::find()
        .filter(reg::Column::WorkshopId.eq(workshop_id))
        .order_by_asc(reg::Column::Status)
        .order_by_asc(reg::Column::QueueNo)
        .all(db)
        .await?)
}

/// A member's registrations and waitlist places.
pub async fn of_member(
    db: &impl ConnectionTrait,
    member_id: Uuid,
) -> StoreResult<Vec<Registration>> {
    Ok(reg::Entity::find()
        .filter(reg::Column::MemberId.eq(member_id))
        .all(db)
        .await?)
}

pub async fn count(
    db: &impl ConnectionTrait,
    workshop_id: Uuid,
    status: RegistrationStatus,
) -> StoreResult<u64> {
    Ok(reg::Entity::find()
        .filter(reg::Column::WorkshopId.eq(workshop_id))
        .filter(reg::Column::Status.eq(status))
        .count(db)
        .await?)
}

/// The next join order number of a workshop.
pub async fn next_queue_no(db: &impl ConnectionTrait, workshop_id: Uuid) -> StoreResult<i32> {
    let last: Option<i32> = reg::Entity::find()
        .select_only()
        .column_as(reg::Column::QueueNo.max(), "max")
        .filter(reg::Column::WorkshopId.eq(workshop_id))
        .into_tuple::<Option<i32>>()
        .one(db)
        .await?
        .flatten();
    Ok(last.unwrap_or(0) + 1)
}

pub async fn insert(
    db: &impl ConnectionTrait,
    workshop_id: Uuid,
    member_id: Uuid,
    status: RegistrationStatus,
    added_by: Option<Uuid>,
) -> StoreResult<Registration> {
    let queue_no = next_queue_no(db, workshop_id).await?;
    Ok(reg::ActiveModel {
        id: Set(Uuid::new_v4()),
        workshop_id: Set(workshop_id),
        member_id: Set(member_id),
        status: Set(status),
        queue_no: Set(queue_no),
        attended: Set(false),
        added_by: Set(added_by),
        joined_at: Set(Utc::now()),
    }
    .insert(db)
    .await?)
}

pub async fn delete(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<()> {
    reg::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// The first `n` on the waitlist, in join order.
pub async fn first_waitlisted(
    db: &impl ConnectionTrait,
    workshop_id: Uuid,
    n: u64,
) -> StoreResult<Vec<Registration>> {
    Ok(reg::Entity::find()
        .filter(reg::Column::WorkshopId.eq(workshop_id))
        .filter(reg::Column::Status.eq(RegistrationStatus::Waitlisted))
        .order_by_asc(reg::Column::QueueNo)
        .limit(n)
        .all(db)
        .await?)
}

/// The last `n` to take a place, latest first.
pub async fn latest_registered(
    db: &impl ConnectionTrait,
    workshop_id: Uuid,
    n: u64,
) -> StoreResult<Vec<Registration>> {
    Ok(reg::Entity::find()
        .filter(reg::Column::WorkshopId.eq(workshop_id))
        .filter(reg::Column::Status.eq(RegistrationStatus::Registered))
        .order_by_desc(reg::Column::QueueNo)
        .limit(n)
        .all(db)
        .await?)
}

pub async fn set_status(
    db: &impl ConnectionTrait,
    ids: Vec<Uuid>,
    status: RegistrationStatus,
) -> StoreResult<()> {
    reg::Entity::update_many()
        .col_expr(reg::Column::Status, Expr::value(status))
        .filter(reg::Column::Id.is_in(ids))
        .exec(db)
        .await?;
    Ok(())
}

/// A waitlisted registration's position: 1 for the first in line.
pub async fn position(db: &impl ConnectionTrait, r: &Registration) -> StoreResult<u64> {
    Ok(reg::Entity::find()
        .filter(reg::Column::WorkshopId.eq(r.workshop_id))
        .filter(reg::Column::Status.eq(RegistrationStatus::Waitlisted))
        .filter(reg::Column::QueueNo.lte(r.queue_no))
        .count(db)
        .await?)
}

/// Marks exactly `member_ids` as having attended.
pub async fn set_attendance(
    db: &impl ConnectionTrait,
    workshop_id: Uuid,
    member_ids: Vec<Uuid>,
) -> StoreResult<()> {
    reg::Entity::update_many()
        .col_expr(reg::Column::Attended, Expr::value(false))
        .filter(reg::Column::WorkshopId.eq(workshop_id))
        .exec(db)
        .await?;
    reg::Entity::update_many()
        .col_expr(reg::Column::Attended, Expr::value(true))
        .filter(reg::Column::WorkshopId.eq(workshop_id))
        .filter(reg::Column::MemberId.is_in(member_ids))
        .exec(db)
        .await?;
    Ok(())
}

/// Which of `members` attended at least one of `workshops`.
pub async fn attendees_among(
    db: &impl ConnectionTrait,
    workshops: Vec<Uuid>,
    members: Vec<Uuid>,
) -> StoreResult<Vec<Uuid>> {
    if workshops.is_empty() || members.is_empty() {
        return Ok(Vec::new());
    }
    Ok(reg::Entity::find()
        .select_only()
        .column(reg::Column::MemberId)
        .distinct()
        .filter(reg::Column::Attended.eq(true))
        .filter(reg::Column::WorkshopId.is_in(workshops))
        .filter(reg::Column::MemberId.is_in(members))
        .into_tuple()
        .all(db)
        .await?)
}
