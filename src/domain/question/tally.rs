//! How one of the evaluation form's own questions was answered across a
//! cycle, for the committee's report: a scale's spread, a yes/no's yes
//! answers, each option's count of a choice; a text question only counts
//! its answers (the committee reads them in the spreadsheet).
use serde_json::Value;

use super::QuestionKind;

/// The answers to one question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tally {
    /// Answers given (each a value the question takes).
    pub responses: u32,
    pub counts: Counts,
}

/// What the answers said, by the question's kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Counts {
    /// Answers per value, 1 to 5.
    Scale([u32; 5]),
    /// Answers that said yes.
    YesNo { yes: u32 },
    /// Answers naming each option, in the question's order (a multi-choice
    /// answer counts once for each option it names).
    Choices(Vec<u32>),
    /// Free text: nothing to count but the answers.
    Text,
}

/// The tally of `answers` (the stored values of one question's answers)
/// for a question of `kind` with `options`. A value the question does not
/// take (one stored before the question changed) is left out.
pub fn tally<'a>(
    kind: QuestionKind,
    options: &[String],
    answers: impl IntoIterator<Item = &'a Value>,
) -> Tally {
    let mut counts = match kind {
        QuestionKind::Scale => Counts::Scale([0; 5]),
        QuestionKind::YesNo => Counts::YesNo { yes: 0 },
        QuestionKind::SingleChoice | QuestionKind::MultiChoice => {
            Counts::Choices(vec![0; options.len()])
        }
        QuestionKind::Text => Counts::Text,
    };
    let mut responses = 0;
    for value in answers {
        if count(&mut counts, options, value) {
            responses += 1;
        }
    }
    Tally { responses, counts }
}

/// Adds one answer; whether it was one the question takes.
fn count(counts: &mut Counts, options: &[String], value: &Value) -> bool {
    let option = |name: &Value| options.iter().position(|o| name.as_str() == Some(o));
    match (counts, value) {
        (Counts::Scale(spread), Value::Number(n)) => {
            match n
                .as_u64()
                .and_then(|v| spread.get_mut(usize::try_from(v).ok()?.checked_sub(1)?))
            {
                Some(slot) => {
                    *slot += 1;
                    true
                }
                None => false,
            }
        }
        (Counts::YesNo { yes }, Value::Bool(said)) => {
            *yes += u32::from(*said);
            true
        }
        (Counts::Choices(each), Value::String(_)) => match option(value) {
            Some(i) => {
                each[i] += 1;
                true
            }
            None => false,
        },
        (Counts::Choices(each), Value::Array(named)) => {
            let known: Vec<usize> = named.iter().filter_map(option).collect();
            for &i in &known {
                each[i] += 1;
            }
            !known.is_empty()
        }
        (Counts::Text, Value::String(text)) => !text.trim().is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn options() -> Vec<String> {
        ["Resume review", "Interviewing", "Networking"]
            .map(str::to_owned)
            .to_vec()
    }

    #[test]
    fn a_scale_spreads_its_answers_over_one_to_five() {
        let answers = [json!(4), json!(5), json!(4), json!(0), json!(6), json!("4")];
        let t = tally(QuestionKind::Scale, &[], &answers);
        assert_eq!(t.responses, 3);
        assert_eq!(t.counts, Counts::Scale([0, 0, 0, 2, 1]));
    }

    #[test]
    fn a_yes_no_counts_its_yes_answers() {
        let answers = [json!(true), json!(false), json!(true), json!("yes")];
        let t = tally(QuestionKind::YesNo, &[], &answers);
        assert_eq!((t.responses, t.counts), (3, Counts::YesNo { yes: 2 }));
    }

    #[test]
    fn choices_count_each_option_named_in_order() {
        let single = [json!("Networking"), json!("Interviewing"), json!("Gone")];
        let t = tally(QuestionKind::SingleChoice, &options(), &single);
        assert_eq!((t.responses, t.counts), (2, Counts::Choices(vec![0, 1, 1])));
        let multi = [
            json!(["Resume review", "Networking"]),
            json!(["Networking"]),
            json!([]),
            json!(["Gone"]),
        ];
        let t = tally(QuestionKind::MultiChoice, &options(), &multi);
        assert_eq!((t.responses, t.counts), (2, Counts::Choices(vec![1, 0, 2])));
    }

    #[test]
    fn text_only_counts_its_answers() {
        let answers = [json!("Monthly calls"), json!("  "), json!(3)];
        let t = tally(QuestionKind::Text, &[], &answers);
        assert_eq!((t.responses, t.counts), (1, Counts::Text));
    }
}
