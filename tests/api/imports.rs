//! Bulk imports of the roster: formats, the report, all-or-nothing, dry
//! runs, idempotency, limits, the audit list and who may import.
use reqwest::Response;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use wla_mentorship::store::entities::member;

use crate::helpers::{TestApp, TestUser, assert_problem, spawn_app, spawn_app_with};

const CSV: &str = "text/csv";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

impl TestApp {
    pub async fn import(
        &self,
        user: &TestUser,
        query: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> Response {
        self.client
            .post(self.url(&format!("/api/v1/members/import{query}")))
            .bearer_auth(&user.token)
            .header("Content-Type", content_type)
            .body(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn members_count(&self) -> u64 {
        member::Entity::find().count(&self.db).await.unwrap()
    }
}

/// A roster of `n` members, `roster-<i>@example.org`.
pub fn roster(n: usize) -> String {
    let mut csv = String::from("Email Address,Full name,Membership status,WLA member id\n");
    for i in 0..n {
        csv.push_str(&format!(
            "roster-{i}@example.org,Member {i},active,WLA-{i}\n"
        ));
    }
    csv
}

async fn report(res: Response) -> Value {
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

#[tokio::test]
async fn a_dry_run_reports_what_it_would_do_and_writes_nothing() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let before = app.members_count().await;

    let res = app
        .import(&committee, "?dry_run=true", CSV, roster(5))
        .await;

    let body = report(res).await;
    assert_eq!(body["created"], 5);
    assert_eq!(body["dry_run"], true);
    assert_eq!(body["errors"], json!([]));
    assert_eq!(app.members_count().await, before);
    let audit: Value = app
        .get("/api/v1/imports", Some(&committee.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(audit["items"][0]["dry_run"], true);
    assert_eq!(audit["items"][0]["created"], 5);
}

#[tokio::test]
async fn three_bad_rows_among_a_thousand_write_nothing_and_are_all_reported() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let before = app.members_count().await;
    let mut lines: Vec<String> = roster(1000).lines().map(str::to_owned).collect();
    lines[10] = "not-an-email,Bad One,active,".into();
    lines[500] = "roster-500@example.org,,active,".into();
    lines[999] = "roster-999@example.org,Bad Three,retired,".into();

    let res = app.import(&committee, "", CSV, lines.join("\n")).await;

    let problem = assert_problem(res, 422).await;
    let errors = problem["report"]["errors"].as_array().unwrap();
    let found: Vec<(u64, &str)> = errors
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["column"].as_str().unwrap()))
        .collect();
    assert_eq!(
        found,
        vec![
            (11, "email"),
            (501, "full_name"),
            (1000, "membership_status")
        ]
    );
    assert_eq!(errors[0]["value_hint"], "no…");
    assert!(
        !problem.to_string().contains("not-an-email"),
        "values are not echoed"
    );
    assert_eq!(app.members_count().await, before);
    let audit: Value = app
        .get("/api/v1/imports", Some(&committee.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(audit["total"], 0);
}

#[tokio::test]
async fn importing_the_same_file_again_leaves_everything_unchanged() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let first = report(app.import(&committee, "", CSV, roster(20)).await).await;
    assert_eq!(first["created"], 20);

    let again = report(app.import(&committee, "", CSV, roster(20)).await).await;

    assert_eq!(
        (again["created"].as_u64(), again["unchanged"].as_u64()),
        (Some(0), Some(20))
    );
    let changed = roster(20).replace("Member 3,active", "Member 3,lapsed");
    let third = report(app.import(&committee, "", CSV, changed).await).await;
    assert_eq!(
        (third["updated"].as_u64(), third["unchanged"].as_u64()),
        (Some(1), Some(19))
    );
}

#[tokio::test]
async fn concurrent_imports_of_one_file_end_with_one_set_of_members() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let before = app.members_count().await;

    let (a, b, c) = tokio::join!(
        app.import(&committee, "", CSV, roster(300)),
        app.import(&committee, "", CSV, roster(300)),
        app.import(&committee, "", CSV, roster(300)),
    );

    let mut created = 0;
    for res in [a, b, c] {
        let body = report(res).await;
        created += body["created"].as_u64().unwrap();
    }
    assert_eq!(created, 300);
    assert_eq!(app.members_count().await, before + 300);
}

#[tokio::test]
async fn an_idempotency_key_answers_a_retry_with_the_first_report() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let send = |body: String| {
        app.client
            .post(app.url("/api/v1/members/import"))
            .bearer_auth(&committee.token)
            .header("Content-Type", CSV)
            .header("Idempotency-Key", "roster-2026-12")
            .body(body)
            .send()
    };
    let first = report(send(roster(4)).await.unwrap()).await;

    let retry = send(roster(4)).await.unwrap();

    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    assert_eq!(report(retry).await, first);
    assert_eq!(first["created"], 4);
    assert_problem(send(roster(5)).await.unwrap(), 409).await;
}

#[tokio::test]
async fn a_file_over_the_limit_is_a_413() {
    let app = spawn_app_with(&[("MAX_IMPORT_BYTES", "1000")]).await;
    let committee = app.committee().await;

    let res = app.import(&committee, "", CSV, roster(100)).await;

    assert_problem(res, 413).await;
}

#[tokio::test]
async fn an_unknown_content_type_is_a_415() {
    let app = spawn_app().await;
    let committee = app.committee().await;

    let res = app.import(&committee, "", "text/html", roster(1)).await;

    assert_problem(res, 415).await;
}

#[tokio::test]
async fn bom_semicolon_and_windows_1252_files_are_read() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let bom = "\u{feff}email,full_name\nbom@example.org,Bo Mark\n";
    let semicolon = "E-mail;Name;Notes\nsemi@example.org;Semi Colon;x\n";
    let mut cp1252 = b"email,full_name\nrenee@example.org,Ren".to_vec();
    cp1252.extend_from_slice(b"\xE9e Caf\xE9\n");

