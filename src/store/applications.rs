//! Application rows and their audit trail. No rules here: the service
//! decides what may change and writes the form as the domain normalised it.
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DerivePartialModel,
    EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::Expr,
};
use uuid::Uuid;

use super::entities::application::{Answers, CareerStages, LibraryTypes, MeetingModes, Tags};
use super::entities::application_audit::FieldNames;
use super::entities::{application, application_audit, member};
use super::local::LocalReads;
use super::{StoreError, StoreResult};
use crate::domain::application::{
    ApplicationForm, ApplicationRole, ApplicationStatus, AuditAction, CareerStage,
    MatchingPreference,
};

pub use application::Model as Application;
pub use application_audit::Model as AuditRow;

pub fn status_of(a: &Application) -> ApplicationStatus {
    a.status
}

pub fn role_of(a: &Application) -> ApplicationRole {
    a.role
}

/// What the matching engine reads of an application: no free text, so a
/// big cohort loads a fraction of its rows' bytes.
#[derive(Clone, Debug, PartialEq, DerivePartialModel)]
#[sea_orm(entity = "application::Entity")]
pub struct MatchingFields {
    pub id: Uuid,
    pub member_id: Uuid,
    pub role: ApplicationRole,
    pub status: ApplicationStatus,
    pub library_types: LibraryTypes,
    pub interests: Tags,
    pub career_stage: CareerStage,
    pub region: String,
    pub meeting_modes: MeetingModes,
    pub matching_preference: MatchingPreference,
    pub identity_tags: Tags,
    pub identity_consent: bool,
    pub employer: String,
    pub capacity: Option<i32>,
    pub mentee_stages: Option<CareerStages>,
}

impl From<&Application> for MatchingFields {
    fn from(a: &Application) -> Self {
        Self {
            id: a.id,
            member_id: a.member_id,
            role: a.role,
            status: a.status,
            library_types: a.library_types.clone(),
            interests: a.interests.clone(),
            career_stage: a.career_stage,
            region: a.region.clone(),
            meeting_modes: a.meeting_modes.clone(),
            matching_preference: a.matching_preference,
            identity_tags: a.identity_tags.clone(),
            identity_consent: a.identity_consent,
            employer: a.employer.clone(),
            capacity: a.capacity,
            mentee_stages: a.mentee_stages.clone(),
        }
    }
}

/// A cycle's applications as the matching engine reads them (read on the
/// calling thread when `local` is set: a SQLite file).
pub async fn matching_fields_for_cycle(
    db: &impl ConnectionTrait,
    local: Option<&LocalReads>,
    cycle_id: Uuid,
) -> StoreResult<Vec<MatchingFields>> {
    use sea_orm::PartialModelTrait;
    let select = application::Entity::find()
        .select_only()
        .filter(application::Column::CycleId.eq(cycle_id));
    super::all_with(db, local, MatchingFields::select_cols(select)).await
}

/// The stored application as a form (what its author filled in).
pub fn form_of(a: &Application) -> ApplicationForm {
    take_form(&mut a.clone())
}

/// The stored application as a form, its fields moved out of `a` rather
/// than copied (a page of applications answers with every form): what is
/// left in `a` is its ids, status, review and instants, with empty form
/// fields.
pub fn take_form(a: &mut Application) -> ApplicationForm {
    use std::mem::take;
    ApplicationForm {
        role: a.role,
        library_types: take(&mut a.library_types.0),
        interests: take(&mut a.interests.0),
        career_stage: a.career_stage,
        region: take(&mut a.region),
        meeting_modes: take(&mut a.meeting_modes.0),
        availability: take(&mut a.availability),
        matching_preference: a.matching_preference,
        identity_tags: take(&mut a.identity_tags.0),
        identity_consent: a.identity_consent,
        employer: take(&mut a.employer),
        pronouns: take(&mut a.pronouns),
        current_role: a.current_role.take(),
        years_experience: a.years_experience,
        past_experience: a.past_experience.take(),
        support_approach: a.support_approach.take(),
        motivation: take(&mut a.motivation),
        capacity: a.capacity,
        learning_goals: a.learning_goals.take(),
        career_goals: a.career_goals.take(),
        library_school: a.library_school,
        mentee_stages: a.mentee_stages.take().map(|s| s.0).unwrap_or_default(),
        answers: take(&mut a.answers.0),
    }
}

