//! Partnership agreements: each cycle's template (committee), and each
//! published match's agreement, which the two partners edit and sign and
//! the committee sees signed, not read, unless the pair shares it.
//!
//! A save names the version it edits; the write is conditional on it, so
//! two partners saving at once never lose an edit: the later one is a 409
//! naming the current version. An edit that changes an answer after a
//! signature clears both signatures and emails the other partner.
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::{ServiceError, ServiceResult, cycles, notify};
use crate::domain::access::Actor;
use crate::domain::agreement::{
    self, Answers, Pair, Section, Signatures, Viewer, check_template, default_sections, editable,
    may_read_versions, may_write, merge, sees_answers,
};
use crate::domain::application::ApplicationRole;
use crate::domain::cycle::CycleStatus;
use crate::paging::PageRequest;
use crate::store::{
    self, Db, agreements as rows, applications as apps, matches, members, members::Member,
};

pub use rows::{Agreement, AgreementVersion};

/// A cycle's template as it applies: the committee's, or the shipped
/// default (`is_default`, with no author or date).
#[derive(Clone, Debug)]
pub struct TemplateView {
    pub cycle_id: Uuid,
    pub sections: Vec<Section>,
    pub is_default: bool,
    pub updated_by: Option<Uuid>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// One section as the caller sees it; `answer` is `None` when the caller
/// may not read it (the committee, unshared) and `Some("")` when blank.
#[derive(Clone, Debug)]
pub struct SectionView {
    pub section: Section,
    pub answer: Option<String>,
}

/// A match's agreement as the caller sees it. Version 0 is the agreement
/// before its first save: the cycle's template, unanswered.
#[derive(Clone, Debug)]
pub struct AgreementView {
    pub match_id: Uuid,
    pub version: i32,
    pub sections: Vec<SectionView>,
    pub signatures: Signatures,
    pub shared_with_committee: bool,
    pub updated_by: Option<Uuid>,
    pub updated_at: Option<DateTime<Utc>>,
    pub term: Term,
}

/// The partnership's term the agreement covers: the mentoring period,
/// an extension with the pair's reason, the day it ended.
#[derive(Clone, Debug)]
pub struct Term {
    pub starts_on: NaiveDate,
    /// The mentoring end, or the extension when later.
    pub ends_on: NaiveDate,
    pub extended_until: Option<NaiveDate>,
    pub extension_reason: Option<String>,
    pub ended_on: Option<NaiveDate>,
}

async fn term_of(db: &impl store::Conn, m: &matches::Match) -> ServiceResult<Term> {
    let cycle = cycles::get_any(db, m.cycle_id).await?;
    Ok(Term {
        starts_on: cycle.mentoring_starts_on,
        ends_on: m
            .extended_until
            .map_or(cycle.mentoring_ends_on, |e| e.max(cycle.mentoring_ends_on)),
        extended_until: m.extended_until,
        extension_reason: m.extension_reason.clone(),
        ended_on: m.ended_on,
    })
}

/// A partner's save: the version it edits, the answers to change, and the
/// sharing, unchanged when `None`.
#[derive(Clone, Debug)]
pub struct Edit {
    pub version: i32,
    pub answers: Answers,
    pub shared_with_committee: Option<bool>,
}

/// The sections a cycle's new agreements take.
async fn cycle_sections(db: &impl store::Conn, cycle_id: Uuid) -> ServiceResult<TemplateView> {
    Ok(match rows::template(db, cycle_id).await? {
        Some(t) => TemplateView {
            cycle_id,
            sections: t.sections.0,
            is_default: false,
            updated_by: t.updated_by,
            updated_at: Some(t.updated_at),
        },
        None => TemplateView {
            cycle_id,
            sections: default_sections(),
            is_default: true,
            updated_by: None,
            updated_at: None,
        },
    })
}

/// A cycle's agreement template: the committee for any cycle, a member for
/// a cycle that is not a draft (404 otherwise).
pub async fn template(db: &Db, actor: &Actor, cycle_id: Uuid) -> ServiceResult<TemplateView> {
    let cycle = cycles::get(db, Some(actor), cycle_id).await?;
    cycle_sections(db, cycle.id).await
}

/// Sets a cycle's template (committee). Agreements already saved keep the
/// sections they were saved with. An archived cycle's is frozen (409).
#[tracing::instrument(skip_all, fields(cycle_id = %cycle_id))]
pub async fn set_template(
    db: &Db,
    actor: &Actor,
    cycle_id: Uuid,
    sections: Vec<Section>,
) -> ServiceResult<TemplateView> {
    actor.may_run_program()?;
    let sections = check_template(sections).map_err(ServiceError::Validation)?;
    let txn = store::begin_write(db).await?;
    let cycle = cycles::get_any(&txn, cycle_id).await?;
    if cycle.status == CycleStatus::Archived {
        return Err(ServiceError::Conflict(
            "the cycle is archived: its agreement template can no longer change".into(),
        ));
    }
    rows::put_template(&txn, cycle.id, sections, actor.id).await?;
    let view = cycle_sections(&txn, cycle.id).await?;
    store::commit(txn).await?;
    Ok(view)
}

/// A match as its agreement needs it: the match, who the caller is to it,
/// and the two partners.
struct Context {
    m: matches::Match,
    viewer: Viewer,
    mentor: Member,
    mentee: Member,
}

impl Context {
    /// The partner who is not `role`.
    fn other(&self, role: ApplicationRole) -> &Member {
        match role {
            ApplicationRole::Mentor => &self.mentee,
            ApplicationRole::Mentee => &self.mentor,
        }
    }