    let bom = report(app.import(&committee, "", CSV, bom).await).await;
    let semi = report(
        app.import(&committee, "", "text/csv; charset=utf-8", semicolon)
            .await,
    )
    .await;
    let latin = report(app.import(&committee, "", CSV, cp1252).await).await;

    assert_eq!(bom["created"], 1);
    assert_eq!(
        (semi["created"].clone(), semi["ignored_columns"].clone()),
        (json!(1), json!(["Notes"]))
    );
    assert_eq!(latin["created"], 1);
    let list: Value = app
        .get("/api/v1/members?q=renee", Some(&committee.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"][0]["full_name"], "Renée Café");
}

#[tokio::test]
async fn a_json_array_is_imported_and_unknown_keys_are_reported() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let body = json!([
        {"email": "json@example.org", "full_name": "Jay Son", "membership_expires_on": "2030-06-30", "shoe_size": 42},
    ]);

    let res = app
        .import(&committee, "", "application/json", body.to_string())
        .await;

    let body = report(res).await;
    assert_eq!(body["created"], 1);
    assert_eq!(body["ignored_columns"], json!(["shoe_size"]));
    let mistyped = json!([{"email": "num@example.org", "full_name": 5}]).to_string();
    let res = app
        .import(&committee, "", "application/json", mistyped)
        .await;
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem["report"]["errors"][0]["column"], "full_name");
}

#[tokio::test]
async fn the_xlsx_template_imports_its_example_row() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let res = app
        .get("/api/v1/members/import/template?format=xlsx", None)
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], XLSX);
    let file = res.bytes().await.unwrap();

    let body = report(app.import(&committee, "", XLSX, file).await).await;

    assert_eq!(body["created"], 1);
    assert_eq!(body["errors"], json!([]));
    let csv = app.get("/api/v1/members/import/template", None).await;
    assert!(
        csv.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("members-template.csv")
    );
    let text = csv.text().await.unwrap();
    assert!(text.starts_with(
        "email,full_name,pronouns,wla_member_id,membership_status,membership_expires_on\n"
    ));
}

#[tokio::test]
async fn the_audit_list_shows_who_imported_which_file() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let done = report(app.import(&committee, "", CSV, roster(3)).await).await;
    let id = done["import_id"].as_str().unwrap();

    let res = app
        .get(&format!("/api/v1/imports/{id}"), Some(&committee.token))
        .await;

    assert_eq!(res.status(), 200);
    let entry: Value = res.json().await.unwrap();
    assert_eq!(entry["created_by"], committee.id.to_string());
    assert_eq!(entry["kind"], "members");
    assert_eq!(entry["format"], "csv");
    assert_eq!(entry["file_sha256"].as_str().unwrap().len(), 64);
    assert_eq!(entry["report"], done);
}

