//! A cycle's own form questions, and checking answers against them.
use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use super::application::ApplicationRole;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// Free text, up to 5000 characters.
    Text,
    /// One of `options`.
    SingleChoice,
    /// Any number of `options`.
    MultiChoice,
    /// An integer from 1 to 5.
    Scale,
    /// `true` or `false`.
    YesNo,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Mentor,
    Mentee,
    Both,
}

impl QuestionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::SingleChoice => "single_choice",
            Self::MultiChoice => "multi_choice",
            Self::Scale => "scale",
            Self::YesNo => "yes_no",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Text,
            Self::SingleChoice,
            Self::MultiChoice,
            Self::Scale,
            Self::YesNo,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }

    pub fn has_options(self) -> bool {
        matches!(self, Self::SingleChoice | Self::MultiChoice)
    }
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mentor => "mentor",
            Self::Mentee => "mentee",
            Self::Both => "both",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Mentor, Self::Mentee, Self::Both]
            .into_iter()
            .find(|a| a.as_str() == s)
    }

    pub fn includes(self, role: ApplicationRole) -> bool {
        matches!(
            (self, role),
            (Self::Both, _)
                | (Self::Mentor, ApplicationRole::Mentor)
                | (Self::Mentee, ApplicationRole::Mentee)
        )
    }
}

pub const MAX_TEXT_ANSWER: usize = 5000;

/// What answer checking needs to know of a question.
#[derive(Clone, Debug, PartialEq)]
pub struct QuestionRule {
    pub id: Uuid,
    pub kind: QuestionKind,
    pub options: Vec<String>,
    pub required: bool,
    pub audience: Audience,
    pub retired: bool,
}

/// Checks a question's definition: choice kinds need at least two distinct
/// options, other kinds none.
pub fn check_definition(kind: QuestionKind, options: &[String]) -> Result<(), String> {
    if kind.has_options() {
        let distinct: HashSet<&str> = options.iter().map(|o| o.trim()).collect();
        if options.len() < 2 || distinct.len() != options.len() || distinct.contains("") {
            return Err("needs at least two distinct, non-empty options".into());
        }
    } else if !options.is_empty() {
        return Err(format!("a {} question takes no options", kind.as_str()));
    }
    Ok(())
}

/// Why a change to a question would invalidate answers already stored, if
/// it would.
pub fn check_change_with_answers(
    before: &QuestionRule,
    after: &QuestionRule,
) -> Result<(), String> {
    if before.kind != after.kind {
        return Err("its kind cannot change once the cycle has applications".into());
    }
    if let Some(gone) = before.options.iter().find(|o| !after.options.contains(o)) {
        return Err(format!(
            "option \"{gone}\" cannot be removed once the cycle has applications"
        ));
    }
    if !before.required && after.required {
        return Err("it cannot become required once the cycle has applications".into());
    }
    if before.audience != after.audience && after.audience != Audience::Both {
        return Err("its audience cannot narrow once the cycle has applications".into());
    }
    Ok(())
}

/// One answer that does not fit its question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerError {
    pub question_id: Option<Uuid>,
    pub index: Option<usize>,
    pub code: &'static str,
    pub message: String,
}

