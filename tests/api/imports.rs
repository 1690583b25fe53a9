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