    fn member(&self, role: ApplicationRole) -> &Member {
        match role {
            ApplicationRole::Mentor => &self.mentor,
            ApplicationRole::Mentee => &self.mentee,
        }
    }
}

async fn context(db: &impl store::Conn, actor: &Actor, match_id: Uuid) -> ServiceResult<Context> {
    let m = matches::find(db, match_id)
        .await?
        .ok_or_else(|| ServiceError::not_found("agreement"))?;
    let mentor = members::get(db, apps::get(db, m.mentor_application_id).await?.member_id).await?;
    let mentee = members::get(db, apps::get(db, m.mentee_application_id).await?.member_id).await?;
    let viewer = agreement::viewer(
        actor,
        Pair {
            status: m.status,
            mentor_member_id: mentor.id,
            mentee_member_id: mentee.id,
        },
    )?;
    Ok(Context {
        m,
        viewer,
        mentor,
        mentee,
    })
}

/// The agreement as `viewer` sees it: the saved one, or (version 0) the
/// cycle's template unanswered.
async fn view_of(
    db: &impl store::Conn,
    ctx: &Context,
    saved: Option<Agreement>,
) -> ServiceResult<AgreementView> {
    let Some(a) = saved else {
        let sections = cycle_sections(db, ctx.m.cycle_id).await?.sections;
        let open = sees_answers(ctx.viewer, false);
        return Ok(AgreementView {
            match_id: ctx.m.id,
            version: 0,
            sections: sections
                .into_iter()
                .map(|section| SectionView {
                    section,
                    answer: open.then(String::new),
                })
                .collect(),
            signatures: Signatures::default(),
            shared_with_committee: false,
            updated_by: None,
            updated_at: None,
            term: term_of(db, &ctx.m).await?,
        });
    };
    let open = sees_answers(ctx.viewer, a.shared_with_committee);
    let answers = a.answers.0;
    Ok(AgreementView {
        match_id: ctx.m.id,
        version: a.version,
        sections: a
            .sections
            .0
            .into_iter()
            .map(|section| {
                let answer = open.then(|| answers.get(&section.key).cloned().unwrap_or_default());
                SectionView { section, answer }
            })
            .collect(),
        signatures: Signatures {
            mentor_signed_at: a.mentor_signed_at,
            mentee_signed_at: a.mentee_signed_at,
        },
        shared_with_committee: a.shared_with_committee,
        updated_by: a.updated_by,
        updated_at: Some(a.updated_at),
        term: term_of(db, &ctx.m).await?,
    })
}

/// A match's agreement: the partners read it whole, the committee its
/// signatures (and its answers when shared); anyone else, and any match
/// not published, is a 404.
pub async fn get(db: &Db, actor: &Actor, match_id: Uuid) -> ServiceResult<AgreementView> {
    let ctx = context(db, actor, match_id).await?;
    let saved = rows::find(db, match_id).await?;
    view_of(db, &ctx, saved).await
}

fn stale(current: i32, sent: i32) -> ServiceError {
    ServiceError::Conflict(format!(
        "the agreement is at version {current}, not {sent}: it changed meanwhile; \
         reload it and apply your edit to version {current}"
    ))
}

fn not_editable(status: crate::domain::matches::MatchStatus) -> ServiceResult<()> {
    editable(status).map_err(ServiceError::Conflict)
}

/// A partner saves the agreement (see the module's rules). True in the
/// second value when a message was queued.
#[tracing::instrument(skip_all, fields(match_id = %match_id))]
pub async fn save(
    db: &Db,
    actor: &Actor,
    match_id: Uuid,
    edit: Edit,
) -> ServiceResult<(AgreementView, bool)> {
    let txn = store::begin_write(db).await?;
    let ctx = context(&txn, actor, match_id).await?;
    let role = may_write(ctx.viewer)?;
    not_editable(ctx.m.status)?;
    let now = Utc::now();
    let mut queued = false;
    match rows::find(&txn, match_id).await? {
        None => {
            if edit.version != 0 {
                return Err(stale(0, edit.version));
            }
            let sections = cycle_sections(&txn, ctx.m.cycle_id).await?.sections;
            let merged = merge(&sections, &Answers::new(), edit.answers)
                .map_err(ServiceError::Validation)?;
            let first = rows::FirstSave {
                match_id,
                sections,
                answers: merged.answers,
                shared_with_committee: edit.shared_with_committee.unwrap_or(false),
                by: actor.id,
                at: now,
            };
            if !rows::insert_first(&txn, first).await? {
                return Err(stale(1, edit.version));
            }
        }
        Some(current) => {
            if current.version != edit.version {
                return Err(stale(current.version, edit.version));
            }
            let merged = merge(&current.sections.0, &current.answers.0, edit.answers)
                .map_err(ServiceError::Validation)?;
            let before = Signatures {
                mentor_signed_at: current.mentor_signed_at,
                mentee_signed_at: current.mentee_signed_at,
            };
            let save = rows::Save {
                answers: merged.answers,
                signatures: before.after_edit(merged.changed),
                shared_with_committee: edit
                    .shared_with_committee
                    .unwrap_or(current.shared_with_committee),
                by: actor.id,
                at: now,
            };
            if !rows::save_if_version(&txn, match_id, current.version, save).await? {
                let now_at = rows::find(&txn, match_id).await?.map_or(0, |a| a.version);
                return Err(stale(now_at, edit.version));
            }
            if merged.changed && before.any() {
                let cycle = cycles::get_any(&txn, ctx.m.cycle_id).await?;
                queued = notify::agreement_changed(
                    &txn,
                    ctx.other(role),
                    match_id,
                    current.version + 1,
                    &cycle.name,
                    &ctx.member(role).full_name,
                )
                .await?;
            }
        }
    }
    let saved = rows::find(&txn, match_id)
        .await?
        .ok_or_else(|| ServiceError::not_found("agreement"))?;
    rows::record_version(&txn, &saved).await?;
    let view = view_of(&txn, &ctx, Some(saved)).await?;
    store::commit(txn).await?;
    Ok((view, queued))
}

/// The caller's side signs the current version. An agreement never saved
/// cannot be signed (409), nor can one side sign the same version twice.
#[tracing::instrument(skip_all, fields(match_id = %match_id))]
pub async fn sign(db: &Db, actor: &Actor, match_id: Uuid) -> ServiceResult<AgreementView> {
    let txn = store::begin_write(db).await?;
    let ctx = context(&txn, actor, match_id).await?;
    let role = may_write(ctx.viewer)?;
    not_editable(ctx.m.status)?;
    let current = rows::find(&txn, match_id).await?.ok_or_else(|| {
        ServiceError::Conflict("the agreement has not been saved yet: save it, then sign".into())
    })?;
    let signatures = Signatures {
        mentor_signed_at: current.mentor_signed_at,
        mentee_signed_at: current.mentee_signed_at,
    };
    let now = Utc::now();
    signatures.sign(role, now).map_err(ServiceError::Conflict)?;
    if !rows::sign_if(&txn, match_id, current.version, role, now).await? {
        return Err(ServiceError::Conflict(
            "the agreement changed meanwhile; reload it and sign again".into(),
        ));
    }
    let saved = rows::find(&txn, match_id).await?;
    let view = view_of(&txn, &ctx, saved).await?;
    store::commit(txn).await?;
    Ok(view)
}

/// A page of every saved version, oldest first: the partners, and the
/// committee when the pair shares the agreement; anyone else 404.
pub async fn versions(
    db: &Db,
    actor: &Actor,
    match_id: Uuid,
    page: PageRequest,
) -> ServiceResult<(Vec<AgreementVersion>, u64)> {
    let ctx = context(db, actor, match_id).await?;
    let shared = rows::find(db, match_id)
        .await?
        .is_some_and(|a| a.shared_with_committee);
    may_read_versions(ctx.viewer, shared)?;
    Ok(rows::versions(db, match_id, page).await?)
}
