//! An application as one row of a form export gives it: the applicant's
//! email, the form, and which cells were filled. On an application already
//! stored, an empty cell leaves its field as it is.
use crate::domain::application::{ApplicationChanges, ApplicationForm};
use crate::domain::member::normalize_email;

#[derive(Clone, Debug, PartialEq)]
pub struct ImportedApplication {
    pub email: String,
    /// The form as the row gives it (answers added once the cycle's
    /// questions are known).
    pub form: ApplicationForm,
    /// The form fields the row fills (`answers` when it answers any
    /// question).
    pub given: Vec<&'static str>,
    /// Filled cells under headers the form does not have, by the header's
    /// place in the report's `ignored_columns`: answers, when the header
    /// names one of the cycle's questions.
    pub extra: Vec<(usize, String)>,
}

impl ImportedApplication {
    pub fn key(&self) -> String {
        normalize_email(&self.email)
    }

    /// The row as changes to a stored application: only the fields it
    /// fills.
    pub fn changes(&self) -> ApplicationChanges {
        let f = self.form.clone();
        let has = |name: &str| self.given.contains(&name);
        macro_rules! pick {
            ($($field:ident),+ ; $($optional:ident),+) => {
                ApplicationChanges {
                    $($field: has(stringify!($field)).then_some(f.$field),)+
                    $($optional: if has(stringify!($optional)) { f.$optional } else { None },)+
                }
            };
        }
        pick!(
            role, library_types, interests, career_stage, region, meeting_modes, availability,
            matching_preference, identity_tags, identity_consent, employer, pronouns, motivation,
            mentee_stages, answers;
            current_role, years_experience, past_experience, support_approach, capacity,
            learning_goals, career_goals, library_school
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::application::{
        ApplicationRole, CareerStage, LibrarySchool, LibraryType, MatchingPreference, MeetingMode,
    };

    fn form() -> ApplicationForm {
        ApplicationForm {
            role: ApplicationRole::Mentee,
            library_types: vec![LibraryType::Academic],
            interests: vec![],
            career_stage: CareerStage::Student,
            region: "Puget Sound".into(),
            meeting_modes: vec![MeetingMode::Online],
            availability: String::new(),
            matching_preference: MatchingPreference::Career,
            identity_tags: vec![],
            identity_consent: false,
            employer: String::new(),
            pronouns: String::new(),
            current_role: None,
            years_experience: None,
            past_experience: None,
            support_approach: None,
            motivation: "Why".into(),
            capacity: None,
            learning_goals: Some("Learn".into()),
            career_goals: Some("Work".into()),
            library_school: Some(LibrarySchool::Enrolled),
            mentee_stages: vec![],
            answers: vec![],
        }
    }

    #[test]
    fn empty_cells_leave_the_stored_fields_alone() {
        let stored = ApplicationForm {
            employer: "City Library".into(),
            ..form()
        };
        let row = ImportedApplication {
            email: "a@x.org".into(),
            form: ApplicationForm {
                region: "Spokane".into(),
                ..form()
            },
            given: vec!["role", "region", "motivation"],
            extra: vec![],
        };
        let (merged, changed) = row.changes().apply_to(&stored);
        assert_eq!(changed, vec!["region"]);
        assert_eq!(merged.employer, "City Library");
    }
}
