//! Agreement rows: a cycle's template, each match's agreement and its saved
//! versions. Saves and signatures are conditional on the version read, so
//! a concurrent change makes the caller's write affect no row.
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, TryInsertResult,
    sea_query::{Expr, OnConflict},
};
use uuid::Uuid;

use super::StoreResult;
use super::entities::{agreement, agreement_template, agreement_version};
use crate::domain::agreement::{Answers, Section, Signatures};
use crate::domain::application::ApplicationRole;
use crate::paging::PageRequest;

pub use agreement::Model as Agreement;
pub use agreement_template::Model as Template;
use agreement_template::{AnswerMap, SectionList};
pub use agreement_version::Model as AgreementVersion;

/// The committee's template for a cycle, if it set one.
pub async fn template(db: &impl ConnectionTrait, cycle_id: Uuid) -> StoreResult<Option<Template>> {
    Ok(agreement_template::Entity::find_by_id(cycle_id)
        .one(db)
        .await?)
}

/// Sets (or replaces) a cycle's template.
pub async fn put_template(
    db: &impl ConnectionTrait,
    cycle_id: Uuid,
    sections: Vec<Section>,
    by: Uuid,
) -> StoreResult<Template> {
    let row = agreement_template::ActiveModel {
        cycle_id: Set(cycle_id),
        sections: Set(SectionList(sections)),
        updated_by: Set(Some(by)),
        updated_at: Set(Utc::now()),
    };
    agreement_template::Entity::insert(row)
        .on_conflict(
            OnConflict::column(agreement_template::Column::CycleId)
                .update_columns([
                    agreement_template::Column::Sections,
                    agreement_template::Column::UpdatedBy,
                    agreement_template::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    agreement_template::Entity::find_by_id(cycle_id)
        .one(db)
        .await?
        .ok_or_else(|| super::StoreError::NotFound("agreement template".into()))
}

/// A match's agreement, once first saved.
pub async fn find(db: &impl ConnectionTrait, match_id: Uuid) -> StoreResult<Option<Agreement>> {
    Ok(agreement::Entity::find()
        .filter(agreement::Column::MatchId.eq(match_id))
        .one(db)
        .await?)
}

/// The first save of a match's agreement, as version 1.
pub struct FirstSave {
    pub match_id: Uuid,
    pub sections: Vec<Section>,
    pub answers: Answers,
    pub shared_with_committee: bool,
    pub by: Uuid,
    pub at: DateTime<Utc>,
}

/// Inserts a match's agreement at version 1 unless it exists; whether it
/// did (false: another save came first).
pub async fn insert_first(db: &impl ConnectionTrait, new: FirstSave) -> StoreResult<bool> {
    let row = agreement::ActiveModel {
        id: Set(Uuid::new_v4()),
        match_id: Set(new.match_id),
        version: Set(1),
        sections: Set(SectionList(new.sections)),
        answers: Set(AnswerMap(new.answers)),
        mentor_signed_at: Set(None),
        mentee_signed_at: Set(None),
        shared_with_committee: Set(new.shared_with_committee),
        updated_by: Set(Some(new.by)),
        updated_at: Set(new.at),
        created_at: Set(new.at),
    };
    let inserted = agreement::Entity::insert(row)
        .on_conflict_do_nothing_on([agreement::Column::MatchId])
        .exec_without_returning(db)
        .await?;
    Ok(matches!(inserted, TryInsertResult::Inserted(n) if n > 0))
}

/// A later save: the new answers, signatures and sharing.
pub struct Save {
    pub answers: Answers,
    pub signatures: Signatures,
    pub shared_with_committee: bool,
    pub by: Uuid,
    pub at: DateTime<Utc>,
}

/// Writes a save as version `expected + 1` if the agreement is still at
/// `expected`; whether it was.
pub async fn save_if_version(
    db: &impl ConnectionTrait,
    match_id: Uuid,
    expected: i32,
    save: Save,
) -> StoreResult<bool> {
    let result = agreement::Entity::update_many()
        .set(agreement::ActiveModel {
            version: Set(expected + 1),
            answers: Set(AnswerMap(save.answers)),
            mentor_signed_at: Set(save.signatures.mentor_signed_at),
            mentee_signed_at: Set(save.signatures.mentee_signed_at),
            shared_with_committee: Set(save.shared_with_committee),
            updated_by: Set(Some(save.by)),
            updated_at: Set(save.at),
            ..Default::default()
        })
        .filter(agreement::Column::MatchId.eq(match_id))
        .filter(agreement::Column::Version.eq(expected))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Signs `role`'s side at `at` if the agreement is still at `version` and
/// that side has not signed; whether it did.
pub async fn sign_if(
    db: &impl ConnectionTrait,
    match_id: Uuid,
    version: i32,
    role: ApplicationRole,
    at: DateTime<Utc>,
) -> StoreResult<bool> {
    let column = match role {
        ApplicationRole::Mentor => agreement::Column::MentorSignedAt,
        ApplicationRole::Mentee => agreement::Column::MenteeSignedAt,
    };
    let result = agreement::Entity::update_many()
        .col_expr(column, Expr::value(Some(at)))
        .filter(agreement::Column::MatchId.eq(match_id))
        .filter(agreement::Column::Version.eq(version))
        .filter(column.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Keeps a saved version.
pub async fn record_version(db: &impl ConnectionTrait, saved: &Agreement) -> StoreResult<()> {
    agreement_version::ActiveModel {
        id: Set(Uuid::new_v4()),
        match_id: Set(saved.match_id),
        version: Set(saved.version),
        answers: Set(saved.answers.clone()),
        shared_with_committee: Set(saved.shared_with_committee),
        updated_by: Set(saved.updated_by),
        created_at: Set(saved.updated_at),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A page of a match's saved versions, oldest first, and their total.
pub async fn versions(
    db: &impl ConnectionTrait,
    match_id: Uuid,
    page: PageRequest,
) -> StoreResult<(Vec<AgreementVersion>, u64)> {
    let query =
        agreement_version::Entity::find().filter(agreement_version::Column::MatchId.eq(match_id));
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_asc(agreement_version::Column::Version)
        .offset(page.offset())
        .limit(page.per_page)
        .all(db)
        .await?;
    Ok((rows, total))
}
