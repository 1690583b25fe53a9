//! The meeting log of a published match: its two partners record, read,
//! change and delete meetings. Everyone else, the committee included, is
//! told the match (or meeting) does not exist; the partner who did not
//! write a meeting reads it without its private notes and may not change
//! it; a log is written only while the match is active.
use chrono::Utc;
use uuid::Uuid;

use super::{ServiceError, ServiceResult, cycles};
use crate::domain::access::Actor;
use crate::domain::meeting::{
    MatchPeriod, MeetingChanges, MeetingFields, MeetingStatus, Partnership, check_date,
    check_details, may_edit, may_read_log, may_write_log, private_notes_for,
};
use crate::paging::PageRequest;
use crate::store::{self, Db, applications as apps, matches, meetings as rows};

pub use rows::Meeting;

/// A match whose log the caller may read, with the period its meetings
/// fall in.
struct Log {
    match_id: Uuid,
    status: crate::domain::matches::MatchStatus,
    period: MatchPeriod,
}

/// The match's log if the caller is one of its partners and it is
/// published; a 404 naming `what` otherwise.
async fn log_of(
    db: &impl store::Conn,
    actor: &Actor,
    match_id: Uuid,
    what: &'static str,
) -> ServiceResult<Log> {
    let hidden = || ServiceError::not_found(what);
    let m = matches::find(db, match_id).await?.ok_or_else(hidden)?;
    if !m.status.is_published() {
        return Err(hidden());
    }
    let mentor = apps::get(db, m.mentor_application_id).await?;
    let mentee = apps::get(db, m.mentee_application_id).await?;
    let partnership = Partnership {
        mentor_id: mentor.member_id,
        mentee_id: mentee.member_id,
        status: m.status,
    };
    may_read_log(actor.id, partnership).map_err(|_| hidden())?;
    let cycle = cycles::get_any(db, m.cycle_id).await?;
    Ok(Log {
        match_id: m.id,
        status: m.status,
        period: MatchPeriod::new(
            cycle.mentoring_starts_on,
            cycle.mentoring_ends_on,
            m.extended_until,
        ),
    })
}

/// The meeting and its log, if the caller is a partner of its match.
async fn meeting_of(
    db: &impl store::Conn,
    actor: &Actor,
    id: Uuid,
) -> ServiceResult<(Meeting, Log)> {
    let meeting = rows::find(db, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("meeting"))?;
    let log = log_of(db, actor, meeting.match_id, "meeting").await?;
    Ok((meeting, log))
}

/// The meeting as the caller sees it: another's private notes are null.
fn as_seen_by(actor: &Actor, mut meeting: Meeting) -> Meeting {
    meeting.private_notes = private_notes_for(actor.id, meeting.author_id, meeting.private_notes);
    meeting
}

fn writable(log: &Log) -> ServiceResult<()> {
    may_write_log(log.status).map_err(ServiceError::Conflict)
}

/// Checks the values: every detail, and the date when `date_moves`.
fn checked(
    fields: MeetingFields,
    period: MatchPeriod,
    date_moves: bool,
) -> ServiceResult<MeetingFields> {
    let mut errors = Vec::new();
    if date_moves
        && let Err(e) = check_date(
            fields.status,
            fields.held_on,
            period,
            Utc::now().date_naive(),
        )
    {
        errors.push(e);
    }
    let fields = match check_details(fields) {
        Ok(f) => Some(f),
        Err(mut e) => {
            errors.append(&mut e);
            None
        }
    };
    match fields {
        Some(f) if errors.is_empty() => Ok(f),
        _ => {
            errors.sort_by(|a, b| a.field.cmp(&b.field));
            Err(ServiceError::Validation(errors))
        }
    }
}

/// A page of a match's meetings, optionally of one status, newest first.
pub async fn list(
    db: &Db,
    actor: &Actor,
    match_id: Uuid,
    status: Option<MeetingStatus>,
    page: PageRequest,
) -> ServiceResult<(Vec<Meeting>, u64)> {
    let log = log_of(db, actor, match_id, "match").await?;
    let (items, total) = rows::list(db, log.match_id, status, page).await?;
    let items = items.into_iter().map(|m| as_seen_by(actor, m)).collect();
    Ok((items, total))
}

#[tracing::instrument(skip_all, fields(match_id = %match_id))]
pub async fn create(
    db: &Db,
    actor: &Actor,
    match_id: Uuid,
    fields: MeetingFields,
) -> ServiceResult<Meeting> {
    let txn = store::begin_write(db).await?;
    let log = log_of(&txn, actor, match_id, "match").await?;
    writable(&log)?;
    let fields = checked(fields, log.period, true)?;
    let meeting = rows::insert(&txn, log.match_id, actor.id, fields).await?;
    store::commit(txn).await?;
    Ok(meeting)
}

pub async fn get(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<Meeting> {
    let (meeting, _) = meeting_of(db, actor, id).await?;
    Ok(as_seen_by(actor, meeting))
}

#[tracing::instrument(skip_all, fields(meeting_id = %id))]
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    changes: MeetingChanges,
) -> ServiceResult<Meeting> {
    let txn = store::begin_write(db).await?;
    let (current, log) = meeting_of(&txn, actor, id).await?;
    may_edit(actor.id, current.author_id)?;
    writable(&log)?;
    let date_moves = changes.moves_date();
    let fields = checked(changes.apply(current.fields()), log.period, date_moves)?;
    let updated = rows::update(&txn, current, fields).await?;
    store::commit(txn).await?;
    Ok(updated)
}

#[tracing::instrument(skip_all, fields(meeting_id = %id))]
pub async fn delete(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<()> {
    let txn = store::begin_write(db).await?;
    let (current, log) = meeting_of(&txn, actor, id).await?;
    may_edit(actor.id, current.author_id)?;
    writable(&log)?;
    rows::delete(&txn, current.id).await?;
    store::commit(txn).await?;
    Ok(())
}
