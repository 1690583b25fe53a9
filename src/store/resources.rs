//! Starter resources: rows only. Which ones a caller sees is the domain's
//! `Visible`, turned here into a condition so paging happens in SQL.
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::StoreResult;
use super::entities::resource;
use crate::domain::application::ApplicationRole;
use crate::domain::resource::{Audience, Reach, ResourceFields, ResourceFilter, Visible};
use crate::paging::PageRequest;

pub use resource::Model as Resource;

/// The resource's definition, as the committee gave it.
pub fn fields_of(r: &Resource) -> ResourceFields {
    ResourceFields {
        title: r.title.clone(),
        kind: r.kind,
        body: r.body.clone(),
        url: r.url.clone(),
        cycle_id: r.cycle_id,
        audience: r.audience,
        public: r.public,
        position: r.position,
    }
}

/// What decides who sees it.
pub fn reach_of(r: &Resource) -> Reach {
    Reach {
        cycle_id: r.cycle_id,
        audience: r.audience,
        public: r.public,
    }
}

fn audiences(role: ApplicationRole) -> [Audience; 2] {
    match role {
        ApplicationRole::Mentor => [Audience::Both, Audience::Mentor],
        ApplicationRole::Mentee => [Audience::Both, Audience::Mentee],
    }
}

/// `Visible` as SQL; the same rule as `Visible::admits`.
fn visible(v: &Visible) -> Condition {
    match v {
        Visible::All => Condition::all(),
        Visible::Public => Condition::all().add(resource::Column::Public.eq(true)),
        Visible::Member { placements, public } => {
            let mut any = Condition::any();
            if *public {
                any = any.add(resource::Column::Public.eq(true));
            }
            for p in placements {
                any = any.add(
                    Condition::all()
                        .add(
                            Condition::any()
                                .add(resource::Column::CycleId.is_null())
                                .add(resource::Column::CycleId.eq(p.cycle_id)),
                        )
                        .add(resource::Column::Audience.is_in(audiences(p.role))),
                );
            }
            if any.is_empty() {
                // An empty `any` would match every row; nothing is visible
                // (a primary key is never null).
                Condition::all().add(resource::Column::Id.is_null())
            } else {
                any
            }
        }
    }
}

/// A page of the resources `who` sees, filtered, by position then title,
/// and the count of all that match.
pub async fn list(
    db: &impl ConnectionTrait,
    who: &Visible,
    filter: &ResourceFilter,
    page: PageRequest,
) -> StoreResult<(Vec<Resource>, u64)> {
    let mut cond = Condition::all().add(visible(who));
    if let Some(c) = filter.cycle_id {
        cond = cond.add(resource::Column::CycleId.eq(c));
    }
    if let Some(k) = filter.kind {
        cond = cond.add(resource::Column::Kind.eq(k));
    }
    if let Some(a) = filter.audience {
        cond = cond.add(resource::Column::Audience.eq(a));
    }
    let query = resource::Entity::find().filter(cond);
    let total = query.clone().count(db).await?;
    let items = query
        .order_by_asc(resource::Column::Position)
        .order_by_asc(resource::Column::Title)
        .order_by_asc(resource::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(db)
        .await?;
    Ok((items, total))
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<Option<Resource>> {
    Ok(resource::Entity::find_by_id(id).one(db).await?)
}

pub async fn insert(db: &impl ConnectionTrait, f: ResourceFields) -> StoreResult<Resource> {
    let now = Utc::now();
    Ok(resource::ActiveModel {
        id: Set(Uuid::new_v4()),
        title: Set(f.title),
        kind: Set(f.kind),
        body: Set(f.body),
        url: Set(f.url),
        cycle_id: Set(f.cycle_id),
        audience: Set(f.audience),
        public: Set(f.public),
        position: Set(f.position),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?)
}

/// Replaces a resource's definition.
pub async fn update(
    db: &impl ConnectionTrait,
    current: Resource,
    f: ResourceFields,
) -> StoreResult<Resource> {
    let mut row = current.into_active_model();
    row.title = Set(f.title);
    row.kind = Set(f.kind);
    row.body = Set(f.body);
    row.url = Set(f.url);
    row.cycle_id = Set(f.cycle_id);
    row.audience = Set(f.audience);
    row.public = Set(f.public);
    row.position = Set(f.position);
    row.updated_at = Set(Utc::now());
    Ok(row.update(db).await?)
}

pub async fn delete(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<()> {
    resource::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}
