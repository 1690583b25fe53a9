use chrono::{Duration, TimeZone};

use super::*;
use crate::domain::member::Role;

fn at(h: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap() + Duration::hours(h)
}

fn fields() -> WorkshopFields {
    WorkshopFields {
        title: " Peer coaching ".into(),
        description: "".into(),
        facilitator: "Ada".into(),
        format: WorkshopFormat::Online,
        location: Some("  ".into()),
        join_url: Some("https://meet.example.org/x".into()),
        starts_at: at(10),
        ends_at: at(12),
        capacity: 10,
        registration_opens_at: None,
        registration_closes_at: Some(at(9)),
        audience: WorkshopAudience::Public,
        cycle_id: None,
    }
}

fn fields_of(errors: Vec<FieldError>) -> Vec<String> {
    errors.into_iter().map(|e| e.field).collect()
}

#[test]
fn valid_fields_are_trimmed_and_blank_texts_become_none() {
    let f = check(fields()).unwrap();
    assert_eq!(f.title, "Peer coaching");
    assert_eq!(f.location, None);
}

#[test]
fn an_end_before_the_start_names_ends_at() {
    let f = WorkshopFields {
        ends_at: at(9),
        ..fields()
    };
    assert_eq!(fields_of(check(f).unwrap_err()), ["ends_at"]);
}

#[test]
fn registration_closing_after_the_start_and_a_cycle_audience_without_a_cycle_are_refused() {
    let f = WorkshopFields {
        registration_closes_at: Some(at(11)),
        audience: WorkshopAudience::Cycle,
        capacity: 0,
        ..fields()
    };
    assert_eq!(
        fields_of(check(f).unwrap_err()),
        ["capacity", "cycle_id", "registration_closes_at"]
    );
}

#[test]
fn published_workshops_are_cancelled_or_completed_after_their_end() {
    use WorkshopStatus::*;
    assert_eq!(transition(Draft, Published, at(12), at(0)), Ok(Published));
    assert!(transition(Published, Completed, at(12), at(11)).is_err());
    assert_eq!(
        transition(Published, Completed, at(12), at(13)),
        Ok(Completed)
    );
    let why = transition(Cancelled, Published, at(12), at(0)).unwrap_err();
    assert!(why.contains("cannot change"), "{why}");
    let why = transition(Draft, Completed, at(12), at(13)).unwrap_err();
    assert!(why.contains("published, cancelled"), "{why}");
}

#[test]
fn registration_is_open_from_its_opening_until_its_close_or_the_start() {
    let ok = |now| {
        may_register(
            WorkshopStatus::Published,
            at(10),
            Some(at(1)),
            Some(at(9)),
            now,
        )
    };
    assert!(ok(at(0)).unwrap_err().contains("opens"));
    assert!(ok(at(5)).is_ok());
    assert!(ok(at(9)).unwrap_err().contains("closed"));
    let no_close = may_register(WorkshopStatus::Published, at(10), None, None, at(10));
    assert!(no_close.unwrap_err().contains("closed"));
    let draft = may_register(WorkshopStatus::Draft, at(10), None, None, at(0));
    assert!(draft.is_err());
}

#[test]
fn who_sees_a_workshop_follows_its_audience() {
    let member = Actor {
        id: Uuid::new_v4(),
        role: Role::Member,
        read_only: false,
        api_token: false,
    };
    let committee = Actor {
        role: Role::Committee,
        ..member
    };
    let none = Standing::default();
    let published = WorkshopStatus::Published;
    assert!(may_see(None, published, WorkshopAudience::Public, none));
    assert!(!may_see(None, published, WorkshopAudience::Members, none));
    assert!(may_see(
        Some(&member),
        published,
        WorkshopAudience::Members,
        none
    ));
    assert!(!may_see(
        Some(&member),
        published,
        WorkshopAudience::Cycle,
        none
    ));
    let in_cycle = Standing {
        in_cycle: true,
        registered: false,
    };
    assert!(may_see(
        Some(&member),
        published,
        WorkshopAudience::Cycle,
        in_cycle
    ));
    assert!(!may_see(
        Some(&member),
        WorkshopStatus::Draft,
        WorkshopAudience::Public,
        in_cycle
    ));
    assert!(may_see(
        Some(&committee),
        WorkshopStatus::Draft,
        WorkshopAudience::Cycle,
        none
    ));
}

#[test]
fn places_and_promotions_follow_the_capacity() {
    assert!(places_remain(9, 10));
    assert!(!places_remain(10, 10));
    assert_eq!(promotable(8, 10), 2);
    assert_eq!(promotable(12, 10), 0);
}
