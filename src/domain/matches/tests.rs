use sea_orm::{ActiveEnum, Iterable};

use super::*;
use crate::domain::FieldError;
use crate::domain::matching::{MatchResult, Pin, Proposal};
use crate::domain::member::Role;
use MatchAction::*;
use MatchStatus::*;

fn actor(role: Role) -> Actor {
    Actor {
        id: Uuid::new_v4(),
        role,
        read_only: false,
        api_token: false,
    }
}

#[test]
fn every_legal_action_moves_the_match_on() {
    let legal = [
        (Approve, Proposed, Approved),
        (Cancel, Proposed, Cancelled),
        (Cancel, Approved, Cancelled),
        (Publish, Approved, Active),
        (Complete, Active, Completed),
        (EndEarly, Active, EndedEarly),
        (Extend, Active, Active),
    ];
    for (action, from, to) in legal {
        assert_eq!(action.apply(from), Ok(to), "{action:?} from {from:?}");
    }
    for from in MatchStatus::ALL {
        assert_eq!(Note.apply(from), Ok(from), "a note keeps the status");
    }
}

#[test]
fn every_other_action_is_refused_naming_where_it_applies() {
    for action in [Approve, Cancel, Publish, Complete, EndEarly, Extend] {
        for from in MatchStatus::ALL
            .into_iter()
            .filter(|s| !action.allowed_from().contains(s))
        {
            let err = action.apply(from).unwrap_err();
            assert!(err.contains(action.allowed_from()[0].as_str()), "{err}");
        }
    }
    assert_eq!(
        Approve.apply(Active).unwrap_err(),
        "cannot approve a active match; allowed from: proposed"
    );
    assert!(MatchStatus::ALL.iter().all(|s| Propose.apply(*s).is_err()));
}

#[test]
fn live_placed_and_published_statuses() {
    assert!(Proposed.is_live() && Approved.is_live() && Active.is_live());
    assert!(!Cancelled.is_live() && !Completed.is_live());
    assert!(MatchStatus::PLACED.contains(&Completed));
    assert!(!MatchStatus::PLACED.contains(&EndedEarly));
    assert!(Active.is_published() && EndedEarly.is_published() && !Approved.is_published());
}

#[test]
fn statuses_are_stored_as_their_names_and_an_unknown_one_is_an_error() {
    assert_eq!(MatchStatus::iter().count(), MatchStatus::ALL.len());
    for s in MatchStatus::iter() {
        assert_eq!(s.to_value(), s.as_str());
        assert_eq!(
            MatchStatus::try_from_value(&s.as_str().to_owned()).ok(),
            Some(s)
        );
        let json = serde_json::to_value(s).unwrap();
        assert_eq!(json, s.as_str(), "the API shows the stored name");
    }
    assert!(MatchStatus::try_from_value(&"paused".to_owned()).is_err());
    assert!(MatchStatus::try_from_value(&"Active".to_owned()).is_err());
}

#[test]
fn actions_are_stored_as_their_names_and_an_unknown_one_is_an_error() {
    assert_eq!(MatchAction::iter().count(), MatchAction::ALL.len());
    let names: Vec<String> = MatchAction::iter().map(|a| a.to_value()).collect();
    assert_eq!(
        names,
        [
            "proposed",
            "note",
            "approve",
            "cancel",
            "publish",
            "complete",
            "end-early",
            "extend"
        ]
    );
    for a in MatchAction::iter() {
        assert_eq!(a.to_value(), a.as_str());
        assert_eq!(
            MatchAction::try_from_value(&a.as_str().to_owned()).ok(),
            Some(a)
        );
    }
    assert!(MatchAction::try_from_value(&"end_early".to_owned()).is_err());
    assert!(MatchAction::try_from_value(&"".to_owned()).is_err());
}

#[test]
fn run_statuses_are_stored_as_their_names_and_an_unknown_one_is_an_error() {
    for s in RunStatus::iter() {
        assert_eq!(s.to_value(), s.as_str());
        assert_eq!(
            RunStatus::try_from_value(&s.as_str().to_owned()).ok(),
            Some(s)
        );
        assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
    }
    assert_eq!(RunStatus::Completed.to_value(), "completed");
    assert_eq!(RunStatus::Accepted.to_value(), "accepted");
    assert!(RunStatus::try_from_value(&"running".to_owned()).is_err());
}

#[test]
fn extensions_must_end_after_the_mentoring_period() {
    let end: NaiveDate = "2025-04-15".parse().unwrap();
    assert!(check_extension(end, end, None).is_err());
    assert!(check_extension("2025-06-15".parse().unwrap(), end, None).is_ok());
    let earlier = Some("2025-07-01".parse().unwrap());
    assert!(check_extension("2025-06-15".parse().unwrap(), end, earlier).is_err());
}

