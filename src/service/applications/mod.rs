//! Applications: applying, editing, withdrawing, the committee's review,
//! list, dashboard counts and audit trail. An application is visible to its
//! author and the committee only; anyone else is told it does not exist.
mod apply;
mod read;
mod review;

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use uuid::Uuid;

pub use apply::{apply, update, withdraw};
pub use read::{get, latest, mine};
pub use review::{SORT_FIELDS, Summary, audit, list, review, summary};

use super::{ServiceError, ServiceResult};
use crate::domain::access::Actor;
use crate::domain::application::{self as rules, ApplicationForm};
use crate::domain::member::MembershipStatus;
use crate::domain::question::{QuestionForm, QuestionRule, answer_field_errors, check_answers};
use crate::store::members::{self, Member};
use crate::store::{self, applications as rows, questions};

pub use rows::{Application, AuditRow};

/// An application as one caller may see it.
#[derive(Clone, Debug)]
pub struct ApplicationView {
    /// The row's ids, status, review and instants; its form fields are
    /// moved into `form`.
    pub application: Application,
    /// The form; identity answers only for the author and the committee.
    pub form: ApplicationForm,
    pub member_name: String,
    pub member_email: String,
    /// The committee's review, for the committee only.
    pub review: Option<Review>,
}

#[derive(Clone, Debug)]
pub struct Review {
    pub note: Option<String>,
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: Option<DateTime<Utc>>,
}

fn view(application: Application, member: &Member, actor: &Actor) -> ApplicationView {
    view_named(
        application,
        member.full_name.clone(),
        member.email.clone(),
        actor,
    )
}

/// [`view`] of a row read with its author's name and address, which it
/// takes over (a page of 50 makes 50 views).
fn view_authored(row: rows::Authored, actor: &Actor) -> ApplicationView {
    view_named(row.application, row.author_name, row.author_email, actor)
}

fn view_named(
    mut application: Application,
    member_name: String,
    member_email: String,
    actor: &Actor,
) -> ApplicationView {
    let mut form = rows::take_form(&mut application);
    if !rules::sees_identity(actor, application.member_id) {
        form = form.without_identity();
    }
    let review = rules::sees_review(actor).then(|| Review {
        note: application.review_note.take(),
        reviewed_by: application.reviewed_by,
        reviewed_at: application.reviewed_at,
    });
    ApplicationView {
        application,
        form,
        member_name,
        member_email,
        review,
    }
}

async fn member(db: &impl store::Conn, id: Uuid) -> ServiceResult<Member> {
    members::find(db, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("member"))
}

/// Members by id, for naming many applications at once.
async fn members_by_id(
    db: &impl store::Conn,
    ids: impl Iterator<Item = Uuid>,
) -> ServiceResult<HashMap<Uuid, Member>> {
    let ids: Vec<Uuid> = ids.collect::<HashSet<_>>().into_iter().collect();
    Ok(members::find_many(db, &ids)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect())
}

/// The member's standing as the membership rule reads it.
fn membership_of(member: &Member) -> Option<MembershipStatus> {
    Some(member.membership_status)
}

/// The application if the actor may see it: its author or the committee.
async fn visible(db: &impl store::Conn, actor: &Actor, id: Uuid) -> ServiceResult<Application> {
    let app = rows::find(db, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("application"))?;
    rules::may_read(actor, app.member_id)?;
    Ok(app)
}

/// The application as the actor sees it, named after its author.
async fn view_of(
    db: &impl store::Conn,
    actor: &Actor,
    app: Application,
) -> ServiceResult<ApplicationView> {
    let member = member(db, app.member_id).await?;
    Ok(view(app, &member, actor))
}

/// Checks the whole form, and its answers against the cycle's questions;
/// answers already stored (`kept`) may refer to retired questions.
async fn check_form(
    db: &impl store::Conn,
    cycle_id: Uuid,
    form: &ApplicationForm,
    kept: &HashSet<Uuid>,
) -> ServiceResult<()> {
    let rules: Vec<_> = questions::list(db, cycle_id, QuestionForm::Application, true)
        .await?
        .iter()
        .map(questions::rule_of)
        .collect();
    check_form_against(&rules, form, kept).map_err(ServiceError::Validation)
}

/// Every rule of the form and of its answers against the cycle's
/// questions (`rules`, retired ones included), each failing field named.
pub(crate) fn check_form_against(
    rules: &[QuestionRule],
    form: &ApplicationForm,
    kept: &HashSet<Uuid>,
) -> Result<(), Vec<crate::domain::FieldError>> {
    form.check()?;
    let answers: Vec<(Uuid, serde_json::Value)> = form
        .answers
        .iter()
        .map(|a| (a.question_id, a.value.clone()))
        .collect();
    check_answers(rules, form.role, &answers, kept).map_err(answer_field_errors)
}

/// Moves an application to `to` if nobody moved it meanwhile, records the
/// action; a withdrawal cancels its unpublished matches, a review stores
/// its note.
/// A review's decision, which the applicant is told of.
struct Decided<'a> {
    decision: rules::ReviewDecision,
    cycle_name: &'a str,
}

async fn change_status(
    db: &store::Db,
    actor: &Actor,
    current: &Application,
    to: rules::ApplicationStatus,
    action: rules::AuditAction,
    note: Option<String>,
    decided: Option<Decided<'_>>,
) -> ServiceResult<Application> {
    let txn = store::begin_write(db).await?;
    let mut fields = vec!["status".to_owned()];
    let review = note.map(|note| {
        fields.push("review_note".to_owned());
        rows::ReviewNote {
            note,
            reviewer: actor.id,
        }
    });
    if !rows::set_status(&txn, current, to, review).await? {
        return Err(ServiceError::Conflict(
            "the application changed meanwhile; reload and try again".into(),
        ));
    }
    // An application that can no longer be matched (withdrawn, declined,
    // waitlisted) takes its proposed and approved matches with it, so
    // publishing can never make it `matched`.
    if !to.is_matchable() {
        rows::cancel_unpublished_matches(&txn, current.id).await?;
    }
    rows::record(&txn, current.id, actor.id, action, &fields).await?;
    if let Some(decided) = decided {
        let applicant = member(&txn, current.member_id).await?;
        crate::service::notify::application_decision(
            &txn,
            &applicant,
            current.id,
            decided.cycle_name,
            current.role,
            decided.decision,
        )
        .await?;
    }
    let updated = rows::find(&txn, current.id)
        .await?
        .ok_or_else(|| ServiceError::not_found("application"))?;
    store::commit(txn).await?;
    Ok(updated)
}
