use sea_orm::ActiveEnum;
use serde_json::json;

use super::*;
use crate::domain::member::Role;

/// Every variant is stored as its name and read back; an unknown stored
/// name is an error, never a default.
fn round_trips<T: ActiveEnum<Value = String> + Copy + PartialEq + std::fmt::Debug>(
    all: &[T],
    name: fn(T) -> &'static str,
) {
    for v in all {
        assert_eq!(v.to_value(), name(*v));
        assert_eq!(T::try_from_value(&name(*v).to_owned()).unwrap(), *v);
    }
    assert!(T::try_from_value(&"retired".to_owned()).is_err());
    assert!(T::try_from_value(&String::new()).is_err());
}

#[test]
fn every_closed_set_round_trips_through_its_stored_name() {
    round_trips(ApplicationRole::ALL, ApplicationRole::as_str);
    round_trips(ApplicationStatus::ALL, ApplicationStatus::as_str);
    round_trips(LibraryType::ALL, LibraryType::as_str);
    round_trips(CareerStage::ALL, CareerStage::as_str);
    round_trips(MeetingMode::ALL, MeetingMode::as_str);
    round_trips(MatchingPreference::ALL, MatchingPreference::as_str);
    round_trips(LibrarySchool::ALL, LibrarySchool::as_str);
    round_trips(ReviewDecision::ALL, ReviewDecision::as_str);
    round_trips(AuditAction::ALL, AuditAction::as_str);
    assert_eq!(CareerStage::EarlyCareer.to_value(), "early_career");
    assert_eq!(MeetingMode::InPerson.to_value(), "in_person");
}

#[test]
fn the_stored_names_are_the_json_names() {
    for s in ApplicationStatus::ALL {
        assert_eq!(json!(s), json!(s.as_str()));
        assert_eq!(ApplicationStatus::parse(s.as_str()), Some(*s));
    }
    assert_eq!(json!(CareerStage::CareerChanger), json!("career_changer"));
    assert_eq!(CareerStage::parse("retired"), None);
}

#[test]
fn review_decides_live_applications_only() {
    use ApplicationStatus::*;
    for from in [Submitted, Accepted, Waitlisted, Declined] {
        assert_eq!(from.review(ReviewDecision::Accepted), Ok(Accepted));
        assert_eq!(from.review(ReviewDecision::Declined), Ok(Declined));
    }
    assert!(
        Withdrawn
            .review(ReviewDecision::Accepted)
            .unwrap_err()
            .contains("submitted")
    );
    assert!(Matched.review(ReviewDecision::Waitlisted).is_err());
}

#[test]
fn withdrawing_is_refused_once_withdrawn_or_matched() {
    use ApplicationStatus::*;
    for from in [Submitted, Accepted, Waitlisted, Declined] {
        assert_eq!(from.withdraw(), Ok(Withdrawn));
    }
    assert!(Withdrawn.withdraw().is_err());
    assert!(Matched.withdraw().is_err());
    assert!(!Matched.author_may_edit() && Submitted.author_may_edit());
}

#[test]
fn tags_are_trimmed_lowercased_and_unique() {
    let tags = vec![
        " Outreach".into(),
        "outreach".into(),
        "".into(),
        "Instruction ".into(),
    ];
    assert_eq!(normalize_tags(&tags), vec!["outreach", "instruction"]);
}

#[test]
fn sets_are_sorted_and_unique() {
    use MeetingMode::*;
    assert_eq!(
        normalize_set(&[InPerson, Online, InPerson]),
        vec![Online, InPerson]
    );
}

fn actor(role: Role) -> Actor {
    Actor {
        id: Uuid::new_v4(),
        role,
        read_only: false,
        api_token: false,
    }
}

#[test]
fn an_application_is_read_by_its_author_and_the_committee_only() {
    let author = actor(Role::Member);
    assert!(may_read(&author, author.id).is_ok());
    assert!(may_read(&actor(Role::Committee), author.id).is_ok());
    assert!(may_read(&actor(Role::Admin), author.id).is_ok());
    assert_eq!(
        may_read(&actor(Role::Member), author.id),
        Err(crate::domain::access::Denied::Hidden("application"))
    );
}

#[test]
fn only_the_committee_reviews_and_sees_reviews() {
    let member = actor(Role::Member);
    assert!(may_review(&member).is_err());
    assert!(!sees_review(&member));
    for role in [Role::Committee, Role::Admin] {
        assert!(may_review(&actor(role)).is_ok());
        assert!(sees_review(&actor(role)));
    }
}

#[test]
fn identity_answers_are_for_the_author_and_the_committee() {
    let author = actor(Role::Member);
    assert!(sees_identity(&author, author.id));
    assert!(sees_identity(&actor(Role::Committee), author.id));
    assert!(!sees_identity(&actor(Role::Member), author.id));
}

#[test]
fn members_apply_for_themselves_and_the_committee_for_anyone() {
    let member = actor(Role::Member);
    assert!(may_apply_for(&member, member.id).is_ok());
    assert!(may_apply_for(&member, Uuid::new_v4()).is_err());
    assert!(may_apply_for(&actor(Role::Committee), Uuid::new_v4()).is_ok());
}

#[test]
fn the_author_edits_a_live_application_while_the_cycle_is_open() {
    use ApplicationStatus::*;
    let author = actor(Role::Member);
    assert_eq!(may_edit(&author, Submitted, CycleStatus::Open), Ok(()));
    assert!(
        may_edit(&author, Submitted, CycleStatus::Matching)
            .unwrap_err()
            .contains("it is matching")
    );
    assert_eq!(
        may_edit(&author, Withdrawn, CycleStatus::Open),
        Err("a withdrawn application cannot be edited".into())
    );
    let committee = actor(Role::Committee);
    assert_eq!(may_edit(&committee, Matched, CycleStatus::Closed), Ok(()));
}