#[tokio::test]
async fn only_the_committee_imports_or_reads_the_audit_list() {
    let app = spawn_app().await;
    let member = app.member().await;
    let committee = app.committee().await;
    let done = report(app.import(&committee, "", CSV, roster(1)).await).await;

    let import = app.import(&member, "", CSV, roster(1)).await;
    let list = app.get("/api/v1/imports", Some(&member.token)).await;
    let one = app
        .get(
            &format!("/api/v1/imports/{}", done["import_id"].as_str().unwrap()),
            Some(&member.token),
        )
        .await;

    assert_problem(import, 403).await;
    assert_problem(list, 403).await;
    assert_problem(one, 403).await;
}

#[tokio::test]
async fn the_committee_cannot_change_an_administrator_by_import() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let admin = app.admin().await;
    let file = format!(
        "email,full_name\n{},Renamed Admin\n",
        admin.email.to_uppercase()
    );

    let res = app.import(&committee, "", CSV, file).await;

    let problem = assert_problem(res, 422).await;
    assert_eq!(problem["report"]["errors"][0]["column"], "email");
}

// ------------------------------------------------------------ applications

const GOOGLE_FORM_HEADER: &str = "Timestamp,Email Address,I want to,Library types,Career stage,Region,Meeting modes,Matching preference,Why are you interested,Learning goals,Career goals,Library school,Favourite book";

/// A form export's row for a mentee `email` answering the question.
fn mentee_row(email: &str, book: &str) -> String {
    format!(
        "2025/09/01 10:00:00,{email},Mentee,\"Academic, Public\",Student,Spokane,Online,Career,New to the field,Instruction,An instruction post,Enrolled,{book}\n"
    )
}

async fn import_applications(
    app: &TestApp,
    user: &TestUser,
    cycle_id: &str,
    query: &str,
    body: String,
) -> Response {
    app.client
        .post(app.url(&format!(
            "/api/v1/cycles/{cycle_id}/applications/import{query}"
        )))
        .bearer_auth(&user.token)
        .header("Content-Type", CSV)
        .body(body)
        .send()
        .await
        .expect("request")
}

/// A cycle with a required text question "Favourite book"; its id.
async fn cycle_with_question(app: &TestApp, committee: &TestUser) -> String {
    let cycle_id = app.open_cycle(committee).await;
    let res = app
        .post(
            &format!("/api/v1/cycles/{cycle_id}/questions"),
            Some(&committee.token),
            &json!({"prompt": "Favourite book", "kind": "text", "required": true}),
        )
        .await;
    assert_eq!(res.status(), 201);
    cycle_id
}

#[tokio::test]
async fn a_form_export_becomes_applications_with_answers_and_reimports_unchanged() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = cycle_with_question(&app, &committee).await;
    report(app.import(&committee, "", CSV, roster(3)).await).await;
    let file = format!(
        "{GOOGLE_FORM_HEADER}\n{}{}{}",
        mentee_row("roster-0@example.org", "Middlemarch"),
        mentee_row("ROSTER-1@example.org", "Beloved"),
        mentee_row("roster-2@example.org", "Kindred"),
    );

    let first =
        report(import_applications(&app, &committee, &cycle_id, "", file.clone()).await).await;
    let again =
        report(import_applications(&app, &committee, &cycle_id, "", file.clone()).await).await;
    let edited = file.replace("Kindred", "Dawn");
    let third = report(import_applications(&app, &committee, &cycle_id, "", edited).await).await;

    assert_eq!(first["created"], 3, "{first}");
    assert_eq!(first["ignored_columns"], json!(["Timestamp"]));
    assert_eq!(
        (again["created"].as_u64(), again["unchanged"].as_u64()),
        (Some(0), Some(3))
    );
    assert_eq!(
        (third["updated"].as_u64(), third["unchanged"].as_u64()),
        (Some(1), Some(2))
    );
    let list: Value = app
        .get(
            &format!("/api/v1/cycles/{cycle_id}/applications?sort=created_at"),
            Some(&committee.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 3);
    let form = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["member_email"] == "roster-0@example.org")
        .unwrap();
    assert_eq!(form["library_types"], json!(["public", "academic"]));
    assert_eq!(form["meeting_modes"], json!(["online"]));
    assert_eq!(form["answers"][0]["value"], "Middlemarch");
    assert!(crate::helpers::assert_counts_kept(&app).await >= 1);
}

