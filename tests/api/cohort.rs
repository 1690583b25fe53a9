//! A realistic cycle: 150 applicants (50 mentors, 100 mentees) from across
//! Washington, and the committee's list, filters, paging, sorting and
//! dashboard counts over them.
use std::collections::{BTreeMap, HashSet};

use futures_util::StreamExt;
use reqwest::Response;
use serde_json::{Value, json};
use uuid::Uuid;
use wla_mentorship::domain::member::{MembershipStatus, Role};
use wla_mentorship::store::members::{self, NewMember};

use crate::helpers::*;

const MENTORS: usize = 50;
const MENTEES: usize = 100;

const FIRST_NAMES: [&str; 12] = [
    "Alex", "Beatriz", "Chen", "Dana", "Emeka", "Farah", "Gabriel", "Hana", "Isaiah", "Jun",
    "Kiona", "Lupe",
];
const LAST_NAMES: [&str; 10] = [
    "Nakamura",
    "Okafor",
    "Pereira",
    "Quinn",
    "Ramirez",
    "Sato",
    "Thompson",
    "Underwood",
    "Vasquez",
    "Whitehorse",
];
/// Regions as applicants type them: case varies, the filter ignores it.
const REGIONS: [&str; 5] = [
    "Puget Sound",
    "Spokane",
    "Olympic Peninsula",
    "Tri-Cities",
    "Yakima",
];
const LIBRARY_TYPES: [&str; 10] = [
    "public",
    "academic",
    "school",
    "special",
    "tribal",
    "government",
    "law",
    "medical",
    "archives",
    "other",
];
const MENTOR_STAGES: [&str; 2] = ["mid_career", "senior"];
const MENTEE_STAGES: [&str; 3] = ["student", "early_career", "career_changer"];
const LIBRARY_SCHOOL: [&str; 4] = ["none", "considering", "enrolled", "graduated"];
const PREFERENCES: [&str; 4] = ["career", "identity", "both", "none"];
const EMPLOYERS: [&str; 6] = [
    "King County Library System",
    "Spokane Public Library",
    "Washington State University Tri-Cities",
    "Yakima Valley Libraries",
    "Jefferson County Library",
    "Washington State Library",
];
const INTERESTS: [&str; 8] = [
    "Instruction",
    "outreach",
    "cataloguing",
    "youth services",
    "grant writing",
    "digital archives",
    "leadership",
    "collection development",
];

/// One applicant as arranged: what was sent, and what the committee decides.
struct Applicant {
    member_id: Uuid,
    role: &'static str,
    library_types: Vec<&'static str>,
    career_stage: &'static str,
    /// As typed.
    region: String,
    matching_preference: &'static str,
    capacity: Option<i64>,
    /// `None` leaves the application submitted.
    decision: Option<&'static str>,
}

impl Applicant {
    fn body(&self, i: usize) -> Value {
        let motivation = if i == 37 {
            // One mentor's story, to search for.
            "I grew up riding the county bookmobile and want to run one.".to_owned()
        } else {
            format!("Applicant {i} wants to grow as a library professional.")
        };
        let mut body = json!({
            "member_id": self.member_id,
            "role": self.role,
            "library_types": self.library_types,
            "interests": [INTERESTS[i % INTERESTS.len()], INTERESTS[(i + 3) % INTERESTS.len()]],
            "career_stage": self.career_stage,
            "region": self.region,
            "meeting_modes": if i.is_multiple_of(3) { json!(["online", "in_person"]) } else { json!(["online"]) },
            "availability": "Weekday evenings",
            "matching_preference": self.matching_preference,
            "identity_tags": if i.is_multiple_of(7) { json!(["first-generation"]) } else { json!([]) },
            "identity_consent": i.is_multiple_of(7),
            "employer": EMPLOYERS[i % EMPLOYERS.len()],
            "pronouns": "",
            "motivation": motivation,
        });
        let fields = if self.role == "mentor" {
            json!({
                "current_role": "Branch Manager",
                "years_experience": 5 + i % 25,
                "past_experience": "Reference, programming and supervision.",
                "support_approach": "Monthly calls and shadowing days.",
                "capacity": self.capacity,
            })
        } else {
            json!({
                "learning_goals": "How to lead a small team.",
                "career_goals": "A librarian position in my region.",
                "library_school": LIBRARY_SCHOOL[i % 4],
            })
        };
        for (k, v) in fields.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    }
}