/// Checks `answers` (question id → value) for an applicant of `role`:
/// unknown or retired question, question for the other role, wrong kind,
/// option not offered, missing required answer. Answers already stored
/// (`kept`) may still refer to retired questions.
pub fn check_answers(
    questions: &[QuestionRule],
    role: ApplicationRole,
    answers: &[(Uuid, Value)],
    kept: &HashSet<Uuid>,
) -> Result<(), Vec<AnswerError>> {
    let by_id: HashMap<Uuid, &QuestionRule> = questions.iter().map(|q| (q.id, q)).collect();
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    for (i, (id, value)) in answers.iter().enumerate() {
        let err = |code, message: String| AnswerError {
            question_id: Some(*id),
            index: Some(i),
            code,
            message,
        };
        if !seen.insert(*id) {
            errors.push(err("duplicate", format!("question {id} is answered twice")));
            continue;
        }
        let Some(q) = by_id.get(id) else {
            errors.push(err(
                "unknown_question",
                format!("question {id} is not on this cycle's form"),
            ));
            continue;
        };
        if q.retired && !kept.contains(id) {
            errors.push(err(
                "unknown_question",
                format!("question {id} has been retired"),
            ));
            continue;
        }
        if !q.audience.includes(role) {
            errors.push(err(
                "wrong_audience",
                format!("question {id} is not asked of a {}", role.as_str()),
            ));
            continue;
        }
        if let Err(message) = check_value(q, value) {
            errors.push(err("invalid_answer", format!("question {id}: {message}")));
        }
    }
    for q in questions {
        if q.required && !q.retired && q.audience.includes(role) && !seen.contains(&q.id) {
            errors.push(AnswerError {
                question_id: Some(q.id),
                index: None,
                code: "required",
                message: format!("question {} is required", q.id),
            });
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

fn check_value(q: &QuestionRule, value: &Value) -> Result<(), String> {
    match q.kind {
        QuestionKind::Text => match value.as_str() {
            Some(s) if s.trim().is_empty() && q.required => Err("must not be empty".into()),
            Some(s) if s.chars().count() > MAX_TEXT_ANSWER => {
                Err(format!("must be at most {MAX_TEXT_ANSWER} characters"))
            }
            Some(_) => Ok(()),
            None => Err("must be a string".into()),
        },
        QuestionKind::SingleChoice => match value.as_str() {
            Some(s) if q.options.iter().any(|o| o == s) => Ok(()),
            Some(_) => Err("is not one of the options offered".into()),
            None => Err("must be one of the options, as a string".into()),
        },
        QuestionKind::MultiChoice => {
            let Some(items) = value.as_array() else {
                return Err("must be a list of options".into());
            };
            let mut seen = HashSet::new();
            for item in items {
                match item.as_str() {
                    Some(s) if q.options.iter().any(|o| o == s) && seen.insert(s) => {}
                    Some(_) => return Err("holds an option not offered, or one twice".into()),
                    None => return Err("must be a list of options".into()),
                }
            }
            if q.required && items.is_empty() {
                return Err("must choose at least one option".into());
            }
            Ok(())
        }
        QuestionKind::Scale => match value.as_i64() {
            Some(n) if (1..=5).contains(&n) => Ok(()),
            _ => Err("must be an integer from 1 to 5".into()),
        },
        QuestionKind::YesNo => match value {
            Value::Bool(_) => Ok(()),
            _ => Err("must be true or false".into()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn q(kind: QuestionKind, options: &[&str], required: bool, audience: Audience) -> QuestionRule {
        QuestionRule {
            id: Uuid::new_v4(),
            kind,
            options: options.iter().map(|s| s.to_string()).collect(),
            required,
            audience,
            retired: false,
        }
    }

    fn check(
        qs: &[QuestionRule],
        role: ApplicationRole,
        answers: &[(Uuid, Value)],
    ) -> Result<(), Vec<AnswerError>> {
        check_answers(qs, role, answers, &HashSet::new())
    }

    #[test]
    fn choice_questions_need_two_distinct_options_and_others_none() {
        assert!(check_definition(QuestionKind::SingleChoice, &["a".into()]).is_err());
        assert!(check_definition(QuestionKind::MultiChoice, &["a".into(), "a".into()]).is_err());
        assert!(check_definition(QuestionKind::SingleChoice, &["a".into(), "b".into()]).is_ok());
        assert!(check_definition(QuestionKind::Scale, &["a".into()]).is_err());
        assert!(check_definition(QuestionKind::Text, &[]).is_ok());
    }

    #[test]
    fn well_formed_answers_of_every_kind_pass() {
        let qs = vec![
            q(QuestionKind::Text, &[], true, Audience::Both),
            q(
                QuestionKind::SingleChoice,
                &["career", "identity"],
                true,
                Audience::Both,
            ),
            q(
                QuestionKind::MultiChoice,
                &["a", "b", "c"],
                false,
                Audience::Mentee,
            ),
            q(QuestionKind::Scale, &[], false, Audience::Both),
            q(QuestionKind::YesNo, &[], false, Audience::Both),
        ];
        let answers = vec![
            (qs[0].id, json!("I want to learn cataloguing")),
            (qs[1].id, json!("identity")),
            (qs[2].id, json!(["a", "c"])),
            (qs[3].id, json!(4)),
            (qs[4].id, json!(true)),
        ];
        assert_eq!(check(&qs, ApplicationRole::Mentee, &answers), Ok(()));
    }

    #[test]
    fn wrong_kinds_and_options_not_offered_are_refused() {
        let qs = vec![
            q(
                QuestionKind::SingleChoice,
                &["x", "y"],
                false,
                Audience::Both,
            ),
            q(QuestionKind::Scale, &[], false, Audience::Both),
            q(QuestionKind::YesNo, &[], false, Audience::Both),
            q(
                QuestionKind::MultiChoice,
                &["x", "y"],
                false,
                Audience::Both,
            ),
        ];
        let answers = vec![
            (qs[0].id, json!("z")),
            (qs[1].id, json!(6)),
            (qs[2].id, json!("yes")),
            (qs[3].id, json!(["x", "x"])),
        ];
        let errs = check(&qs, ApplicationRole::Mentor, &answers).unwrap_err();
        assert_eq!(errs.len(), 4);
        assert!(errs.iter().all(|e| e.code == "invalid_answer"));
    }

    #[test]
    fn unknown_questions_and_missing_required_answers_are_named() {
        let qs = vec![q(QuestionKind::Text, &[], true, Audience::Mentor)];
        let stranger = Uuid::new_v4();
        let errs = check(&qs, ApplicationRole::Mentor, &[(stranger, json!("hi"))]).unwrap_err();
        assert_eq!(errs[0].code, "unknown_question");
        assert_eq!(errs[0].question_id, Some(stranger));
        assert_eq!(errs[1].code, "required");
        assert_eq!(errs[1].question_id, Some(qs[0].id));
    }

    #[test]
    fn questions_for_the_other_role_are_neither_required_nor_accepted() {
        let qs = vec![q(QuestionKind::Text, &[], true, Audience::Mentor)];
        assert_eq!(check(&qs, ApplicationRole::Mentee, &[]), Ok(()));
        let errs = check(&qs, ApplicationRole::Mentee, &[(qs[0].id, json!("x"))]).unwrap_err();
        assert_eq!(errs[0].code, "wrong_audience");
    }

    #[test]
    fn retired_questions_take_no_new_answers_but_keep_old_ones() {
        let mut retired = q(QuestionKind::Text, &[], true, Audience::Both);
        retired.retired = true;
        let qs = vec![retired.clone()];
        assert_eq!(check(&qs, ApplicationRole::Mentor, &[]), Ok(()));
        assert!(check(&qs, ApplicationRole::Mentor, &[(retired.id, json!("x"))]).is_err());
        let kept = HashSet::from([retired.id]);
        assert_eq!(
            check_answers(
                &qs,
                ApplicationRole::Mentor,
                &[(retired.id, json!("x"))],
                &kept
            ),
            Ok(())
        );
    }

    #[test]
    fn changes_that_would_invalidate_stored_answers_are_refused() {
        let before = q(
            QuestionKind::SingleChoice,
            &["a", "b"],
            false,
            Audience::Both,
        );
        let mut after = before.clone();
        after.options.push("c".into());
        assert_eq!(check_change_with_answers(&before, &after), Ok(()));
        let mut removed = before.clone();
        removed.options.pop();
        assert!(check_change_with_answers(&before, &removed).is_err());
        let mut kind = before.clone();
        kind.kind = QuestionKind::MultiChoice;
        assert!(check_change_with_answers(&before, &kind).is_err());
        let mut required = before.clone();
        required.required = true;
        assert!(check_change_with_answers(&before, &required).is_err());
        let mut narrowed = before.clone();
        narrowed.audience = Audience::Mentor;
        assert!(check_change_with_answers(&before, &narrowed).is_err());
    }
}