#[test]
fn members_apply_while_open_and_the_committee_until_archived() {
    assert!(takes_applications(CycleStatus::Open, false).is_ok());
    assert_eq!(
        takes_applications(CycleStatus::Matching, false),
        Err("applications are not open: the cycle is matching".into())
    );
    assert!(takes_applications(CycleStatus::Matching, true).is_ok());
    assert!(takes_applications(CycleStatus::Archived, true).is_err());
}

#[test]
fn only_an_active_unexpired_membership_may_apply() {
    let today: NaiveDate = "2025-01-10".parse().unwrap();
    let yesterday = today.pred_opt();
    assert_eq!(
        check_membership(Some(MembershipStatus::Active), None, today, true),
        Ok(())
    );
    assert_eq!(
        check_membership(Some(MembershipStatus::Active), Some(today), today, true),
        Ok(())
    );
    assert!(
        check_membership(Some(MembershipStatus::Active), yesterday, today, true)
            .unwrap_err()
            .contains("your WLA membership has expired")
    );
    assert!(
        check_membership(Some(MembershipStatus::Lapsed), None, today, false)
            .unwrap_err()
            .starts_with("this member's WLA membership has lapsed")
    );
    assert!(
        check_membership(Some(MembershipStatus::Pending), None, today, true)
            .unwrap_err()
            .contains("not confirmed")
    );
}

fn mentee_form() -> ApplicationForm {
    ApplicationForm {
        role: ApplicationRole::Mentee,
        library_types: vec![LibraryType::Public, LibraryType::Academic],
        interests: vec!["Outreach ".into()],
        career_stage: CareerStage::Student,
        region: " Puget Sound".into(),
        meeting_modes: vec![MeetingMode::Online],
        availability: String::new(),
        matching_preference: MatchingPreference::Career,
        identity_tags: vec!["first-generation".into()],
        identity_consent: true,
        employer: String::new(),
        pronouns: String::new(),
        current_role: None,
        years_experience: None,
        past_experience: None,
        support_approach: None,
        motivation: "Curious".into(),
        capacity: None,
        learning_goals: Some("Instruction".into()),
        career_goals: Some("Academic librarian".into()),
        library_school: Some(LibrarySchool::Enrolled),
        mentee_stages: vec![],
        answers: vec![],
    }
}

#[test]
fn a_complete_form_passes_and_another_roles_fields_are_named() {
    assert_eq!(mentee_form().check(), Ok(()));
    let mut form = mentee_form();
    form.capacity = Some(2);
    form.learning_goals = None;
    form.library_types.clear();
    let fields: Vec<String> = form
        .check()
        .unwrap_err()
        .into_iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(fields, ["library_types", "learning_goals", "capacity"]);
}

#[test]
fn only_a_mentor_names_the_mentee_stages_they_would_support() {
    let mut form = mentee_form();
    form.mentee_stages = vec![CareerStage::Student];
    let errors = form.check().unwrap_err();
    assert_eq!(
        (errors[0].field.as_str(), errors[0].code.as_str()),
        ("mentee_stages", "not_allowed")
    );
    let mut mentor = mentee_form();
    mentor.role = ApplicationRole::Mentor;
    mentor.learning_goals = None;
    mentor.career_goals = None;
    mentor.library_school = None;
    mentor.current_role = Some("Librarian".into());
    mentor.years_experience = Some(10);
    mentor.support_approach = Some("Monthly calls".into());
    mentor.mentee_stages = vec![
        CareerStage::Student,
        CareerStage::CareerChanger,
        CareerStage::Student,
    ];
    assert_eq!(mentor.check(), Ok(()));
    assert_eq!(
        mentor.normalized().mentee_stages,
        [CareerStage::Student, CareerStage::CareerChanger]
    );
}

#[test]
fn changes_name_only_the_fields_whose_stored_value_changes() {
    let stored = mentee_form();
    let changes = ApplicationChanges {
        interests: Some(vec!["OUTREACH".into()]),
        library_types: Some(vec![LibraryType::Academic, LibraryType::Public]),
        region: Some("Spokane".into()),
        availability: Some("Evenings".into()),
        ..Default::default()
    };
    let (form, changed) = changes.apply_to(&stored);
    assert_eq!(changed, ["availability", "region"]);
    assert_eq!(form.region, "Spokane");
    assert_eq!(form.interests, ["OUTREACH"]);
    let (same, none) = ApplicationChanges::default().apply_to(&stored);
    assert_eq!((same, none), (stored.clone(), vec![]));
    let role = ApplicationChanges {
        role: Some(ApplicationRole::Mentor),
        ..Default::default()
    };
    assert!(role.changes_role(&stored));
}

#[test]
fn the_committee_filter_never_searches_identity_tags() {
    let form = mentee_form();
    let by = |q: &str| ApplicationFilter {
        q: Some(q.into()),
        ..Default::default()
    };
    let status = ApplicationStatus::Submitted;
    assert!(by("outreach CURIOUS").matches(&form, status, "Ada", "ada@example.org"));
    assert!(by("ada@example").matches(&form, status, "Ada", "ada@example.org"));
    assert!(!by("first-generation").matches(&form, status, "Ada", "ada@example.org"));
}