/// Arranges the cohort: the applicant at index `i` is a mentor for `i <
/// MENTORS`, a mentee after.
fn arrange(member_ids: &[Uuid]) -> Vec<Applicant> {
    member_ids
        .iter()
        .enumerate()
        .map(|(i, &member_id)| {
            let mentor = i < MENTORS;
            let region = match (i % 5, i % 3) {
                (0, 0) => REGIONS[0].to_uppercase(),
                (0, 1) => REGIONS[0].to_lowercase(),
                (n, _) => REGIONS[n].to_owned(),
            };
            let mut library_types = vec![LIBRARY_TYPES[i % 10]];
            if i % 4 == 0 {
                library_types.push(LIBRARY_TYPES[(i / 4) % 10]);
            }
            library_types.sort();
            library_types.dedup();
            let decision = if mentor {
                match i % 5 {
                    0..=2 => Some("accepted"),
                    3 => Some("declined"),
                    _ => None,
                }
            } else {
                match i % 10 {
                    0..=5 => Some("accepted"),
                    6 => Some("waitlisted"),
                    7 => Some("declined"),
                    8 => Some("withdrawn"),
                    _ => None,
                }
            };
            Applicant {
                member_id,
                role: if mentor { "mentor" } else { "mentee" },
                library_types,
                career_stage: if mentor {
                    MENTOR_STAGES[i % 2]
                } else {
                    MENTEE_STAGES[i % 3]
                },
                region,
                matching_preference: PREFERENCES[(i / 3) % 4],
                capacity: mentor.then_some((i % 3) as i64 + 1),
                decision,
            }
        })
        .collect()
}

/// Members created straight in the database (no passwords, no logins).
async fn create_members(app: &TestApp, n: usize) -> Vec<Uuid> {
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let member = members::create(
            &app.db,
            NewMember {
                email: format!("applicant{i:03}@example.org"),
                password_hash: None,
                full_name: format!(
                    "{} {}",
                    FIRST_NAMES[i % FIRST_NAMES.len()],
                    LAST_NAMES[(i / FIRST_NAMES.len()) % LAST_NAMES.len()]
                ),
                pronouns: None,
                role: Role::Member,
                wla_member_id: Some(format!("WLA-{i:05}")),
                membership_status: MembershipStatus::Active,
                membership_expires_on: None,
            },
        )
        .await
        .expect("create member");
        ids.push(member.id);
    }
    ids
}

/// A cycle with the whole cohort applied and reviewed; returns the
/// committee, the cycle id and the arrangement.
async fn cohort(app: &TestApp) -> (TestUser, String, Vec<Applicant>) {
    let committee = app.committee().await;
    let cycle_id = app.open_cycle(&committee).await;
    let ids = create_members(app, MENTORS + MENTEES).await;
    let applicants = arrange(&ids);

    let submissions = futures_util::stream::iter(applicants.iter().enumerate())
        .map(|(i, a)| {
            let body = a.body(i);
            let committee = &committee;
            let cycle_id = &cycle_id;
            async move { (i, app.apply(committee, cycle_id, &body).await) }
        })
        .buffer_unordered(8)
        .collect::<Vec<_>>()
        .await;
    let mut application_ids = vec![String::new(); applicants.len()];
    for (i, res) in submissions {
        let created = json_of(res, 201).await;
        assert_eq!(created["submitted_by_committee"], true);
        application_ids[i] = created["id"].as_str().unwrap().to_owned();
    }

    let decisions = futures_util::stream::iter(applicants.iter().zip(&application_ids))
        .filter_map(|(a, id)| async move { a.decision.map(|d| (d, id)) })
        .map(|(decision, id)| {
            let committee = &committee;
            async move {
                let res = if decision == "withdrawn" {
                    app.post(
                        &format!("/api/v1/applications/{id}/withdraw"),
                        Some(&committee.token),
                        &json!({}),
                    )
                    .await
                } else {
                    app.post(
                        &format!("/api/v1/applications/{id}/review"),
                        Some(&committee.token),
                        &json!({"decision": decision, "note": "Panel decision"}),
                    )
                    .await
                };
                (decision, res)
            }
        })
        .buffer_unordered(8)
        .collect::<Vec<_>>()
        .await;
    for (decision, res) in decisions {
        assert_eq!(json_of(res, 200).await["status"], decision);
    }
    (committee, cycle_id, applicants)
}

