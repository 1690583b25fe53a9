//! The columns an import reads and the other names spreadsheets and form
//! exports give them. A header is matched ignoring case, spaces,
//! underscores and hyphens, so `Email Address`, `email_address` and
//! `E-mail address` are one column.

/// A column an import knows: its name and the headers that mean it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub required: bool,
    /// What a cell may hold, for the template and the README.
    pub allowed: &'static str,
    pub example: &'static str,
}

/// The columns of `POST /members/import`. Any other header (a form
/// export's `Timestamp`, a notes column) is listed in the report's
/// `ignored_columns`.
pub const MEMBER_COLUMNS: &[Column] = &[
    Column {
        name: "email",
        aliases: &[
            "email address",
            "e-mail",
            "e-mail address",
            "mail",
            "username",
        ],
        required: true,
        allowed: "an email address; matches an existing member case-insensitively",
        example: "grace@example.org",
    },
    Column {
        name: "full_name",
        aliases: &["full name", "name", "your name", "member name"],
        required: true,
        allowed: "text, up to 200 characters",
        example: "Grace Hopper",
    },
    Column {
        name: "pronouns",
        aliases: &["your pronouns"],
        required: false,
        allowed: "text, up to 50 characters",
        example: "she/her",
    },
    Column {
        name: "wla_member_id",
        aliases: &["wla member id", "member id", "membership number", "wla id"],
        required: false,
        allowed: "text, up to 50 characters",
        example: "WLA-1042",
    },
    Column {
        name: "membership_status",
        aliases: &["status", "membership"],
        required: false,
        allowed: "pending, active, lapsed (new members default to pending)",
        example: "active",
    },
    Column {
        name: "membership_expires_on",
        aliases: &[
            "membership expires",
            "expires on",
            "expiry date",
            "expiration date",
        ],
        required: false,
        allowed: "a date, YYYY-MM-DD (or MM/DD/YYYY)",
        example: "2030-06-30",
    },
];

/// The columns of `POST /cycles/{id}/applications/import`: the applicant
/// (by email) and the fields of the application form. Lists (`library
/// types`, `interests`, `meeting modes`, `identity tags`) are separated
/// by `,` or `;`. A column headed with one of the cycle's questions (its
/// prompt, or its id) answers it.
pub const APPLICATION_COLUMNS: &[Column] = &[
    col(
        "email",
        &["email address", "e-mail", "username"],
        true,
        "the applicant's email; the member must exist",
        "ada@example.org",
    ),
    col(
        "role",
        &["mentor or mentee", "i want to", "applying as"],
        true,
        "mentor, mentee",
        "mentee",
    ),
    col(
        "library_types",
        &["library type", "library types", "type of library"],
        true,
        "public, academic, school, special, tribal, government, law, medical, archives, other (one or more)",
        "academic; public",
    ),
    col(
        "interests",
        &["areas of interest", "interest"],
        false,
        "tags, up to 20",
        "instruction; outreach",
    ),
    col(
        "career_stage",
        &["career stage", "stage"],
        true,
        "student, early_career, mid_career, senior, career_changer",
        "student",
    ),
    col(
        "region",
        &["region of washington", "location"],
        true,
        "text, up to 100 characters",
        "Puget Sound",
    ),
    col(
        "meeting_modes",
        &[
            "meeting mode",
            "meeting modes",
            "how would you like to meet",
        ],
        true,
        "online, in_person (one or both)",
        "online",
    ),
    col(
        "availability",
        &[],
        false,
        "text, up to 1000 characters",
        "Evenings",
    ),
    col(
        "matching_preference",
        &["matching preference", "match on"],
        true,
        "career, identity, both, none",
        "career",
    ),
    col(
        "identity_tags",
        &["identity", "identities"],
        false,
        "tags, up to 20 (private)",
        "",
    ),
    col(
        "identity_consent",
        &["consent to use identity", "identity consent"],
        false,
        "yes, no (default no)",
        "no",
    ),
    col(
        "employer",
        &["current employer", "workplace"],
        false,
        "text, up to 200 characters",
        "",
    ),
    col(
        "pronouns",
        &["your pronouns"],
        false,
        "text, up to 50 characters",
        "they/them",
    ),
    col(
        "current_role",
        &["current role", "job title", "title"],
        false,
        "mentor: text, up to 200 characters (required)",
        "",
    ),
    col(
        "years_experience",
        &["years of experience", "years"],
        false,
        "mentor: 0-60 (required)",
        "",
    ),
    col(
        "past_experience",
        &["past experience"],
        false,
        "mentor: text",
        "",
    ),
    col(
        "support_approach",
        &["support approach", "how would you support a mentee"],
        false,
        "mentor: text (required)",
        "",
    ),
    col(
        "motivation",
        &["why are you interested", "why"],
        true,
        "text, up to 5000 characters",
        "I am new to the field.",
    ),
    col(
        "capacity",
        &["number of mentees", "mentees"],
        false,
        "mentor: 1-3 (default 1)",
        "",
    ),
    col(
        "mentee_stages",
        &[
            "mentee stages",
            "mentee career stages",
            "which mentee career stages would you most like to support",
        ],
        false,
        "mentor: student, early_career, mid_career, senior, career_changer (none or more; optional)",
        "",
    ),
    col(
        "learning_goals",
        &["learning goals", "what do you hope to learn"],
        false,
        "mentee: text (required)",
        "Instruction work day to day.",
    ),
    col(
        "career_goals",
        &["career goals"],
        false,
        "mentee: text (required)",
        "An instruction librarian position.",
    ),
    col(
        "library_school",
        &["library school", "mlis"],
        false,
        "mentee: none, considering, enrolled, graduated (required)",
        "enrolled",
    ),
];