#[test]
fn a_note_is_trimmed_a_blank_one_is_none_and_a_long_one_refused() {
    assert_eq!(
        parse_note("  keep in touch "),
        Ok(Some("keep in touch".into()))
    );
    assert_eq!(parse_note("   "), Ok(None));
    assert_eq!(parse_note(""), Ok(None));
    assert!(
        parse_note(&"é".repeat(NOTE_MAX_CHARS)).is_ok(),
        "characters, not bytes"
    );
    assert_eq!(
        parse_note(&"x".repeat(NOTE_MAX_CHARS + 1)),
        Err(FieldError::new(
            "note",
            "length",
            "length must be at most 5000"
        ))
    );
}

#[test]
fn an_ending_without_a_listed_reason_needs_the_free_text() {
    let text_required = Err(FieldError::new(
        "reason",
        "required",
        "tell why the match ended when the reason code is other (or none is given)",
    ));
    assert_eq!(
        parse_end_early(None, Some(" moved away ")),
        Ok(super::input::EndEarly {
            code: EndReason::Other,
            text: Some("moved away".into())
        })
    );
    assert_eq!(parse_end_early(None, Some("  ")), text_required);
    assert_eq!(parse_end_early(Some(EndReason::Other), None), text_required);
    assert_eq!(
        parse_end_early(Some(EndReason::JobChange), None),
        Ok(super::input::EndEarly {
            code: EndReason::JobChange,
            text: None
        })
    );
    assert_eq!(
        parse_end_early(
            Some(EndReason::Schedule),
            Some(&"x".repeat(REASON_MAX_CHARS + 1))
        ),
        Err(FieldError::new(
            "reason",
            "length",
            "length must be at most 2000"
        ))
    );
}

#[test]
fn an_extension_reason_is_optional_and_trimmed() {
    assert_eq!(parse_extension_reason(None), Ok(None));
    assert_eq!(parse_extension_reason(Some("  ")), Ok(None));
    assert_eq!(
        parse_extension_reason(Some(" a conference in May ")),
        Ok(Some("a conference in May".into()))
    );
    assert!(parse_extension_reason(Some(&"x".repeat(REASON_MAX_CHARS + 1))).is_err());
}

#[test]
fn end_reasons_are_stored_as_their_names() {
    for reason in EndReason::iter() {
        assert_eq!(reason.to_value(), reason.as_str());
        assert!(EndReason::ALL.contains(&reason));
    }
}

fn result_with(pairs: &[(Uuid, Uuid)]) -> MatchResult {
    MatchResult {
        proposals: pairs
            .iter()
            .map(|(mentor, mentee)| Proposal {
                mentor_application_id: *mentor,
                mentee_application_id: *mentee,
                score: 1,
                breakdown: vec![],
                pinned: false,
                mentor_preference: None,
                mentee_preference: None,
                blocking_count: None,
                blocking_alternatives: vec![],
            })
            .collect(),
        unmatched: vec![],
        pin_conflicts: vec![],
        total_score: 1,
        min_score: Some(1),
        blocking_pairs: None,
    }
}

#[test]
fn accepting_takes_every_proposal_or_only_chosen_ones_the_run_made() {
    let (a, b, c, d) = (
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
    );
    let result = result_with(&[(a, b), (c, d)]);
    assert_eq!(
        chosen_pairs(&result, None),
        Ok(vec![Pin::new(a, b), Pin::new(c, d)])
    );
    assert_eq!(
        chosen_pairs(&result, Some(vec![Pin::new(c, d)])),
        Ok(vec![Pin::new(c, d)])
    );
    assert_eq!(chosen_pairs(&result, Some(vec![])), Ok(vec![]));
    assert_eq!(
        chosen_pairs(&result, Some(vec![Pin::new(c, d), Pin::new(a, d)])),
        Err(FieldError::new(
            "proposals.1",
            "unknown",
            "is not a proposal of this run"
        ))
    );
}

#[test]
fn only_the_committee_runs_matching() {
    assert_eq!(
        may_run_matching(&actor(Role::Member)),
        Err(Denied::Forbidden("this action is for the committee"))
    );
    assert!(may_run_matching(&actor(Role::Committee)).is_ok());
    assert!(may_run_matching(&actor(Role::Admin)).is_ok());
}

#[test]
fn a_member_sees_only_their_own_published_matches() {
    let (mentor, mentee, other) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    let sides = |status| MatchSides {
        mentor_application_id: mentor,
        mentee_application_id: mentee,
        status,
    };
    for status in MatchStatus::ALL {
        let published = status.is_published();
        assert_eq!(
            own_side(&[mentor], sides(status)).is_ok(),
            published,
            "{status:?}"
        );
        assert_eq!(
            own_side(&[other], sides(status)),
            Err(Denied::Hidden("match"))
        );
        assert_eq!(own_side(&[], sides(status)), Err(Denied::Hidden("match")));
    }
    assert_eq!(
        own_side(&[mentor], sides(Active)),
        Ok(ApplicationRole::Mentor)
    );
    assert_eq!(
        own_side(&[other, mentee], sides(Completed)),
        Ok(ApplicationRole::Mentee)
    );
    assert_eq!(
        own_side(&[mentee], sides(Proposed)),
        Err(Denied::Hidden("match"))
    );
}
