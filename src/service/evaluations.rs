//! End-of-cycle evaluations: participants submit and edit their own; the
//! committee reads them, approves quotes for the testimonials, and gets the
//! cycle's report; anyone reads the public report and the testimonials.
//! The rules (window, values, how figures count) are in
//! `domain::evaluation`.
use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use uuid::Uuid;

use super::{ServiceError, ServiceResult, cadence, cycles, notify};
use crate::domain::access::Actor;
use crate::domain::application::ApplicationRole;
use crate::domain::evaluation::{
    self as rules, EvaluationChanges, EvaluationFields, QUOTE_MAX_CHARS, QuoteConsent, Share,
    pair_keeps_in_touch,
};
use crate::domain::matches::{EndReason, MatchSides, MatchStatus, own_side};
use crate::domain::notification::Event;
use crate::domain::question::{QuestionForm, Tally, answer_field_errors, check_answers, tally};
use crate::paging::PageRequest;
use crate::store::cadence::CountScope;
use crate::store::evaluations::{self as rows, Author};
use crate::store::{self, Db, StoreError, applications as apps, members, questions};

pub use rows::Evaluation;

/// The caller's published match in a cycle and their role in it.
struct Participation {
    match_id: Uuid,
    role: ApplicationRole,
}

/// The caller's published match in `cycle_id` (active, completed or ended
/// early), the most recently published one if there are two.
async fn participation(
    db: &impl store::Conn,
    member_id: Uuid,
    cycle_id: Uuid,
) -> ServiceResult<Option<Participation>> {
    let mine: Vec<Uuid> = apps::for_member(db, member_id)
        .await?
        .into_iter()
        .filter(|a| a.cycle_id == cycle_id)
        .map(|a| a.id)
        .collect();
    if mine.is_empty() {
        return Ok(None);
    }
    for m in store::matches::published_for(db, &mine).await? {
        let sides = MatchSides {
            mentor_application_id: m.mentor_application_id,
            mentee_application_id: m.mentee_application_id,
            status: m.status,
        };
        if let Ok(role) = own_side(&mine, sides) {
            return Ok(Some(Participation {
                match_id: m.id,
                role,
            }));
        }
    }
    Ok(None)
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// Checks the standard answers, and the answers to the evaluation form's
/// own questions for `role` (answers already stored, `kept`, may refer to
/// retired questions); every failing field named.
async fn checked(
    db: &impl store::Conn,
    cycle_id: Uuid,
    role: ApplicationRole,
    fields: EvaluationFields,
    kept: &HashSet<Uuid>,
) -> ServiceResult<EvaluationFields> {
    let rules: Vec<_> = questions::list(db, cycle_id, QuestionForm::Evaluation, true)
        .await?
        .iter()
        .map(questions::rule_of)
        .collect();
    let answers: Vec<(Uuid, serde_json::Value)> = fields
        .answers
        .iter()
        .map(|a| (a.question_id, a.value.clone()))
        .collect();
    let own = check_answers(&rules, role, &answers, kept).map_err(answer_field_errors);
    match (fields.checked(), own) {
        (Ok(fields), Ok(())) => Ok(fields),
        (Ok(_), Err(errors)) | (Err(errors), Ok(())) => Err(ServiceError::Validation(errors)),
        (Err(mut errors), Err(more)) => {
            errors.extend(more);
            Err(ServiceError::Validation(errors))
        }
    }
}

/// Submits the caller's evaluation of a cycle they took part in: 403 for
/// anyone who was not a partner in a published match of it, 409 outside the
/// window or for a second one, 422 for bad values.
#[tracing::instrument(skip_all, fields(cycle_id = %cycle_id))]
pub async fn create(
    db: &Db,
    actor: &Actor,
    cycle_id: Uuid,
    fields: EvaluationFields,
) -> ServiceResult<Evaluation> {
    let cycle = cycles::get(db, Some(actor), cycle_id).await?;
    let Some(part) = participation(db, actor.id, cycle_id).await? else {
        return Err(ServiceError::Forbidden(
            "only the partners of a published match of this cycle evaluate it".into(),
        ));
    };
    rules::window(
        cycle.status,
        cycle.mentoring_ends_on,
        cycle.evaluation_closes_on,
        today(),
    )
    .map_err(ServiceError::Conflict)?;
    let fields = checked(db, cycle_id, part.role, fields, &HashSet::new()).await?;
    let author = Author {
        cycle_id,
        match_id: part.match_id,
        member_id: actor.id,
        role: part.role,
    };
    rows::insert(db, author, fields).await.map_err(|e| match e {
        StoreError::Unique => ServiceError::Conflict(
            "you have already evaluated this cycle; edit that evaluation (GET /me/evaluations)"
                .into(),
        ),
        other => other.into(),
    })
}

/// An evaluation its author or the committee may read; 404 for anyone else.
async fn readable(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<Evaluation> {
    let e = rows::find(db, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("evaluation"))?;
    actor.may_read_owned(e.member_id, "evaluation")?;
    Ok(e)
}

pub async fn get(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<Evaluation> {
    readable(db, actor, id).await
}

/// Edits an evaluation: its author while the window is open, or the
/// committee. Changing the quote or its consent takes an approved quote off
/// the testimonials until the committee approves it again.
#[tracing::instrument(skip_all, fields(evaluation_id = %id))]
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    changes: EvaluationChanges,
) -> ServiceResult<Evaluation> {
    let txn = store::begin_write(db).await?;
    let current = rows::find(&txn, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("evaluation"))?;
    actor.may_read_owned(current.member_id, "evaluation")?;
    if actor.id == current.member_id {
        let cycle = cycles::get_any(&txn, current.cycle_id).await?;
        rules::window(
            cycle.status,
            cycle.mentoring_ends_on,
            cycle.evaluation_closes_on,
            today(),
        )
        .map_err(ServiceError::Conflict)?;
    }
    let withdraw = changes.touches_quote();
    let kept: HashSet<Uuid> = current.answers.0.iter().map(|a| a.question_id).collect();
    let fields = changes.apply(current.fields());
    let fields = checked(&txn, current.cycle_id, current.role, fields, &kept).await?;
    let updated = rows::update(&txn, current, fields, withdraw).await?;
    store::commit(txn).await?;
    Ok(updated)
}

/// Days before the close when the one reminder goes.
pub const REMINDER_DAYS_BEFORE_CLOSE: i64 = 7;

/// Queues the evaluation requests and the one reminder: for every cycle
/// whose evaluations are open on `today`, each partner of a published match
/// who has not evaluated it gets the request once, and, in the last week
/// before the close, one reminder (unless they turned reminders off). The
/// cycle and the kind are in each message's key, so another run queues
/// nothing twice. Returns how many were queued.
pub async fn queue_requests(db: &Db, today: NaiveDate) -> ServiceResult<u64> {
    use crate::domain::cycle::CycleStatus;
    let mut queued = 0;
    for status in [CycleStatus::Active, CycleStatus::Closed] {
        for cycle in store::cycles::all_in_status(db, status).await? {
            let open = rules::window(
                cycle.status,
                cycle.mentoring_ends_on,
                cycle.evaluation_closes_on,
                today,
            );
            if open.is_err() {
                continue;
            }
            let closing =
                (cycle.evaluation_closes_on - today).num_days() < REMINDER_DAYS_BEFORE_CLOSE;
            let done: HashSet<Uuid> = rows::of_cycle(db, cycle.id)
                .await?
                .into_iter()
                .map(|e| e.member_id)
                .collect();
            let mut waiting: BTreeMap<Uuid, ApplicationRole> = BTreeMap::new();
            for p in store::cadence::matches_of_cycle(db, cycle.id, false).await? {
                waiting.insert(p.mentor_member_id, ApplicationRole::Mentor);
                waiting.insert(p.mentee_member_id, ApplicationRole::Mentee);
            }
            let txn = store::begin_write(db).await?;
            for (member_id, role) in waiting.into_iter().filter(|(m, _)| !done.contains(m)) {
                let Some(member) = members::find(&txn, member_id).await? else {
                    continue;
                };
                let context = serde_json::json!({
                    "cycle_name": cycle.name,
                    "role": role.as_str(),
                    "closes_on": cycle.evaluation_closes_on.format("%-d %B %Y").to_string(),
                    "evaluation_url": format!("/cycles/{}/evaluation", cycle.id),
                });
                let mut events = vec![Event::EvaluationRequested];
                if closing {
                    events.push(Event::EvaluationReminder);
                }
                for event in events {
                    let key = cycle.id.to_string();
                    if notify::queue(&txn, event, &key, &member, context.clone()).await? {
                        queued += 1;
                    }
                }
            }
            store::commit(txn).await?;
        }
    }
    Ok(queued)
}

/// Every evaluation of a cycle (committee), oldest first.
pub async fn of_cycle(db: &Db, actor: &Actor, cycle_id: Uuid) -> ServiceResult<Vec<Evaluation>> {
    actor.may_run_program()?;
    cycles::get_any(db, cycle_id).await?;
    Ok(rows::of_cycle(db, cycle_id).await?)
}

/// The full names of the evaluations' authors, read in one query.
async fn author_names(db: &Db, evaluations: &[Evaluation]) -> ServiceResult<HashMap<Uuid, String>> {
    let ids: Vec<Uuid> = evaluations.iter().map(|e| e.member_id).collect();
    Ok(members::find_many(db, &ids)
        .await?
        .into_iter()
        .map(|m| (m.id, m.full_name))
        .collect())
}

/// A cycle's evaluations for the committee's spreadsheet.
pub struct Export {
    /// Every question of the evaluation form, retired ones included (their
    /// answers are kept), in order.
    pub questions: Vec<questions::Question>,
    /// Each evaluation with its author's name, left out (`None`) where the
    /// author asked for their quote to be published anonymously.
    pub rows: Vec<(Evaluation, Option<String>)>,
}

/// A cycle's evaluations for the committee's spreadsheet (committee).
pub async fn export_of_cycle(db: &Db, actor: &Actor, cycle_id: Uuid) -> ServiceResult<Export> {
    let all = of_cycle(db, actor, cycle_id).await?;
    let mut names = author_names(db, &all).await?;
    let questions = questions::list(db, cycle_id, QuestionForm::Evaluation, true).await?;
    let rows = all
        .into_iter()
        .map(|e| {
            let name = match e.quote_consent {
                QuoteConsent::Anonymous => None,
                QuoteConsent::Named | QuoteConsent::None => names.remove(&e.member_id),
            };
            (e, name)
        })
        .collect();
    Ok(Export { questions, rows })
}

/// The caller's evaluations, newest first.
pub async fn mine(
    db: &Db,
    actor: &Actor,
    page: PageRequest,
) -> ServiceResult<(Vec<Evaluation>, u64)> {
    Ok(rows::of_member(db, actor.id, page).await?)
}

/// The evaluation form of a cycle as the caller gets it.
pub struct Form {
    /// The caller's role in their published match of the cycle, if any.
    pub role: Option<ApplicationRole>,
    /// The meetings their match logged as held, to prefill the form.
    pub prefill_meetings_held: Option<u32>,
    /// The form's own questions for that role (for both roles when the
    /// caller took no part), retired ones left out.
    pub questions: Vec<questions::Question>,
}

/// What the evaluation form asks the caller and starts with: their role's
/// own questions, and the meetings their match logged as held.
pub async fn form(db: &Db, actor: &Actor, cycle_id: Uuid) -> ServiceResult<Form> {
    cycles::get(db, Some(actor), cycle_id).await?;
    let part = participation(db, actor.id, cycle_id).await?;
    let role = part.as_ref().map(|p| p.role);
    let questions = questions::list(db, cycle_id, QuestionForm::Evaluation, false)
        .await?
        .into_iter()
        .filter(|q| role.is_none_or(|r| q.audience.includes(r)))
        .collect();
    let prefill_meetings_held = match part {
        None => None,
        Some(part) => {
            let ids = [part.match_id];
            let counts =
                store::cadence::meeting_counts(db, CountScope::Matches(&ids), today()).await?;
            Some(counts.get(&part.match_id).map_or(0, |c| c.held))
        }
    };
    Ok(Form {
        role,
        prefill_meetings_held,
        questions,
    })
}

/// The committee approves a quote for the testimonials, as written or
/// shortened or redacted (`text`; the original is kept), at `position`
/// (default: after the cycle's others). 409 when there is no quote or its
/// author did not consent.
#[tracing::instrument(skip_all, fields(evaluation_id = %id))]
pub async fn approve_quote(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    text: Option<&str>,
    position: Option<i32>,
) -> ServiceResult<Evaluation> {
    actor.may_run_program()?;
    let txn = store::begin_write(db).await?;
    let current = rows::find(&txn, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("evaluation"))?;
    let Some(original) = current.quote.clone() else {
        return Err(ServiceError::Conflict(
            "this evaluation has no quote".into(),
        ));
    };
    if current.quote_consent == QuoteConsent::None {
        return Err(ServiceError::Conflict(
            "the author did not consent to publishing the quote".into(),
        ));
    }
    let text = match text.map(str::trim) {
        None => original,
        Some("") => return Err(ServiceError::invalid("text", "length", "must not be blank")),
        Some(t) if t.chars().count() > QUOTE_MAX_CHARS => {
            return Err(ServiceError::invalid(
                "text",
                "length",
                format!("length must be at most {QUOTE_MAX_CHARS}"),
            ));
        }
        Some(t) => t.to_owned(),
    };
    if position.is_some_and(|p| !(1..=10_000).contains(&p)) {
        return Err(ServiceError::invalid(
            "position",
            "range",
            "must be between 1 and 10000",
        ));
    }
    let position = match position.or(current.quote_position) {
        Some(p) => p,
        None => rows::next_quote_position(&txn, current.cycle_id).await?,
    };
    let approved = rows::approve_quote(&txn, current, text, position, actor.id, Utc::now()).await?;
    store::commit(txn).await?;
    Ok(approved)
}

/// Takes a quote off the testimonials (committee).
pub async fn withdraw_quote(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<Evaluation> {
    actor.may_run_program()?;
    let current = rows::find(db, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("evaluation"))?;
    Ok(rows::withdraw_quote(db, current).await?)
}

/// A published testimonial: the approved text, the author's role, and
/// their name only when they consented to it.
#[derive(Clone, Debug)]
pub struct Testimonial {
    pub cycle_id: Uuid,
    pub role: ApplicationRole,
    pub text: String,
    pub author_name: Option<String>,
    pub position: i32,
}

/// The approved quotes whose authors consent, in the committee's order.
pub async fn testimonials(
    db: &Db,
    cycle_id: Option<Uuid>,
    role: Option<ApplicationRole>,
) -> ServiceResult<Vec<Testimonial>> {
    let approved = rows::testimonials(db, cycle_id, role).await?;
    let names = author_names(db, &approved).await?;
    let mut out = Vec::new();
    for e in approved {
        let author_name = match e.quote_consent {
            QuoteConsent::Named => names.get(&e.member_id).cloned(),
            QuoteConsent::Anonymous | QuoteConsent::None => None,
        };
        out.push(Testimonial {
            cycle_id: e.cycle_id,
            role: e.role,
            text: e.approved_quote.unwrap_or_default(),
            author_name,
            position: e.quote_position.unwrap_or(i32::MAX),
        });
    }
    Ok(out)
}

/// A rating's answers: how many gave each value 1–5.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Distribution {
    pub counts: [u32; 5],
}

impl Distribution {
    fn add(&mut self, rating: i32) {
        if let Some(slot) = usize::try_from(rating - 1)
            .ok()
            .and_then(|i| self.counts.get_mut(i))
        {
            *slot += 1;
        }
    }

    pub fn count(&self) -> u32 {
        self.counts.iter().sum()
    }

    /// The mean rating to two decimals; `None` without answers.
    pub fn mean(&self) -> Option<f64> {
        let n = self.count();
        (n > 0).then(|| {
            let sum: u32 = self.counts.iter().zip(1..).map(|(c, v)| c * v).sum();
            (100.0 * f64::from(sum) / f64::from(n)).round() / 100.0
        })
    }
}

/// A cycle's figures, each with its counts.
#[derive(Clone, Debug)]
pub struct Report {
    pub cycle_id: Uuid,
    pub cycle_name: String,
    pub mentors_responded: Share,
    pub mentees_responded: Share,
    pub all_responded: Share,
    pub pairs_keep_in_touch: Share,
    pub mentors_again: Share,
    pub mentees_again: Share,
    pub mentees_as_mentor: Share,
    pub overall_rating: Distribution,
    pub match_rating: Distribution,
    pub meetings_held: u32,
    pub meetings_expected: u32,
    pub pairs_meeting_expectation: Share,
    pub ended_early: Share,
    pub ended_early_reasons: BTreeMap<EndReason, u32>,
    /// Participants who attended at least one workshop, of the cycle's
    /// participants.
    pub workshop_attendance: Share,
    /// The evaluation form's own questions, as answered: every current one
    /// and each retired one that has answers, in order.
    pub questions: Vec<QuestionFigures>,
}

/// One of the evaluation form's own questions, as answered.
#[derive(Clone, Debug)]
pub struct QuestionFigures {
    pub question: questions::Question,
    /// Evaluations that answered it, of the evaluations from its audience.
    pub answered: Share,
    pub tally: Tally,
}

/// The figures of each of the form's `asked` questions from the cycle's
/// `evaluations`.
fn question_figures(
    asked: Vec<questions::Question>,
    evaluations: &[Evaluation],
) -> Vec<QuestionFigures> {
    asked
        .into_iter()
        .filter_map(|question| {
            let from_audience: Vec<&Evaluation> = evaluations
                .iter()
                .filter(|e| question.audience.includes(e.role))
                .collect();
            let values = from_audience.iter().flat_map(|e| {
                e.answers
                    .0
                    .iter()
                    .filter(|a| a.question_id == question.id)
                    .map(|a| &a.value)
            });
            let tally = tally(question.kind, &question.options.0, values);
            (!question.retired || tally.responses > 0).then(|| QuestionFigures {
                answered: share(tally.responses as usize, from_audience.len()),
                tally,
                question,
            })
        })
        .collect()
}

/// The cycle's report (committee): every figure from the published
/// matches, their meeting logs and the evaluations.
pub async fn report(db: &Db, actor: &Actor, cycle_id: Uuid) -> ServiceResult<Report> {
    actor.may_run_program()?;
    compute(db, cycles::get_any(db, cycle_id).await?).await
}

/// The same figures for the public report: any cycle but a draft (404).
/// Suppressing small groups is the caller's (`Share::shown`).
pub async fn public_report(db: &Db, cycle_id: Uuid) -> ServiceResult<Report> {
    compute(db, cycles::get(db, None, cycle_id).await?).await
}

/// The reports of a page of cycles (committee), oldest first: drafts left
/// out. The second value counts every such cycle.
pub async fn trends(
    db: &Db,
    actor: &Actor,
    page: PageRequest,
) -> ServiceResult<(Vec<Report>, u64)> {
    actor.may_run_program()?;
    let sort = ("applications_open_at", crate::paging::SortOrder::Asc);
    let (cycles, total) = store::cycles::list(db, None, false, sort, page).await?;
    let mut reports = Vec::with_capacity(cycles.len());
    for cycle in cycles {
        reports.push(compute(db, cycle).await?);
    }
    Ok((reports, total))
}

fn share(numerator: usize, denominator: usize) -> Share {
    let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
    Share::new(n(numerator), n(denominator))
}

async fn compute(db: &Db, cycle: cycles::Cycle) -> ServiceResult<Report> {
    let today = today();
    let pairs = store::cadence::matches_of_cycle(db, cycle.id, false).await?;
    let counts = store::cadence::meeting_counts(db, CountScope::Cycle(cycle.id), today).await?;
    let evaluations = rows::of_cycle(db, cycle.id).await?;

    let mentors: HashSet<Uuid> = pairs.iter().map(|p| p.mentor_member_id).collect();
    let mentees: HashSet<Uuid> = pairs.iter().map(|p| p.mentee_member_id).collect();
    let by_role = |role: ApplicationRole| evaluations.iter().filter(move |e| e.role == role);
    let mentor_answers: Vec<&Evaluation> = by_role(ApplicationRole::Mentor).collect();
    let mentee_answers: Vec<&Evaluation> = by_role(ApplicationRole::Mentee).collect();

    let mut per_pair: HashMap<Uuid, Vec<_>> = HashMap::new();
    for e in &evaluations {
        per_pair
            .entry(e.match_id)
            .or_default()
            .push(e.plans_to_keep_in_touch);
    }
    let pair_answers: Vec<bool> = pairs
        .iter()
        .filter_map(|p| pair_keeps_in_touch(per_pair.get(&p.id).map_or(&[][..], Vec::as_slice)))
        .collect();

    let mut overall_rating = Distribution::default();
    let mut match_rating = Distribution::default();
    for e in &evaluations {
        overall_rating.add(e.overall_rating);
        match_rating.add(e.match_rating);
    }

    let (mut held, mut expected, mut meeting_it) = (0u32, 0u32, 0usize);
    let mut ended_early_reasons = BTreeMap::new();
    for p in &pairs {
        let c = counts.get(&p.id).copied().unwrap_or_default();
        let input = cadence::input_for(&cycle, p.published_at, p.extended_until, p.ended_on);
        let total = input.assess(today, u32::MAX).expected_total;
        held += c.held;
        expected += total;
        if c.held >= total {
            meeting_it += 1;
        }
        if p.status == MatchStatus::EndedEarly {
            *ended_early_reasons
                .entry(p.ended_reason_code.unwrap_or(EndReason::Other))
                .or_insert(0) += 1;
        }
    }
    let attendance = super::workshops::attendance::of_cycle(db, cycle.id).await?;
    let asked = questions::list(db, cycle.id, QuestionForm::Evaluation, true).await?;
    let ended = pairs
        .iter()
        .filter(|p| p.status == MatchStatus::EndedEarly)
        .count();

    Ok(Report {
        cycle_id: cycle.id,
        cycle_name: cycle.name,
        mentors_responded: share(mentor_answers.len(), mentors.len()),
        mentees_responded: share(mentee_answers.len(), mentees.len()),
        all_responded: share(evaluations.len(), mentors.len() + mentees.len()),
        pairs_keep_in_touch: share(
            pair_answers.iter().filter(|k| **k).count(),
            pair_answers.len(),
        ),
        mentors_again: share(
            mentor_answers
                .iter()
                .filter(|e| e.would_participate_again.as_mentor())
                .count(),
            mentor_answers.len(),
        ),
        mentees_again: share(
            mentee_answers
                .iter()
                .filter(|e| e.would_participate_again.comes_back())
                .count(),
            mentee_answers.len(),
        ),
        mentees_as_mentor: share(
            mentee_answers
                .iter()
                .filter(|e| e.would_participate_again.as_mentor())
                .count(),
            mentee_answers.len(),
        ),
        overall_rating,
        match_rating,
        meetings_held: held,
        meetings_expected: expected,
        pairs_meeting_expectation: share(meeting_it, pairs.len()),
        ended_early: share(ended, pairs.len()),
        ended_early_reasons,
        workshop_attendance: Share::new(
            u32::try_from(attendance.attended).unwrap_or(u32::MAX),
            u32::try_from(attendance.participants).unwrap_or(u32::MAX),
        ),
        questions: question_figures(asked, &evaluations),
    })
}