const fn col(
    name: &'static str,
    aliases: &'static [&'static str],
    required: bool,
    allowed: &'static str,
    example: &'static str,
) -> Column {
    Column {
        name,
        aliases,
        required,
        allowed,
        example,
    }
}

/// A header as compared: lower-case, with runs of spaces, `_` and `-`
/// made one space, trimmed.
pub fn header_key(header: &str) -> String {
    let lowered = header.trim_start_matches('\u{feff}').to_lowercase();
    lowered
        .split(|c: char| c.is_whitespace() || c == '_' || c == '-')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Which file column holds which import column.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ColumnMap {
    /// For each file column, the import column it holds, if any.
    pub columns: Vec<Option<&'static str>>,
    /// File headers the import does not use.
    pub ignored: Vec<String>,
    /// Required import columns the file lacks.
    pub missing: Vec<&'static str>,
    /// Import columns given twice (`Email` and `Email Address`).
    pub duplicated: Vec<&'static str>,
}

impl ColumnMap {
    pub fn new(known: &[Column], headers: &[String]) -> Self {
        let mut map = ColumnMap::default();
        for header in headers {
            let key = header_key(header);
            let found = known.iter().find(|c| {
                header_key(c.name) == key || c.aliases.iter().any(|a| header_key(a) == key)
            });
            match found {
                Some(c) if map.columns.contains(&Some(c.name)) => {
                    map.duplicated.push(c.name);
                    map.columns.push(None);
                }
                Some(c) => map.columns.push(Some(c.name)),
                None => {
                    map.ignored.push(header.trim().to_owned());
                    map.columns.push(None);
                }
            }
        }
        map.missing = known
            .iter()
            .filter(|c| c.required && !map.columns.contains(&Some(c.name)))
            .map(|c| c.name)
            .collect();
        map
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(h: &[&str]) -> Vec<String> {
        h.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn form_export_headers_find_their_columns() {
        let map = ColumnMap::new(
            MEMBER_COLUMNS,
            &headers(&[
                "Timestamp",
                "Email Address",
                " Full  name ",
                "WLA_member-ID",
                "Notes",
            ]),
        );
        assert_eq!(
            map.columns,
            vec![
                None,
                Some("email"),
                Some("full_name"),
                Some("wla_member_id"),
                None
            ]
        );
        assert_eq!(map.ignored, vec!["Timestamp", "Notes"]);
        assert!(map.missing.is_empty());
    }

    #[test]
    fn a_missing_required_column_and_a_duplicate_are_named() {
        let map = ColumnMap::new(MEMBER_COLUMNS, &headers(&["Email", "E-mail address"]));
        assert_eq!(map.missing, vec!["full_name"]);
        assert_eq!(map.duplicated, vec!["email"]);
    }

    #[test]
    fn headers_compare_without_case_spaces_or_separators() {
        assert_eq!(header_key("\u{feff}Email_Address "), "email address");
        assert_eq!(header_key("E-Mail"), "e mail");
    }
}
