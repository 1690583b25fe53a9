//! Members: creation, lookup, edits and the committee's list.
use chrono::Utc;
use sea_orm::sea_query::{Expr, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    ExprTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, TryIntoModel,
};
use uuid::Uuid;

use super::entities::member;
use super::local::LocalReads;
use super::{StoreError, StoreResult};
use crate::domain::member::normalize_email;
pub use crate::domain::member::{MemberChanges, MemberFilter, NewMember};
use crate::paging::{PageRequest, Sort};

pub use member::Model as Member;

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<Option<Member>> {
    Ok(member::Entity::find_by_id(id).one(db).await?)
}

/// `find` for the caller of a request: outside the pool when `local` is
/// set (`store::local`: on the calling thread for a SQLite file, on kept
/// connections for PostgreSQL), else through the pool.
pub async fn find_caller(
    db: &impl ConnectionTrait,
    local: Option<&LocalReads>,
    id: Uuid,
) -> StoreResult<Option<Member>> {
    match local {
        Some(local) => local.member(id).await,
        None => super::one_with(db, None, member::Entity::find_by_id(id)).await,
    }
}

/// A member read to be changed in this transaction: on PostgreSQL the row
/// is locked (`FOR UPDATE`) until it ends, so the rules checked against it
/// still hold when the change is written. SQLite's write transaction
/// already holds the database's write lock.
pub async fn find_for_update(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<Option<Member>> {
    Ok(member::Entity::find_by_id(id)
        .lock_exclusive()
        .one(db)
        .await?)
}

/// Bumps the member's session epoch, which ends every access token issued
/// before. An increment in the database, so concurrent bumps all count.
pub async fn bump_session_epoch(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<()> {
    member::Entity::update_many()
        .col_expr(
            member::Column::SessionEpoch,
            Expr::col(member::Column::SessionEpoch).add(1),
        )
        .filter(member::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// A member that must exist (`StoreError::NotFound` otherwise).
pub async fn get(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<Member> {
    find(db, id)
        .await?
        .ok_or_else(|| StoreError::NotFound("member not found".into()))
}

pub async fn find_by_email(db: &impl ConnectionTrait, email: &str) -> StoreResult<Option<Member>> {
    Ok(member::Entity::find()
        .filter(member::Column::Email.eq(normalize_email(email)))
        .one(db)
        .await?)
}

#[tracing::instrument(skip_all)]
pub async fn create(db: &impl ConnectionTrait, new: NewMember) -> StoreResult<Member> {
    let now = Utc::now();
    let row = member::ActiveModel {
        id: Set(Uuid::new_v4()),
        email: Set(normalize_email(&new.email)),
        password_hash: Set(new.password_hash),
        full_name: Set(new.full_name.trim().to_owned()),
        pronouns: Set(new.pronouns),
        role: Set(new.role),
        wla_member_id: Set(new.wla_member_id),
        membership_status: Set(new.membership_status),
        membership_expires_on: Set(new.membership_expires_on),
        session_epoch: Set(0),
        reminders: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
    };
    Ok(row.insert(db).await?)
}

#[tracing::instrument(skip_all, fields(member_id = %current.id))]
pub async fn update(
    db: &impl ConnectionTrait,
    current: Member,
    changes: MemberChanges,
) -> StoreResult<Member> {
    let mut row = current.into_active_model();
    if let Some(email) = changes.email {
        row.email = Set(normalize_email(&email));
    }
    if let Some(hash) = changes.password_hash {
        row.password_hash = Set(Some(hash));
    }
    if let Some(name) = changes.full_name {
        row.full_name = Set(name.trim().to_owned());
    }
    if let Some(pronouns) = changes.pronouns {
        row.pronouns = Set(pronouns);
    }
    if let Some(role) = changes.role {
        row.role = Set(role);
    }
    if let Some(id) = changes.wla_member_id {
        row.wla_member_id = Set(id);
    }
    if let Some(status) = changes.membership_status {
        row.membership_status = Set(status);
    }
    if let Some(expires) = changes.membership_expires_on {
        row.membership_expires_on = Set(expires);
    }
    if !row.is_changed() {
        return Ok(row.try_into_model()?);
    }
    row.updated_at = Set(Utc::now());
    Ok(row.update(db).await?)
}

/// The sortable fields of the member list.
pub const SORT_FIELDS: &[&str] = &["email", "full_name", "created_at"];

pub async fn list(
    db: &impl ConnectionTrait,
    local: Option<&LocalReads>,
    filter: &MemberFilter,
    sort: Sort,
    page: PageRequest,
) -> StoreResult<(Vec<Member>, u64)> {
    let mut cond = Condition::all();
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        // `%`, `_` and `\` in the search are literal characters.
        let escaped = q
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = LikeExpr::new(format!("%{escaped}%")).escape('\\');
        cond = cond.add(
            Condition::any()
                .add(member::Column::Email.like(pattern.clone()))
                .add(
                    sea_orm::sea_query::Expr::expr(sea_orm::sea_query::Func::lower(
                        sea_orm::sea_query::Expr::col(member::Column::FullName),
                    ))
                    .like(pattern),
                ),
        );
    }
    if let Some(role) = filter.role {
        cond = cond.add(member::Column::Role.eq(role));
    }
    if let Some(status) = filter.membership_status {
        cond = cond.add(member::Column::MembershipStatus.eq(status));
    }
    let query = member::Entity::find().filter(cond);
    let column = match sort.0 {
        "email" => member::Column::Email,
        "full_name" => member::Column::FullName,
        _ => member::Column::CreatedAt,
    };
    super::page_and_total(
        db,
        local,
        query,
        None,
        // Ties by id in the same direction: `-field` is the exact
        // reverse of `field`, and one index (field, id) serves
        // both, read backwards for `-field`: no sort per request.
        |q| {
            q.order_by(column, sort.1.into())
                .order_by(member::Column::Id, sort.1.into())
        },
        page,
    )
    .await
}

/// Members with the given ids, in no particular order.
pub async fn find_many(db: &impl ConnectionTrait, ids: &[Uuid]) -> StoreResult<Vec<Member>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        out.extend(
            member::Entity::find()
                .filter(member::Column::Id.is_in(chunk.to_vec()))
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

/// Members who want reminders, hold an active membership and have not
/// applied to `cycle_id`: whom an "applications close soon" reminder is for.
pub async fn not_applied_with_reminders(
    db: &impl ConnectionTrait,
    cycle_id: Uuid,
) -> StoreResult<Vec<Member>> {
    use super::entities::application;
    use crate::domain::member::MembershipStatus;
    let applied = sea_orm::sea_query::Query::select()
        .column(application::Column::MemberId)
        .from(application::Entity)
        .and_where(application::Column::CycleId.eq(cycle_id))
        .to_owned();
    Ok(member::Entity::find()
        .filter(member::Column::Reminders.eq(true))
        .filter(member::Column::MembershipStatus.eq(MembershipStatus::Active))
        .filter(member::Column::Id.not_in_subquery(applied))
        .order_by_asc(member::Column::Id)
        .all(db)
        .await?)
}

/// Turns a member's reminder emails on or off.
pub async fn set_reminders(db: &impl ConnectionTrait, id: Uuid, on: bool) -> StoreResult<()> {
    member::Entity::update_many()
        .col_expr(member::Column::Reminders, Expr::value(on))
        .filter(member::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Whether any member is an administrator (none on a new database).
pub async fn any_admin(db: &impl ConnectionTrait) -> StoreResult<bool> {
    Ok(member::Entity::find()
        .filter(member::Column::Role.eq(crate::domain::member::Role::Admin))
        .count(db)
        .await?
        > 0)
}

/// Members with the given (normalised) emails, in no particular order.
pub async fn find_by_emails(
    db: &impl ConnectionTrait,
    emails: &[String],
) -> StoreResult<Vec<Member>> {
    let mut out = Vec::new();
    for chunk in emails.chunks(500) {
        out.extend(
            member::Entity::find()
                .filter(member::Column::Email.is_in(chunk.to_vec()))
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

/// Adds many members without passwords: multi-row `INSERT`s of 500 rows,
/// well under both databases' limits on bound values.
#[tracing::instrument(skip_all, fields(count = new.len()))]
pub async fn insert_many(db: &impl ConnectionTrait, new: Vec<NewMember>) -> StoreResult<()> {
    let now = Utc::now();
    let mut rows = new.into_iter().map(|new| member::ActiveModel {
        id: Set(Uuid::new_v4()),
        email: Set(normalize_email(&new.email)),
        password_hash: Set(None),
        full_name: Set(new.full_name.trim().to_owned()),
        pronouns: Set(new.pronouns),
        role: Set(new.role),
        wla_member_id: Set(new.wla_member_id),
        membership_status: Set(new.membership_status),
        membership_expires_on: Set(new.membership_expires_on),
        session_epoch: Set(0),
        reminders: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
    });
    loop {
        let chunk: Vec<_> = rows.by_ref().take(500).collect();
        if chunk.is_empty() {
            return Ok(());
        }
        member::Entity::insert_many(chunk).exec(db).await?;
    }
}
