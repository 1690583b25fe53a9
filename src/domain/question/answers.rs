//! Checking answers against the cycle's questions.
use std::collections::{HashMap, HashSet};

use serde_json::Value;
use uuid::Uuid;

use super::{QuestionKind, QuestionRule};
use crate::domain::FieldError;
use crate::domain::application::ApplicationRole;

pub const MAX_TEXT_ANSWER: usize = 5000;

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

/// The answer errors as field errors: `answers.{i}` for a given answer,
/// `answers[{question id}]` for a missing one.
pub fn answer_field_errors(errors: Vec<AnswerError>) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|e| {
            let field = match e.index {
                Some(i) => format!("answers.{i}"),
                None => format!(
                    "answers[{}]",
                    e.question_id.map(|q| q.to_string()).unwrap_or_default()
                ),
            };
            FieldError::new(field, e.code, e.message)
        })
        .collect()
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
    use serde_json::json;

    use super::*;
    use crate::domain::question::Audience;

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
    fn answer_errors_name_the_answer_or_the_question() {
        let qs = vec![q(QuestionKind::Scale, &[], true, Audience::Both)];
        let errs = check(&qs, ApplicationRole::Mentor, &[(qs[0].id, json!(9))]).unwrap_err();
        assert_eq!(answer_field_errors(errs)[0].field, "answers.0");
        let errs = check(&qs, ApplicationRole::Mentor, &[]).unwrap_err();
        assert_eq!(
            answer_field_errors(errs)[0].field,
            format!("answers[{}]", qs[0].id)
        );
    }
}
