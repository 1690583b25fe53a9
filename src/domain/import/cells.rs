//! Cells as spreadsheets write them: lists separated by `,` or `;`,
//! yes/no answers, and a question's answer by the question's kind.
use serde_json::Value;

use crate::domain::question::QuestionKind;

/// The items of a list cell, trimmed, empty ones dropped.
pub fn split_list(text: &str) -> Vec<String> {
    text.split([',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `yes`/`no`, `true`/`false`, `y`/`n`, `1`/`0`, any case.
pub fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "yes" | "y" | "true" | "1" => Some(true),
        "no" | "n" | "false" | "0" => Some(false),
        _ => None,
    }
}

/// A closed-set value as written in a form export (`In person`,
/// `Early career`): lower-cased, spaces and hyphens as `_`.
pub fn enum_text(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

/// The answer a cell gives to a question of `kind`; the question's own
/// rules (options, range) are checked afterwards with the form's.
pub fn answer_value(kind: QuestionKind, text: &str) -> Result<Value, &'static str> {
    let text = text.trim();
    match kind {
        QuestionKind::Text | QuestionKind::SingleChoice => Ok(Value::from(text)),
        QuestionKind::MultiChoice => Ok(Value::from(split_list(text))),
        QuestionKind::Scale => text
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| "must be a whole number from 1 to 5"),
        QuestionKind::YesNo => parse_bool(text).map(Value::from).ok_or("must be yes or no"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_as_a_form_export_writes_them() {
        assert_eq!(
            split_list("Academic; public,, "),
            vec!["Academic", "public"]
        );
        assert_eq!(parse_bool("Yes"), Some(true));
        assert_eq!(parse_bool("maybe"), None);
        assert_eq!(enum_text(" In person "), "in_person");
        assert_eq!(enum_text("Early-career"), "early_career");
        assert_eq!(answer_value(QuestionKind::Scale, "4"), Ok(Value::from(4)));
        assert!(answer_value(QuestionKind::Scale, "four").is_err());
        assert_eq!(
            answer_value(QuestionKind::MultiChoice, "a;b"),
            Ok(serde_json::json!(["a", "b"]))
        );
    }
}
