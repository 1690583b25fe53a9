//! A cycle's own form questions, and checking answers against them.
mod answers;
mod tally;

use std::collections::HashSet;

use sea_orm::entity::prelude::StringLen;
use sea_orm::{DeriveActiveEnum, EnumIter};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

pub use answers::{AnswerError, MAX_TEXT_ANSWER, answer_field_errors, check_answers};
pub use tally::{Counts, Tally, tally};

use super::application::ApplicationRole;

/// What a question asks for: `text` (free text, up to 5000 characters),
/// `single_choice` (one of `options`), `multi_choice` (any number of
/// `options`), `scale` (an integer from 1 to 5) or `yes_no` (a boolean).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema, EnumIter, DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "snake_case"
)]
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

/// Who is asked a question: `mentor`, `mentee` or `both`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema, EnumIter, DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "snake_case"
)]
pub enum Audience {
    Mentor,
    Mentee,
    Both,
}

/// Which form a question is on: the `application` form (default) or the
/// end-of-cycle `evaluation` form.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    ToSchema,
    EnumIter,
    DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::None)",
    rename_all = "snake_case"
)]
pub enum QuestionForm {
    /// Asked when applying.
    #[default]
    Application,
    /// Asked in the end-of-cycle evaluation.
    Evaluation,
}

impl QuestionForm {
    pub const ALL: [QuestionForm; 2] = [Self::Application, Self::Evaluation];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Application => "application",
            Self::Evaluation => "evaluation",
        }
    }

    /// What holds the answers to this form's questions, for messages.
    pub fn answered_in(self) -> &'static str {
        match self {
            Self::Application => "applications",
            Self::Evaluation => "evaluations",
        }
    }
}

impl QuestionKind {
    pub const ALL: [QuestionKind; 5] = [
        Self::Text,
        Self::SingleChoice,
        Self::MultiChoice,
        Self::Scale,
        Self::YesNo,
    ];

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
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn has_options(self) -> bool {
        matches!(self, Self::SingleChoice | Self::MultiChoice)
    }
}

impl Audience {
    pub const ALL: [Audience; 3] = [Self::Mentor, Self::Mentee, Self::Both];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mentor => "mentor",
            Self::Mentee => "mentee",
            Self::Both => "both",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
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

/// A question as the committee defines it (options trimmed).
#[derive(Clone, Debug, PartialEq)]
pub struct QuestionDefinition {
    pub prompt: String,
    pub kind: QuestionKind,
    pub options: Vec<String>,
    pub required: bool,
    pub audience: Audience,
    pub retired: bool,
}

/// A new question; `position` `None` puts it after the last one.
#[derive(Clone, Debug)]
pub struct NewQuestion {
    pub form: QuestionForm,
    pub definition: QuestionDefinition,
    pub position: Option<i32>,
}

/// Changes to a question; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct QuestionChanges {
    pub prompt: Option<String>,
    pub kind: Option<QuestionKind>,
    pub options: Option<Vec<String>>,
    pub required: Option<bool>,
    pub audience: Option<Audience>,
    pub position: Option<i32>,
    pub retired: Option<bool>,
}

impl QuestionChanges {
    /// `current` with the changed fields replaced.
    pub fn apply_to(self, current: QuestionDefinition) -> QuestionDefinition {
        QuestionDefinition {
            prompt: self.prompt.unwrap_or(current.prompt),
            kind: self.kind.unwrap_or(current.kind),
            options: self.options.unwrap_or(current.options),
            required: self.required.unwrap_or(current.required),
            audience: self.audience.unwrap_or(current.audience),
            retired: self.retired.unwrap_or(current.retired),
        }
    }
}

impl QuestionDefinition {
    /// The rule answers to this definition of question `id` must follow.
    pub fn rule(&self, id: Uuid) -> QuestionRule {
        QuestionRule {
            id,
            kind: self.kind,
            options: self.options.clone(),
            required: self.required,
            audience: self.audience,
            retired: self.retired,
        }
    }
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
/// it would; `form` names what holds them.
pub fn check_change_with_answers(
    before: &QuestionRule,
    after: &QuestionRule,
    form: QuestionForm,
) -> Result<(), String> {
    let held = form.answered_in();
    if before.kind != after.kind {
        return Err(format!("its kind cannot change once the cycle has {held}"));
    }
    if let Some(gone) = before.options.iter().find(|o| !after.options.contains(o)) {
        return Err(format!(
            "option \"{gone}\" cannot be removed once the cycle has {held}"
        ));
    }
    if !before.required && after.required {
        return Err(format!(
            "it cannot become required once the cycle has {held}"
        ));
    }
    if before.audience != after.audience && after.audience != Audience::Both {
        return Err(format!(
            "its audience cannot narrow once the cycle has {held}"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use sea_orm::ActiveEnum;

    use super::*;

    #[test]
    fn kinds_and_audiences_round_trip_through_their_stored_names() {
        for k in QuestionKind::ALL {
            assert_eq!(k.to_value(), k.as_str());
            assert_eq!(QuestionKind::try_from_value(&k.to_value()).unwrap(), k);
            assert_eq!(QuestionKind::parse(k.as_str()), Some(k));
            assert_eq!(serde_json::json!(k), serde_json::json!(k.as_str()));
        }
        for a in Audience::ALL {
            assert_eq!(a.to_value(), a.as_str());
            assert_eq!(Audience::try_from_value(&a.to_value()).unwrap(), a);
        }
        for f in QuestionForm::ALL {
            assert_eq!(f.to_value(), f.as_str());
            assert_eq!(QuestionForm::try_from_value(&f.to_value()).unwrap(), f);
        }
        assert!(QuestionKind::try_from_value(&"essay".to_owned()).is_err());
        assert!(Audience::try_from_value(&"everyone".to_owned()).is_err());
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
    fn changes_replace_only_the_fields_given() {
        let current = QuestionDefinition {
            prompt: "Why?".into(),
            kind: QuestionKind::Text,
            options: vec![],
            required: true,
            audience: Audience::Both,
            retired: false,
        };
        let changes = QuestionChanges {
            retired: Some(true),
            position: Some(4),
            ..Default::default()
        };
        let after = changes.apply_to(current.clone());
        assert_eq!(
            after,
            QuestionDefinition {
                retired: true,
                ..current
            }
        );
    }

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
        assert_eq!(
            check_change_with_answers(&before, &after, QuestionForm::Application),
            Ok(())
        );
        let mut removed = before.clone();
        removed.options.pop();
        assert!(check_change_with_answers(&before, &removed, QuestionForm::Application).is_err());
        let mut kind = before.clone();
        kind.kind = QuestionKind::MultiChoice;
        assert!(check_change_with_answers(&before, &kind, QuestionForm::Application).is_err());
        let mut required = before.clone();
        required.required = true;
        assert!(check_change_with_answers(&before, &required, QuestionForm::Application).is_err());
        let mut narrowed = before.clone();
        narrowed.audience = Audience::Mentor;
        assert!(check_change_with_answers(&before, &narrowed, QuestionForm::Application).is_err());
    }
}