#[tokio::test]
async fn application_rows_are_checked_by_the_form_rules_and_nothing_is_written() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = cycle_with_question(&app, &committee).await;
    report(app.import(&committee, "", CSV, roster(2)).await).await;
    let file = format!(
        "{GOOGLE_FORM_HEADER}\n{}{}{}",
        mentee_row("roster-0@example.org", "Middlemarch"),
        mentee_row("nobody@example.org", "Beloved"),
        mentee_row("roster-1@example.org", ""),
    )
    .replace("Student,Spokane", "Student,Spokane")
        + &mentee_row("roster-1@example.org", "Dune").replace("Online", "By pigeon");

    let res = import_applications(&app, &committee, &cycle_id, "", file).await;

    let problem = assert_problem(res, 422).await;
    let found: Vec<(u64, String)> = problem["report"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_u64().unwrap(),
                e["column"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            (3, "email".to_owned()),
            (4, "Favourite book".to_owned()),
            (5, "meeting_modes".to_owned()),
        ],
        "{problem}"
    );
    let list: Value = app
        .get(
            &format!("/api/v1/cycles/{cycle_id}/applications"),
            Some(&committee.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 0);
}

#[tokio::test]
async fn the_applications_template_imports_its_example_row() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.open_cycle(&committee).await;
    report(
        app.import(
            &committee,
            "",
            CSV,
            "email,full_name,membership_status\nada@example.org,Ada,active\n",
        )
        .await,
    )
    .await;
    let res = app
        .client
        .get(app.url(&format!(
            "/api/v1/cycles/{cycle_id}/applications/import/template"
        )))
        .bearer_auth(&committee.token)
        .header("Accept", XLSX)
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], XLSX);
    let file = res.bytes().await.unwrap();

    let res = app
        .client
        .post(app.url(&format!(
            "/api/v1/cycles/{cycle_id}/applications/import?dry_run=true"
        )))
        .bearer_auth(&committee.token)
        .header("Content-Type", XLSX)
        .body(file)
        .send()
        .await
        .unwrap();

    let body = report(res).await;
    assert_eq!(
        (body["created"].clone(), body["errors"].clone()),
        (json!(1), json!([]))
    );
}

#[tokio::test]
async fn only_the_committee_imports_applications() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let cycle_id = app.open_cycle(&committee).await;
    let file = format!("{GOOGLE_FORM_HEADER}\n{}", mentee_row(&member.email, "x"));

    let res = import_applications(&app, &member, &cycle_id, "", file.clone()).await;
    let template = app
        .get(
            &format!("/api/v1/cycles/{cycle_id}/applications/import/template"),
            Some(&member.token),
        )
        .await;
    let unknown = import_applications(
        &app,
        &committee,
        &uuid::Uuid::new_v4().to_string(),
        "",
        file,
    )
    .await;

    assert_problem(res, 403).await;
    assert_problem(template, 403).await;
    assert_problem(unknown, 404).await;
}

// ------------------------------------------------------------- CSV export

async fn csv_of(
    app: &TestApp,
    user: &TestUser,
    path: &str,
    accept: Option<&str>,
) -> (String, String) {
    let mut req = app.client.get(app.url(path)).bearer_auth(&user.token);
    if let Some(accept) = accept {
        req = req.header("Accept", accept);
    }
    let res = req.send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    (disposition, res.text().await.unwrap())
}

#[tokio::test]
async fn a_list_exports_every_page_as_csv_with_its_filters_and_order() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    report(app.import(&committee, "", CSV, roster(260)).await).await;

    let (disposition, all) = csv_of(
        &app,
        &committee,
        "/api/v1/members?format=csv&per_page=10&sort=email",
        None,
    )
    .await;
    let (_, filtered) = csv_of(
        &app,
        &committee,
        "/api/v1/members?q=roster-25&sort=-email",
        Some("text/csv"),
    )
    .await;

    let today = chrono::Utc::now().date_naive();
    assert_eq!(
        disposition,
        format!("attachment; filename=\"members-{today}.csv\"")
    );
    let lines: Vec<&str> = all.lines().collect();
    assert!(lines[0].starts_with("id,email,full_name,"), "{}", lines[0]);
    assert_eq!(
        lines.len(),
        1 + 260 + 1,
        "a header, the roster and the committee member"
    );
    let emails: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    let mut sorted = emails.clone();
    sorted.sort();
    assert_eq!(emails, sorted);
    let filtered: Vec<&str> = filtered
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    assert_eq!(
        filtered,
        vec![
            "roster-25@example.org",
            "roster-259@example.org",
            "roster-258@example.org",
            "roster-257@example.org",
            "roster-256@example.org",
            "roster-255@example.org",
            "roster-254@example.org",
            "roster-253@example.org",
            "roster-252@example.org",
            "roster-251@example.org",
            "roster-250@example.org",
        ]
    );
}

