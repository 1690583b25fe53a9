use chrono::Utc;

use super::*;
use crate::domain::member::Role;

fn actor(role: Role) -> Actor {
    Actor {
        id: Uuid::new_v4(),
        role,
        read_only: false,
        api_token: false,
    }
}

fn pair(status: MatchStatus) -> Pair {
    Pair {
        status,
        mentor_member_id: Uuid::new_v4(),
        mentee_member_id: Uuid::new_v4(),
    }
}

fn answers(pairs: &[(&str, &str)]) -> Answers {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn the_default_template_is_valid_and_covers_the_programs_topics() {
    let sections = default_sections();
    assert_eq!(sections.len(), 6);
    assert_eq!(check_template(sections.clone()), Ok(sections));
}

#[test]
fn keys_follow_the_pattern() {
    assert!(is_valid_key("goals"));
    assert!(is_valid_key("a"));
    assert!(is_valid_key(&format!("a{}", "b".repeat(39))));
    assert!(!is_valid_key(&format!("a{}", "b".repeat(40))));
    for bad in ["", "Goals", "1goal", "_goal", "goal-s", "goäl"] {
        assert!(!is_valid_key(bad), "{bad}");
    }
}

#[test]
fn a_template_names_each_bad_field() {
    let mut sections = default_sections();
    sections[1].key = "Bad Key".into();
    sections[2].key = sections[0].key.clone();
    sections[3].title = "   ".into();
    sections[4].prompt = "x".repeat(PROMPT_MAX_CHARS + 1);
    let fields: Vec<String> = check_template(sections)
        .unwrap_err()
        .into_iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(
        fields,
        [
            "sections.1.key",
            "sections.2.key",
            "sections.3.title",
            "sections.4.prompt"
        ]
    );
    assert_eq!(check_template(vec![]).unwrap_err()[0].field, "sections");
    let many = (0..=MAX_SECTIONS)
        .map(|i| section(&format!("s{i}"), "T", ""))
        .collect();
    assert_eq!(check_template(many).unwrap_err()[0].field, "sections");
}

#[test]
fn merging_replaces_sent_keys_keeps_the_others_and_says_whether_anything_changed() {
    let sections = default_sections();
    let current = answers(&[("goals", "Learn cataloguing"), ("confidentiality", "All")]);
    let merged = merge(
        &sections,
        &current,
        answers(&[("goals", "Learn metadata"), ("confidentiality", "")]),
    )
    .unwrap();
    assert_eq!(merged.answers, answers(&[("goals", "Learn metadata")]));
    assert!(merged.changed);
    let same = merge(
        &sections,
        &current,
        answers(&[("goals", "Learn cataloguing")]),
    )
    .unwrap();
    assert!(!same.changed);
    assert_eq!(same.answers, current);
}

#[test]
fn merging_refuses_unknown_keys_and_long_answers_by_name() {
    let sections = default_sections();
    let long = "x".repeat(ANSWER_MAX_CHARS + 1);
    let errs = merge(
        &sections,
        &Answers::new(),
        answers(&[("nope", "a"), ("goals", &long)]),
    )
    .unwrap_err();
    let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["answers.goals", "answers.nope"]);
}

#[test]
fn an_edit_that_changes_an_answer_clears_both_signatures() {
    let now = Utc::now();
    let signed = Signatures::default()
        .sign(ApplicationRole::Mentor, now)
        .unwrap()
        .sign(ApplicationRole::Mentee, now)
        .unwrap();
    assert!(signed.complete());
    assert_eq!(signed.after_edit(true), Signatures::default());
    assert_eq!(signed.after_edit(false), signed);
}

#[test]
fn a_side_signs_once_per_version() {
    let now = Utc::now();
    let once = Signatures::default()
        .sign(ApplicationRole::Mentee, now)
        .unwrap();
    assert!(!once.complete());
    assert!(once.sign(ApplicationRole::Mentee, now).is_err());
}

#[test]
fn only_the_partners_and_the_committee_see_a_published_matchs_agreement() {
    let p = pair(MatchStatus::Active);
    let mut mentor = actor(Role::Member);
    mentor.id = p.mentor_member_id;
    let mut mentee = actor(Role::Member);
    mentee.id = p.mentee_member_id;
    assert_eq!(
        viewer(&mentor, p),
        Ok(Viewer::Partner(ApplicationRole::Mentor))
    );
    assert_eq!(
        viewer(&mentee, p),
        Ok(Viewer::Partner(ApplicationRole::Mentee))
    );
    assert_eq!(viewer(&actor(Role::Committee), p), Ok(Viewer::Committee));
    assert_eq!(
        viewer(&actor(Role::Member), p),
        Err(Denied::Hidden("agreement"))
    );
    for status in [
        MatchStatus::Proposed,
        MatchStatus::Approved,
        MatchStatus::Cancelled,
    ] {
        assert!(viewer(&mentor, pair(status)).is_err());
        assert!(viewer(&actor(Role::Committee), pair(status)).is_err());
    }
}

#[test]
fn the_committee_reads_answers_and_versions_only_when_shared_and_never_writes() {
    let partner = Viewer::Partner(ApplicationRole::Mentor);
    assert!(sees_answers(partner, false));
    assert!(!sees_answers(Viewer::Committee, false));
    assert!(sees_answers(Viewer::Committee, true));
    assert!(may_read_versions(Viewer::Committee, false).is_err());
    assert!(may_read_versions(Viewer::Committee, true).is_ok());
    assert!(may_write(Viewer::Committee).is_err());
    assert_eq!(may_write(partner), Ok(ApplicationRole::Mentor));
}

#[test]
fn only_an_active_matchs_agreement_changes() {
    assert!(editable(MatchStatus::Active).is_ok());
    assert!(editable(MatchStatus::Completed).is_err());
    assert!(editable(MatchStatus::EndedEarly).is_err());
}
