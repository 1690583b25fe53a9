//! Which applications the committee's list shows.
use super::{
    ApplicationForm, ApplicationRole, ApplicationStatus, CareerStage, LibraryType,
    MatchingPreference,
};

/// The committee list's filters; `None` does not filter.
#[derive(Clone, Debug, Default)]
pub struct ApplicationFilter {
    pub role: Option<ApplicationRole>,
    pub status: Option<ApplicationStatus>,
    pub library_type: Option<LibraryType>,
    pub career_stage: Option<CareerStage>,
    pub matching_preference: Option<MatchingPreference>,
    /// Case-insensitive exact region.
    pub region: Option<String>,
    /// Words, each searched in names, email and free text.
    pub q: Option<String>,
}

impl ApplicationFilter {
    /// Whether only `role` and `status` filter: plain column equalities,
    /// which the database can apply itself.
    pub fn is_role_and_status_only(&self) -> bool {
        self.library_type.is_none()
            && self.career_stage.is_none()
            && self.matching_preference.is_none()
            && self.region.is_none()
            && self.q.is_none()
    }

    /// Whether an application (its form and status, its author's name and
    /// email) passes every filter.
    pub fn matches(
        &self,
        form: &ApplicationForm,
        status: ApplicationStatus,
        name: &str,
        email: &str,
    ) -> bool {
        self.role.is_none_or(|r| r == form.role)
            && self.status.is_none_or(|s| s == status)
            && self
                .library_type
                .is_none_or(|l| form.library_types.contains(&l))
            && self.career_stage.is_none_or(|c| c == form.career_stage)
            && self
                .matching_preference
                .is_none_or(|p| p == form.matching_preference)
            && self
                .region
                .as_deref()
                .is_none_or(|r| r.trim().eq_ignore_ascii_case(form.region.trim()))
            && self.q.as_deref().is_none_or(|q| {
                let haystack = searchable_text(form, name, email).to_lowercase();
                q.split_whitespace()
                    .all(|word| haystack.contains(&word.to_lowercase()))
            })
    }
}

/// Names and free text an application is found by. Identity tags are left
/// out, so a search cannot be used to pick people out by identity.
fn searchable_text(form: &ApplicationForm, name: &str, email: &str) -> String {
    let mut parts: Vec<&str> = vec![
        name,
        email,
        &form.region,
        &form.employer,
        &form.availability,
        &form.motivation,
    ];
    let interests = form.interests.join(" ");
    parts.push(&interests);
    parts.extend(
        [
            &form.current_role,
            &form.past_experience,
            &form.support_approach,
            &form.learning_goals,
            &form.career_goals,
        ]
        .into_iter()
        .filter_map(Option::as_deref),
    );
    parts.extend(form.answers.iter().filter_map(|a| a.value.as_str()));
    parts.join("\n")
}