#[tokio::test]
async fn exported_cells_that_look_like_formulas_stay_text() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let file = "email,full_name,pronouns\nf@example.org,\"=HYPERLINK(\"\"http://x\"\")\",@they\n";
    report(app.import(&committee, "", CSV, file).await).await;

    let (_, csv) = csv_of(
        &app,
        &committee,
        "/api/v1/members?q=f%40example&format=csv",
        None,
    )
    .await;

    let row = csv.lines().nth(1).unwrap();
    assert!(row.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "{row}");
    assert!(row.contains(",'@they,"), "{row}");
}

#[tokio::test]
async fn applications_export_with_their_form_fields_as_columns() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = cycle_with_question(&app, &committee).await;
    report(app.import(&committee, "", CSV, roster(2)).await).await;
    let file = format!(
        "{GOOGLE_FORM_HEADER}\n{}{}",
        mentee_row("roster-0@example.org", "Middlemarch"),
        mentee_row("roster-1@example.org", "Beloved"),
    );
    report(import_applications(&app, &committee, &cycle_id, "", file).await).await;

    let (disposition, csv) = csv_of(
        &app,
        &committee,
        &format!("/api/v1/cycles/{cycle_id}/applications?format=csv"),
        None,
    )
    .await;

    assert!(disposition.contains("applications-"), "{disposition}");
    let header = csv.lines().next().unwrap();
    assert!(
        header.contains(",role,") && header.contains(",library_types,"),
        "{header}"
    );
    assert!(
        header.contains("review.note"),
        "nested objects become dotted columns: {header}"
    );
    assert_eq!(csv.lines().count(), 3);
    assert!(csv.contains("public; academic"), "{csv}");
}

#[tokio::test]
async fn a_member_cannot_export_the_roster_or_anothers_tokens() {
    let app = spawn_app().await;
    let member = app.member().await;

    let res = app
        .client
        .get(app.url("/api/v1/members?format=csv"))
        .bearer_auth(&member.token)
        .send()
        .await
        .unwrap();

    assert_problem(res, 403).await;
}

#[tokio::test]
async fn a_mentors_mentee_stages_import_from_their_column() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.open_cycle(&committee).await;
    report(app.import(&committee, "", CSV, roster(2)).await).await;
    let header = "email,role,library_types,career_stage,region,meeting_modes,matching_preference,\
                  motivation,current_role,years_experience,support_approach,Mentee career stages";
    let mentor = "roster-0@example.org,mentor,public,senior,Spokane,online,career,\
                  To give back,Branch manager,12,Monthly calls,Early career; student";
    let typo = "roster-1@example.org,mentor,public,senior,Spokane,online,career,\
                To give back,Branch manager,12,Monthly calls,retired";

    let bad = import_applications(
        &app,
        &committee,
        &cycle_id,
        "",
        format!("{header}\n{mentor}\n{typo}\n"),
    )
    .await;
    let done = report(
        import_applications(
            &app,
            &committee,
            &cycle_id,
            "",
            format!("{header}\n{mentor}\n"),
        )
        .await,
    )
    .await;

    let problem = assert_problem(bad, 422).await;
    let errors = problem["report"]["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{problem}");
    assert_eq!(errors[0]["row"], 3);
    assert_eq!(errors[0]["column"], "mentee_stages");
    assert_eq!(done["created"], 1, "{done}");
    let list: Value = app
        .get(
            &format!("/api/v1/cycles/{cycle_id}/applications"),
            Some(&committee.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        list["items"][0]["mentee_stages"],
        json!(["student", "early_career"])
    );
}