/// Writes every form field into `row`, as given.
fn write_form(row: &mut application::ActiveModel, form: ApplicationForm) {
    row.role = Set(form.role);
    row.library_types = Set(LibraryTypes(form.library_types));
    row.interests = Set(Tags(form.interests));
    row.career_stage = Set(form.career_stage);
    row.region = Set(form.region);
    row.meeting_modes = Set(MeetingModes(form.meeting_modes));
    row.availability = Set(form.availability);
    row.matching_preference = Set(form.matching_preference);
    row.identity_tags = Set(Tags(form.identity_tags));
    row.identity_consent = Set(form.identity_consent);
    row.employer = Set(form.employer);
    row.pronouns = Set(form.pronouns);
    row.current_role = Set(form.current_role);
    row.years_experience = Set(form.years_experience);
    row.past_experience = Set(form.past_experience);
    row.support_approach = Set(form.support_approach);
    row.motivation = Set(form.motivation);
    row.capacity = Set(form.capacity);
    row.learning_goals = Set(form.learning_goals);
    row.career_goals = Set(form.career_goals);
    row.library_school = Set(form.library_school);
    row.mentee_stages = Set(Some(CareerStages(form.mentee_stages)));
    row.answers = Set(Answers(form.answers));
}

fn audit_row(
    application_id: Uuid,
    actor_id: Uuid,
    action: AuditAction,
    fields: Vec<String>,
) -> application_audit::ActiveModel {
    application_audit::ActiveModel {
        id: Set(Uuid::new_v4()),
        application_id: Set(application_id),
        actor_id: Set(actor_id),
        action: Set(action),
        fields: Set(FieldNames(fields)),
        created_at: Set(Utc::now()),
    }
}

/// Records one action on an application, naming the fields it changed.
pub async fn record(
    db: &impl ConnectionTrait,
    application_id: Uuid,
    actor_id: Uuid,
    action: AuditAction,
    fields: &[String],
) -> StoreResult<()> {
    audit_row(application_id, actor_id, action, fields.to_vec())
        .insert(db)
        .await?;
    Ok(())
}