/// The cycle's application list with `query`, as the committee.
async fn list(app: &TestApp, committee: &TestUser, cycle_id: &str, query: &str) -> Value {
    let res = app
        .get(
            &format!("/api/v1/cycles/{cycle_id}/applications?{query}"),
            Some(&committee.token),
        )
        .await;
    json_of(res, 200).await
}

async fn total(app: &TestApp, committee: &TestUser, cycle_id: &str, query: &str) -> u64 {
    list(app, committee, cycle_id, query).await["total"]
        .as_u64()
        .unwrap()
}

fn count(applicants: &[Applicant], keep: impl Fn(&Applicant) -> bool) -> u64 {
    applicants.iter().filter(|a| keep(a)).count() as u64
}

/// The ids of a page's items, in order.
fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The `Link` header as rel → target.
fn links(res: &Response) -> BTreeMap<String, String> {
    let header = res.headers()["link"].to_str().unwrap();
    header
        .split(", ")
        .map(|part| {
            let (target, rel) = part.split_once("; ").expect("link part");
            let rel = rel.trim_start_matches("rel=\"").trim_end_matches('"');
            (rel.to_owned(), target.trim_matches(['<', '>']).to_owned())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_committee_filters_pages_sorts_and_counts_a_cohort_of_150() {
    // Arrange
    let started = std::time::Instant::now();
    let app = spawn_app().await;
    let (committee, cycle_id, applicants) = cohort(&app).await;
    let arranged_in = started.elapsed();

    // Act + Assert: totals and role
    assert_eq!(total(&app, &committee, &cycle_id, "").await, 150);
    assert_eq!(total(&app, &committee, &cycle_id, "role=mentor").await, 50);
    assert_eq!(total(&app, &committee, &cycle_id, "role=mentee").await, 100);

    // Filters give the counts arranged.
    for library_type in ["public", "tribal", "archives"] {
        let expected = count(&applicants, |a| a.library_types.contains(&library_type));
        let actual = total(
            &app,
            &committee,
            &cycle_id,
            &format!("library_type={library_type}"),
        )
        .await;
        assert_eq!(actual, expected, "library_type={library_type}");
        assert!(expected > 0);
    }
    for stage in ["senior", "student", "career_changer"] {
        let expected = count(&applicants, |a| a.career_stage == stage);
        let actual = total(
            &app,
            &committee,
            &cycle_id,
            &format!("career_stage={stage}"),
        )
        .await;
        assert_eq!(actual, expected, "career_stage={stage}");
        assert!(expected > 0);
    }
    for preference in PREFERENCES {
        let expected = count(&applicants, |a| a.matching_preference == preference);
        let query = format!("matching_preference={preference}");
        assert_eq!(
            total(&app, &committee, &cycle_id, &query).await,
            expected,
            "{query}"
        );
    }
    let puget_sound = count(&applicants, |a| {
        a.region.eq_ignore_ascii_case("puget sound")
    });
    assert_eq!(
        puget_sound, 30,
        "three spellings of Puget Sound were arranged"
    );
    for query in [
        "region=Puget%20Sound",
        "region=puget%20sound",
        "region=PUGET%20SOUND",
    ] {
        assert_eq!(
            total(&app, &committee, &cycle_id, query).await,
            puget_sound,
            "{query}"
        );
    }
    assert_eq!(
        total(&app, &committee, &cycle_id, "region=Yakima").await,
        30
    );
    assert_eq!(
        total(&app, &committee, &cycle_id, "region=Walla%20Walla").await,
        0
    );
    let accepted_mentees = count(&applicants, |a| {
        a.role == "mentee" && a.decision == Some("accepted")
    });
    assert_eq!(
        total(&app, &committee, &cycle_id, "role=mentee&status=accepted").await,
        accepted_mentees
    );
    let academic_seniors_in_spokane = count(&applicants, |a| {
        a.library_types.contains(&"academic") && a.career_stage == "senior" && a.region == "Spokane"
    });
    assert_eq!(
        total(
            &app,
            &committee,
            &cycle_id,
            "library_type=academic&career_stage=senior&region=spokane"
        )
        .await,
        academic_seniors_in_spokane
    );

    // `q` finds one applicant by a word of their motivation.
    let found = list(&app, &committee, &cycle_id, "q=BOOKMOBILE").await;
    assert_eq!(found["total"], 1);
    assert_eq!(
        found["items"][0]["member_id"],
        applicants[37].member_id.to_string()
    );
    assert_eq!(
        total(&app, &committee, &cycle_id, "q=bookmobile%20county").await,
        1
    );
    assert_eq!(
        total(&app, &committee, &cycle_id, "q=bookmobile%20ferry").await,
        0,
        "every word must match"
    );

    // Paging: 8 pages of 20, linked.
    let mut seen = Vec::new();
    let mut next = Some(format!(
        "/api/v1/cycles/{cycle_id}/applications?per_page=20&sort=created_at"
    ));
    let mut pages = 0;
    while let Some(path) = next.take() {
        let res = app.get(&path, Some(&committee.token)).await;
        let links = links(&res);
        let page = json_of(res, 200).await;
        pages += 1;
        assert_eq!(page["page"], pages);
        assert_eq!(page["total"], 150);
        assert_eq!(
            links.contains_key("prev"),
            pages > 1,
            "page {pages}: {links:?}"
        );
        assert_eq!(
            page["items"].as_array().unwrap().len(),
            if pages < 8 { 20 } else { 10 }
        );
        seen.extend(ids(&page));
        if pages == 2 {
            // A page past the first (its rows after an OFFSET) shows each
            // application, its author's name and address with it, as the
            // application's own page does.
            for item in page["items"].as_array().unwrap() {
                let path = format!("/api/v1/applications/{}", item["id"].as_str().unwrap());
                let own = json_of(app.get(&path, Some(&committee.token)).await, 200).await;
                assert_eq!(item, &own);
            }
        }
        next = links.get("next").cloned();
    }
    assert_eq!(pages, 8);
    assert_eq!(
        seen.iter().collect::<HashSet<_>>().len(),
        150,
        "no repeats, none missing"
    );
    let past_the_end = list(&app, &committee, &cycle_id, "per_page=20&page=9").await;
    assert_eq!(past_the_end["items"], json!([]));

    // Sorting: each order is the exact reverse of the other.
    for field in ["created_at", "role", "status", "region", "member_name"] {
        let up = ids(&list(
            &app,
            &committee,
            &cycle_id,
            &format!("per_page=200&sort={field}"),
        )
        .await);
        let mut down = ids(&list(
            &app,
            &committee,
            &cycle_id,
            &format!("per_page=200&sort=-{field}"),
        )
        .await);
        down.reverse();
        assert_eq!(up.len(), 150);
        assert_eq!(up, down, "sort={field} vs sort=-{field}");
    }
    assert_eq!(
        ids(&list(&app, &committee, &cycle_id, "per_page=200").await),
        seen,
        "created_at ascending is the default"
    );

    // The dashboard counts.
    let res = app
        .get(
            &format!("/api/v1/cycles/{cycle_id}/applications/summary"),
            Some(&committee.token),
        )
        .await;
    let summary = json_of(res, 200).await;
    assert_eq!(summary["cycle_id"], cycle_id.as_str());
    assert_eq!(summary["total"], 150);
    for role in ["mentor", "mentee"] {
        for status in [
            "submitted",
            "accepted",
            "waitlisted",
            "declined",
            "withdrawn",
            "matched",
        ] {
            let expected = count(&applicants, |a| {
                a.role == role && a.decision.unwrap_or("submitted") == status
            });
            assert_eq!(
                summary["by_role"][role][status], expected,
                "{role} {status}"
            );
        }
    }
    assert_eq!(summary["by_role"]["mentor"]["accepted"], 30);
    assert_eq!(summary["by_role"]["mentee"]["withdrawn"], 10);
    let capacity: i64 = applicants
        .iter()
        .filter(|a| a.role == "mentor" && a.decision == Some("accepted"))
        .map(|a| a.capacity.unwrap())
        .sum();
    assert_eq!(summary["accepted_mentor_capacity"], capacity);
    let groups: HashSet<(&str, &str)> = applicants
        .iter()
        .map(|a| (a.role, a.decision.unwrap_or("submitted")))
        .collect();
    assert!(assert_counts_kept(&app).await >= groups.len() as u64);

    assert!(
        arranged_in.as_secs() < 60,
        "arranging the cohort took {arranged_in:?}"
    );
}