/// One audit entry per application, for a change many applications had at
/// once (publishing matches makes them `matched`).
pub(crate) async fn record_each(
    db: &impl ConnectionTrait,
    application_ids: &[Uuid],
    actor_id: Uuid,
    action: AuditAction,
    fields: &[&str],
) -> StoreResult<()> {
    let fields: Vec<String> = fields.iter().map(|f| (*f).to_owned()).collect();
    for chunk in application_ids.chunks(500) {
        let rows = chunk
            .iter()
            .map(|id| audit_row(*id, actor_id, action, fields.clone()));
        application_audit::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Stores a new, submitted application. The unique index on (cycle,
/// member) refuses a second one, even when two arrive at once.
pub async fn insert(
    db: &impl ConnectionTrait,
    cycle_id: Uuid,
    member_id: Uuid,
    submitted_by: Uuid,
    form: ApplicationForm,
) -> StoreResult<Application> {
    let now = Utc::now();
    let mut row = application::ActiveModel {
        id: Set(Uuid::new_v4()),
        cycle_id: Set(cycle_id),
        member_id: Set(member_id),
        status: Set(ApplicationStatus::Submitted),
        review_note: Set(None),
        reviewed_by: Set(None),
        reviewed_at: Set(None),
        submitted_by: Set(submitted_by),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    write_form(&mut row, form);
    Ok(row.insert(db).await?)
}

/// Stores many new, submitted applications to one cycle: multi-row
/// `INSERT`s of 300 rows (32 values each, under both databases' limits),
/// and one `created` audit entry each. Returns their ids.
#[tracing::instrument(skip_all, fields(count = new.len()))]
pub async fn insert_many(
    db: &impl ConnectionTrait,
    cycle_id: Uuid,
    submitted_by: Uuid,
    new: Vec<(Uuid, ApplicationForm)>,
) -> StoreResult<Vec<Uuid>> {
    let now = Utc::now();
    let mut ids = Vec::with_capacity(new.len());
    let mut rows = new.into_iter().map(|(member_id, form)| {
        let id = Uuid::new_v4();
        ids.push(id);
        let mut row = application::ActiveModel {
            id: Set(id),
            cycle_id: Set(cycle_id),
            member_id: Set(member_id),
            status: Set(ApplicationStatus::Submitted),
            review_note: Set(None),
            reviewed_by: Set(None),
            reviewed_at: Set(None),
            submitted_by: Set(submitted_by),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        write_form(&mut row, form);
        row
    });
    loop {
        let chunk: Vec<_> = rows.by_ref().take(300).collect();
        if chunk.is_empty() {
            break;
        }
        application::Entity::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    drop(rows);
    record_each(db, &ids, submitted_by, AuditAction::Created, &[]).await?;
    Ok(ids)
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<Option<Application>> {
    Ok(application::Entity::find_by_id(id).one(db).await?)
}

/// An application that must exist (`StoreError::NotFound` otherwise).
pub async fn get(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<Application> {
    find(db, id)
        .await?
        .ok_or_else(|| StoreError::NotFound("application not found".into()))
}

/// A page of a cycle's applications with their authors, optionally of one
/// role and status, sorted by `created_at` or `updated_at` (anything else
/// is `created_at`) with ties broken by id in the same direction; and how
/// many there are.
pub async fn page_for_cycle(
    db: &impl ConnectionTrait,
    local: Option<&LocalReads>,
    cycle_id: Uuid,
    role: Option<ApplicationRole>,
    status: Option<ApplicationStatus>,
    (field, order): crate::paging::Sort,
    page: crate::paging::PageRequest,
) -> StoreResult<(Vec<Authored>, u64)> {
    let (query, kept) = super::filtered_and_kept(
        application::Entity::find(),
        "application_counts",
        [
            Some((application::Column::CycleId, cycle_id.into())),
            role.map(|role| (application::Column::Role, role.into())),
            status.map(|status| (application::Column::Status, status.into())),
        ]
        .into_iter()
        .flatten(),
    );
    let column = match field {
        "updated_at" => application::Column::UpdatedAt,
        _ => application::Column::CreatedAt,
    };
    let order: sea_orm::Order = order.into();
    let sorted = |q: sea_orm::Select<application::Entity>| {
        q.order_by(column, order.clone())
            .order_by(application::Column::Id, order.clone())
    };
    if let Some(reads @ LocalReads::Postgres(_)) = local {
        let statements = super::page_statements(query, Some(kept), sorted, page);
        let statements = super::PageStatements {
            with_total: authors_beside(&statements, column, order.clone()),
            ..statements
        };
        return reads.page_and_total(&statements).await;
    }
    // The authors join the page only.
    super::page_and_total(
        db,
        local,
        query,
        Some(kept),
        |q| sorted(with_author(q)),
        page,
    )
    .await
}

/// On PostgreSQL, the page of applications alone (`statements.page`, named
/// as the table), each of its rows then joined to its author by one lookup,
/// and the total: as `with_author` and `page_and_total` read it, column for
/// column. A plain join reaches the authors of the rows `OFFSET` skips as
/// well (150 lookups for the third page of 50), and PostgreSQL's plan for
/// a join of the page as a subquery reads the whole members table; a
/// lateral lookup with `LIMIT 1` is always the 50 lookups (the database's
/// CPU per applications page 405 → 336 µs, README "Reads under load").
/// SQLite has no lateral joins; its plain join costs it less.
fn authors_beside(
    statements: &super::PageStatements,
    column: application::Column,
    order: sea_orm::Order,
) -> sea_orm::sea_query::SelectStatement {
    use sea_orm::sea_query::{Alias, Asterisk, ExprTrait, JoinType, Query};
    let author = Alias::new("author");
    let mut lookup = Query::select();
    lookup
        .columns([member::Column::FullName, member::Column::Email])
        .from(member::Entity)
        .and_where(
            Expr::col((member::Entity, member::Column::Id))
                .equals((application::Entity, application::Column::MemberId)),
        )
        .limit(1);
    let mut page = Query::select();
    page.column((application::Entity, Asterisk))
        .expr_as(
            Expr::col((author.clone(), member::Column::FullName)),
            AUTHOR_NAME,
        )
        .expr_as(
            Expr::col((author.clone(), member::Column::Email)),
            AUTHOR_EMAIL,
        )
        .expr_as(super::total_of(&statements.count), super::PAGE_TOTAL)
        .from_subquery(statements.page.clone(), application::Entity)
        .join_lateral(
            JoinType::InnerJoin,
            lookup,
            author,
            sea_orm::Condition::all(),
        )
        .order_by((application::Entity, column), order.clone())
        .order_by((application::Entity, application::Column::Id), order);
    page
}

/// An application and its author, in one query.
pub async fn find_with_author(
    db: &impl ConnectionTrait,
    local: Option<&LocalReads>,
    id: Uuid,
) -> StoreResult<Option<Authored>> {
    super::one_with(db, local, with_author(application::Entity::find_by_id(id))).await
}

/// An application with its author's name and address, as its views show
/// them.
#[derive(Clone, Debug)]
pub struct Authored {
    pub application: Application,
    pub author_name: String,
    pub author_email: String,
}

/// `select` with its author's two columns riding along under names of
/// their own: the application's columns keep their plain names, so reading
/// a row builds no prefixed column name per cell (sea-orm's
/// `find_also_related` formats one for each of the 44 columns of each row,
/// about a quarter of a page's CPU).
fn with_author(
    select: sea_orm::Select<application::Entity>,
) -> sea_orm::Select<application::Entity> {
    select
        .join(
            sea_orm::JoinType::InnerJoin,
            sea_orm::RelationTrait::def(&application::Relation::Member),
        )
        .column_as(member::Column::FullName, AUTHOR_NAME)
        .column_as(member::Column::Email, AUTHOR_EMAIL)
}

const AUTHOR_NAME: &str = "author_full_name";
const AUTHOR_EMAIL: &str = "author_email";

impl sea_orm::FromQueryResult for Authored {
    fn from_query_result(row: &sea_orm::QueryResult, pre: &str) -> Result<Self, sea_orm::DbErr> {
        Ok(Self {
            application: Application::from_query_result(row, pre)?,
            author_name: row.try_get(pre, AUTHOR_NAME)?,
            author_email: row.try_get(pre, AUTHOR_EMAIL)?,
        })
    }
}

pub async fn for_cycle(db: &impl ConnectionTrait, cycle_id: Uuid) -> StoreResult<Vec<Application>> {
    Ok(application::Entity::find()
        .filter(application::Column::CycleId.eq(cycle_id))
        .order_by_asc(application::Column::CreatedAt)
        .order_by_asc(application::Column::Id)
        .all(db)
        .await?)
}

/// Whether the cycle has any application.
pub async fn exist_in_cycle(db: &impl ConnectionTrait, cycle_id: Uuid) -> StoreResult<bool> {
    Ok(application::Entity::find()
        .filter(application::Column::CycleId.eq(cycle_id))
        .count(db)
        .await?
        > 0)
}

/// A member's applications, newest first.
pub async fn for_member(
    db: &impl ConnectionTrait,
    member_id: Uuid,
) -> StoreResult<Vec<Application>> {
    Ok(application::Entity::find()
        .filter(application::Column::MemberId.eq(member_id))
        .order_by_desc(application::Column::CreatedAt)
        .order_by_asc(application::Column::Id)
        .all(db)
        .await?)
}

/// Replaces the form.
pub async fn update_form(
    db: &impl ConnectionTrait,
    current: Application,
    form: ApplicationForm,
) -> StoreResult<Application> {
    let mut row = current.into_active_model();
    write_form(&mut row, form);
    row.updated_at = Set(Utc::now());
    Ok(row.update(db).await?)
}

/// A review to store with a status change: the note and who wrote it.
pub struct ReviewNote {
    pub note: String,
    pub reviewer: Uuid,
}

/// Moves an application to `to` only if it is still in the status it was
/// read in; whether it did. A review also stores its note.
pub async fn set_status(
    db: &impl ConnectionTrait,
    current: &Application,
    to: ApplicationStatus,
    review: Option<ReviewNote>,
) -> StoreResult<bool> {
    let now = Utc::now();
    let mut update = application::Entity::update_many()
        .col_expr(application::Column::Status, Expr::value(to))
        .col_expr(application::Column::UpdatedAt, Expr::value(now))
        .filter(application::Column::Id.eq(current.id))
        .filter(application::Column::Status.eq(current.status));
    if let Some(review) = review {
        update = update
            .col_expr(application::Column::ReviewNote, Expr::value(review.note))
            .col_expr(
                application::Column::ReviewedBy,
                Expr::value(review.reviewer),
            )
            .col_expr(application::Column::ReviewedAt, Expr::value(now));
    }
    Ok(update.exec(db).await?.rows_affected == 1)
}

/// Cancels the proposed or approved matches of an application.
pub async fn cancel_unpublished_matches(
    db: &impl ConnectionTrait,
    application_id: Uuid,
) -> StoreResult<()> {
    use super::entities::matches;
    use crate::domain::matches::MatchStatus;
    matches::Entity::update_many()
        .col_expr(matches::Column::Status, Expr::value(MatchStatus::Cancelled))
        .col_expr(matches::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(
            sea_orm::Condition::any()
                .add(matches::Column::MentorApplicationId.eq(application_id))
                .add(matches::Column::MenteeApplicationId.eq(application_id)),
        )
        .filter(matches::Column::Status.is_in([MatchStatus::Proposed, MatchStatus::Approved]))
        .exec(db)
        .await?;
    Ok(())
}

/// The audit trail, oldest first.
pub async fn audit_trail(
    db: &impl ConnectionTrait,
    application_id: Uuid,
) -> StoreResult<Vec<AuditRow>> {
    Ok(application_audit::Entity::find()
        .filter(application_audit::Column::ApplicationId.eq(application_id))
        .order_by_asc(application_audit::Column::CreatedAt)
        .order_by_asc(application_audit::Column::Id)
        .all(db)
        .await?)
}

/// How many applications a cycle has, whatever their status.
pub async fn count_for_cycle(db: &impl ConnectionTrait, cycle_id: Uuid) -> StoreResult<u64> {
    Ok(application::Entity::find()
        .filter(application::Column::CycleId.eq(cycle_id))
        .count(db)
        .await?)
}
