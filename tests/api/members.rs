//! `/members`: the committee's roster, roles and invitations.
use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use wla_mentorship::store::entities::invitation;

use crate::helpers::*;

/// Creates a member as `by`; returns the 201 body.
async fn create_member(app: &TestApp, by: &TestUser, body: Value) -> Value {
    let res = app.post("/api/v1/members", Some(&by.token), &body).await;
    assert_eq!(res.status(), 201, "create member {body}");
    res.json().await.unwrap()
}

/// A member the committee added (no password yet).
async fn roster_member(app: &TestApp, by: &TestUser, email: &str, name: &str) -> Value {
    create_member(app, by, json!({"email": email, "full_name": name})).await
}

async fn invite(app: &TestApp, by: &TestUser, member_id: &str) -> reqwest::Response {
    app.post(
        &format!("/api/v1/members/{member_id}/invite"),
        Some(&by.token),
        &json!({}),
    )
    .await
}

/// Invites `member_id` as `by`, asserting success; returns the invite token.
async fn invite_token(app: &TestApp, by: &TestUser, member_id: &str) -> String {
    let res = invite(app, by, member_id).await;
    assert_eq!(res.status(), 201, "invite");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["member_id"], member_id);
    body["token"].as_str().unwrap().to_owned()
}

async fn accept(app: &TestApp, token: &str, password: &str) -> reqwest::Response {
    app.post(
        "/api/v1/auth/accept-invite",
        None,
        &json!({"token": token, "password": password}),
    )
    .await
}

/// A new access token for `user`, from their refresh token.
async fn refreshed_access(app: &TestApp, user: &TestUser) -> String {
    let res = app
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": user.refresh_token}),
        )
        .await;
    assert_eq!(res.status(), 200, "refresh");
    let pair: Value = res.json().await.unwrap();
    pair["access_token"].as_str().unwrap().to_owned()
}

async fn list(app: &TestApp, by: &TestUser, query: &str) -> Value {
    let res = app
        .get(&format!("/api/v1/members{query}"), Some(&by.token))
        .await;
    assert_eq!(res.status(), 200, "list {query}");
    res.json().await.unwrap()
}

fn emails(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["email"].as_str().unwrap().to_owned())
        .collect()
}

// --- access -----------------------------------------------------------------

#[tokio::test]
async fn a_plain_member_gets_403_from_every_committee_endpoint() {
    let app = spawn_app().await;
    let member = app.member().await;
    let other = app.member().await;
    let token = Some(member.token.as_str());
    let other_path = format!("/api/v1/members/{}", other.id);

    let answers = [
        app.get("/api/v1/members", token).await,
        app.post(
            "/api/v1/members",
            token,
            &json!({"email": "new@example.org", "full_name": "New"}),
        )
        .await,
        app.get(&other_path, token).await,
        app.get(&format!("/api/v1/members/{}", member.id), token)
            .await,
        app.patch(&other_path, token, &json!({"full_name": "Renamed"}))
            .await,
        app.post(&format!("{other_path}/invite"), token, &json!({}))
            .await,
    ];

    for res in answers {
        assert_problem(res, 403).await;
    }
    let committee = app.committee().await;
    let page = list(&app, &committee, "?q=new@example.org").await;
    assert_eq!(page["total"], 0);
    let res = app.get(&other_path, Some(&committee.token)).await;
    assert_eq!(
        res.json::<Value>().await.unwrap()["full_name"],
        "Test Person"
    );
}

#[tokio::test]
async fn the_roster_needs_a_sign_in() {
    let app = spawn_app().await;

    assert_problem(app.get("/api/v1/members", None).await, 401).await;
    let post = app
        .post(
            "/api/v1/members",
            None,
            &json!({"email": "x@example.org", "full_name": "X"}),
        )
        .await;
    assert_problem(post, 401).await;
}

// --- listing ----------------------------------------------------------------

#[tokio::test]
async fn committee_lists_members_in_pages_with_a_link_header() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    for i in 0..5 {
        roster_member(
            &app,
            &committee,
            &format!("m{i}@example.org"),
            &format!("M {i}"),
        )
        .await;
    }

    let res = app
        .get(
            "/api/v1/members?role=member&per_page=2&page=2&sort=email",
            Some(&committee.token),
        )
        .await;

    assert_eq!(res.status(), 200);
    let link = res.headers()["link"].to_str().unwrap().to_owned();
    let page: Value = res.json().await.unwrap();
    assert_eq!(page["page"], 2);
    assert_eq!(page["per_page"], 2);
    assert_eq!(page["total"], 5);
    assert_eq!(emails(&page), ["m2@example.org", "m3@example.org"]);
    let rel = |name: &str| {
        link.split(", ")
            .find(|l| l.ends_with(&format!("rel=\"{name}\"")))
            .unwrap_or_else(|| panic!("no {name} in {link}"))
            .to_owned()
    };
    assert!(rel("next").contains("page=3"), "{link}");
    assert!(rel("prev").contains("page=1"), "{link}");
    assert!(rel("last").contains("page=3"), "{link}");
    for l in link.split(", ") {
        assert!(l.starts_with("</api/v1/members?"), "{l}");
        assert!(l.contains("role=member") && l.contains("per_page=2"), "{l}");
    }

    let last = list(
        &app,
        &committee,
        "?role=member&per_page=2&page=3&sort=email",
    )
    .await;
    assert_eq!(emails(&last), ["m4@example.org"]);
}

#[tokio::test]
async fn the_first_page_has_a_next_link_but_no_prev() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    roster_member(&app, &committee, "a@example.org", "A").await;

    let res = app
        .get("/api/v1/members?per_page=1", Some(&committee.token))
        .await;

    let link = res.headers()["link"].to_str().unwrap().to_owned();
    assert!(link.contains("rel=\"next\""), "{link}");
    assert!(!link.contains("rel=\"prev\""), "{link}");
    let page: Value = res.json().await.unwrap();
    assert_eq!(page["page"], 1);
    assert_eq!(page["total"], 2);
}

#[tokio::test]
async fn committee_filters_members_by_q_role_and_membership_status() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    create_member(
        &app,
        &committee,
        json!({"email": "ada@example.org", "full_name": "Ada Lovelace", "membership_status": "active"}),
    )
    .await;
    create_member(
        &app,
        &committee,
        json!({"email": "grace@navy.example", "full_name": "Grace Hopper", "membership_status": "lapsed"}),
    )
    .await;
    roster_member(&app, &committee, "alan@example.org", "Alan Turing").await;

    let by_name = list(&app, &committee, "?q=LOVELACE").await;
    let by_email = list(&app, &committee, "?q=navy").await;
    let by_role = list(&app, &committee, "?role=committee").await;
    let by_status = list(&app, &committee, "?membership_status=pending").await;
    let combined = list(
        &app,
        &committee,
        "?q=example.org&membership_status=active&role=member",
    )
    .await;

    assert_eq!(emails(&by_name), ["ada@example.org"]);
    assert_eq!(emails(&by_email), ["grace@navy.example"]);
    assert_eq!(emails(&by_role), vec![committee.email.clone()]);
    assert_eq!(emails(&by_status), ["alan@example.org"]);
    assert_eq!(emails(&combined), ["ada@example.org"]);
    assert_eq!(combined["total"], 1);
}

#[tokio::test]
async fn wildcards_in_the_member_search_are_literal() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    create_member(
        &app,
        &committee,
        json!({"email": "first_last@example.org", "full_name": "First Last"}),
    )
    .await;
    roster_member(&app, &committee, "plain@example.org", "Plain Name").await;

    // Act
    let underscore = list(&app, &committee, "?q=_").await;
    let percent = list(&app, &committee, "?q=%25").await;

    // Assert
    assert_eq!(emails(&underscore), ["first_last@example.org"]);
    assert_eq!(percent["total"], 0);
}

#[tokio::test]
async fn committee_sorts_members_by_name_or_email_either_way() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    roster_member(&app, &committee, "b@example.org", "Cora").await;
    roster_member(&app, &committee, "c@example.org", "Abe").await;
    roster_member(&app, &committee, "a@example.org", "Bea").await;
    let q = "&role=member";

    let by_name = list(&app, &committee, &format!("?sort=full_name{q}")).await;
    let by_name_desc = list(&app, &committee, &format!("?sort=-full_name{q}")).await;
    let by_email = list(&app, &committee, &format!("?sort=email{q}")).await;
    let newest_first = list(&app, &committee, &format!("?{}", &q[1..])).await;

    assert_eq!(
        emails(&by_name),
        ["c@example.org", "a@example.org", "b@example.org"]
    );
    assert_eq!(
        emails(&by_name_desc),
        ["b@example.org", "a@example.org", "c@example.org"]
    );
    assert_eq!(
        emails(&by_email),
        ["a@example.org", "b@example.org", "c@example.org"]
    );
    assert_eq!(
        emails(&newest_first),
        ["a@example.org", "c@example.org", "b@example.org"]
    );
}

#[tokio::test]
async fn members_created_together_list_newest_first_as_the_exact_reverse_of_oldest_first() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    // One import writes its rows with one creation time: a tie of 12.
    let res = app
        .import(&committee, "", "text/csv", crate::imports::roster(12))
        .await;
    assert_eq!(res.status(), 200);
    let q = "&role=member&per_page=200";

    let oldest_first = emails(&list(&app, &committee, &format!("?sort=created_at{q}")).await);
    let mut newest_first = emails(&list(&app, &committee, &format!("?sort=-created_at{q}")).await);
    assert_eq!(oldest_first.len(), 12);
    newest_first.reverse();
    assert_eq!(
        oldest_first, newest_first,
        "ties go by id in the sort's direction"
    );

    // Paging through the tie neither repeats nor skips anyone.
    let mut paged = Vec::new();
    for page in 1..=3 {
        let query = format!("?sort=-created_at&role=member&per_page=5&page={page}");
        paged.extend(emails(&list(&app, &committee, &query).await));
    }
    newest_first.reverse();
    assert_eq!(paged, newest_first);
}

#[tokio::test]
async fn an_unknown_sort_field_or_an_oversized_page_is_a_422() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let token = Some(committee.token.as_str());

    let sort = app.get("/api/v1/members?sort=password_hash", token).await;
    let per_page = app.get("/api/v1/members?per_page=201", token).await;
    let page = app.get("/api/v1/members?page=0", token).await;

    assert_eq!(
        assert_problem(sort, 422).await["errors"][0]["field"],
        "sort"
    );
    assert_eq!(
        assert_problem(per_page, 422).await["errors"][0]["field"],
        "per_page"
    );
    assert_eq!(
        assert_problem(page, 422).await["errors"][0]["field"],
        "page"
    );
}

#[tokio::test]
async fn an_unknown_role_filter_is_a_400() {
    let app = spawn_app().await;
    let committee = app.committee().await;

    let res = app
        .get("/api/v1/members?role=superuser", Some(&committee.token))
        .await;

    assert_problem(res, 400).await;
}

// --- creating and editing ---------------------------------------------------

#[tokio::test]
async fn committee_creates_a_member_without_a_password() {
    let app = spawn_app().await;
    let committee = app.committee().await;

    let res = app
        .post(
            "/api/v1/members",
            Some(&committee.token),
            &json!({
                "email": "Grace@Example.org",
                "full_name": "Grace Hopper",
                "wla_member_id": "WLA-1042",
                "membership_status": "active",
                "membership_expires_on": "2025-12-31"
            }),
        )
        .await;

    assert_eq!(res.status(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        location,
        format!("/api/v1/members/{}", body["id"].as_str().unwrap())
    );
    assert_eq!(body["email"], "grace@example.org");
    assert_eq!(body["has_password"], false);
    assert_eq!(body["role"], "member");
    assert_eq!(body["membership_status"], "active");
    assert_eq!(body["membership_expires_on"], "2025-12-31");
    let fetched = app.get(&location, Some(&committee.token)).await;
    assert_eq!(fetched.status(), 200);
    assert_eq!(fetched.json::<Value>().await.unwrap(), body);
    // No password: nothing signs in as them.
    assert_problem(app.login("grace@example.org", "").await, 401).await;
}

#[tokio::test]
async fn a_created_member_is_pending_by_default() {
    let app = spawn_app().await;
    let committee = app.committee().await;

    let body = roster_member(&app, &committee, "new@example.org", "New").await;

    assert_eq!(body["membership_status"], "pending");
    assert!(body["membership_expires_on"].is_null());
}

#[tokio::test]
async fn creating_a_member_with_a_taken_email_is_a_409() {
    let app = spawn_app().await;
    let committee = app.committee().await;

    let res = app
        .post(
            "/api/v1/members",
            Some(&committee.token),
            &json!({"email": committee.email.to_uppercase(), "full_name": "Twin"}),
        )
        .await;

    assert_problem(res, 409).await;
}

#[tokio::test]
async fn creating_a_member_with_invalid_fields_is_a_422() {
    let app = spawn_app().await;
    let committee = app.committee().await;

    let res = app
        .post(
            "/api/v1/members",
            Some(&committee.token),
            &json!({"email": "nope", "full_name": " "}),
        )
        .await;

    let body = assert_problem(res, 422).await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["email", "full_name"], "{body}");
}

#[tokio::test]
async fn committee_cannot_create_a_member_with_a_role_but_an_admin_can() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let admin = app.admin().await;
    let body = json!({"email": "chair@example.org", "full_name": "Chair", "role": "committee"});

    let refused = app
        .post("/api/v1/members", Some(&committee.token), &body)
        .await;
    assert_problem(refused, 403).await;

    let created = create_member(&app, &admin, body).await;
    assert_eq!(created["role"], "committee");
    let plain = create_member(
        &app,
        &committee,
        json!({"email": "plain@example.org", "full_name": "Plain", "role": "member"}),
    )
    .await;
    assert_eq!(plain["role"], "member");
}

#[tokio::test]
async fn committee_setting_a_role_is_a_403_and_an_admin_may() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let admin = app.admin().await;
    let member = app.member().await;
    let path = format!("/api/v1/members/{}", member.id);

    let refused = app
        .patch(&path, Some(&committee.token), &json!({"role": "committee"}))
        .await;
    assert_problem(refused, 403).await;
    let unchanged = app.get(&path, Some(&committee.token)).await;
    assert_eq!(unchanged.json::<Value>().await.unwrap()["role"], "member");

    let res = app
        .patch(&path, Some(&admin.token), &json!({"role": "committee"}))
        .await;

    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["role"], "committee");
    // A role change ends the member's access tokens; a refreshed one has
    // the new rights.
    let old = app.get("/api/v1/members", Some(&member.token)).await;
    assert_problem(old, 401).await;
    let token = refreshed_access(&app, &member).await;
    let roster = app.get("/api/v1/members", Some(&token)).await;
    assert_eq!(roster.status(), 200);
}

#[tokio::test]
async fn an_admin_cannot_change_their_own_role() {
    let app = spawn_app().await;
    let admin = app.admin().await;

    let res = app
        .patch(
            &format!("/api/v1/members/{}", admin.id),
            Some(&admin.token),
            &json!({"role": "member"}),
        )
        .await;

    assert_problem(res, 403).await;
    let me: Value = app
        .get("/api/v1/me", Some(&admin.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "admin");
}

#[tokio::test]
async fn a_demotion_takes_effect_at_once() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let committee = app.committee().await;
    assert_eq!(
        app.get("/api/v1/members", Some(&committee.token))
            .await
            .status(),
        200
    );

    let res = app
        .patch(
            &format!("/api/v1/members/{}", committee.id),
            Some(&admin.token),
            &json!({"role": "member"}),
        )
        .await;

    assert_eq!(res.status(), 200);
    let roster = app.get("/api/v1/members", Some(&committee.token)).await;
    assert_problem(roster, 401).await;
    let token = refreshed_access(&app, &committee).await;
    let roster = app.get("/api/v1/members", Some(&token)).await;
    assert_problem(roster, 403).await;
}

#[tokio::test]
async fn a_change_that_keeps_the_role_keeps_the_members_tokens() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let member = app.member().await;

    let res = app
        .patch(
            &format!("/api/v1/members/{}", member.id),
            Some(&admin.token),
            &json!({"role": "member", "membership_status": "lapsed"}),
        )
        .await;

    assert_eq!(res.status(), 200);
    assert_eq!(
        app.get("/api/v1/me", Some(&member.token)).await.status(),
        200
    );
}

// --- administrators' accounts -------------------------------------------------

#[tokio::test]
async fn committee_cannot_change_any_part_of_an_administrators_account() {
    // The email signs the admin in: changing it (or lapsing the admin) would
    // lock them out, and with a password reset hand over the account.
    let app = spawn_app().await;
    let committee = app.committee().await;
    let admin = app.admin().await;
    let path = format!("/api/v1/members/{}", admin.id);

    for body in [
        json!({"email": "committee-owned@example.org"}),
        json!({"membership_status": "lapsed"}),
        json!({"full_name": "Renamed"}),
        json!({"pronouns": null, "membership_expires_on": "2020-01-01"}),
        json!({"role": "member"}),
        json!({}),
    ] {
        let res = app.patch(&path, Some(&committee.token), &body).await;
        let problem = assert_problem(res, 403).await;
        let detail = problem["detail"].as_str().unwrap();
        assert!(
            detail.contains("administrator's account"),
            "{body}: {detail}"
        );
    }

    let me: Value = app
        .get("/api/v1/me", Some(&admin.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], admin.email);
    assert_eq!(me["membership_status"], "active");
    assert_eq!(me["full_name"], "Test Person");
    assert_eq!(me["pronouns"], "they/them");
    assert_eq!(me["role"], "admin");
    assert_eq!(app.login(&admin.email, PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn an_admin_changes_another_administrators_account() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let other = app.admin().await;

    let res = app
        .patch(
            &format!("/api/v1/members/{}", other.id),
            Some(&admin.token),
            &json!({"email": "second-admin@example.org", "membership_status": "lapsed"}),
        )
        .await;

    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["email"], "second-admin@example.org");
    assert_eq!(body["membership_status"], "lapsed");
}

#[tokio::test]
async fn committee_still_edits_committee_and_plain_members() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let peer = app.committee().await;
    let member = app.member().await;

    for id in [peer.id, member.id] {
        let res = app
            .patch(
                &format!("/api/v1/members/{id}"),
                Some(&committee.token),
                &json!({"membership_status": "lapsed"}),
            )
            .await;
        assert_eq!(res.status(), 200);
    }
}

#[tokio::test]
async fn committee_activates_a_membership() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let pending = app
        .user(
            wla_mentorship::domain::member::Role::Member,
            wla_mentorship::domain::member::MembershipStatus::Pending,
        )
        .await;
    let path = format!("/api/v1/members/{}", pending.id);

    let res = app
        .patch(
            &path,
            Some(&committee.token),
            &json!({"membership_status": "active", "membership_expires_on": "2025-12-31"}),
        )
        .await;

    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["membership_status"], "active");
    assert_eq!(body["membership_expires_on"], "2025-12-31");
    assert_eq!(body["full_name"], "Test Person");
    let me: Value = app
        .get("/api/v1/me", Some(&pending.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["membership_status"], "active");
    assert_eq!(me["membership_expires_on"], "2025-12-31");

    let cleared = app
        .patch(
            &path,
            Some(&committee.token),
            &json!({"membership_expires_on": null}),
        )
        .await;
    let cleared: Value = cleared.json().await.unwrap();
    assert!(cleared["membership_expires_on"].is_null(), "{cleared}");
    assert_eq!(cleared["membership_status"], "active");
}

#[tokio::test]
async fn an_invalid_membership_status_is_refused() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;

    let res = app
        .patch(
            &format!("/api/v1/members/{}", member.id),
            Some(&committee.token),
            &json!({"membership_status": "honorary"}),
        )
        .await;

    assert_problem(res, 422).await;
}

#[tokio::test]
async fn an_unknown_member_is_a_404() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let path = format!("/api/v1/members/{}", uuid::Uuid::new_v4());

    let get = app.get(&path, Some(&committee.token)).await;
    let patch = app
        .patch(
            &path,
            Some(&committee.token),
            &json!({"full_name": "Ghost"}),
        )
        .await;
    let invite = app
        .post(
            &format!("{path}/invite"),
            Some(&committee.token),
            &json!({}),
        )
        .await;

    assert_problem(get, 404).await;
    assert_problem(patch, 404).await;
    assert_problem(invite, 404).await;
}

#[tokio::test]
async fn a_malformed_member_id_is_a_400() {
    let app = spawn_app().await;
    let committee = app.committee().await;

    let get = app
        .get("/api/v1/members/not-a-uuid", Some(&committee.token))
        .await;
    let patch = app
        .patch(
            "/api/v1/members/12345",
            Some(&committee.token),
            &json!({"full_name": "X"}),
        )
        .await;

    assert_problem(get, 400).await;
    assert_problem(patch, 400).await;
}

// --- invitations ------------------------------------------------------------

#[tokio::test]
async fn an_invited_member_sets_a_password_and_can_then_sign_in() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let grace = roster_member(&app, &committee, "grace@example.org", "Grace").await;
    let id = grace["id"].as_str().unwrap();

    let res = invite(&app, &committee, id).await;
    assert_eq!(res.status(), 201);
    let invitation: Value = res.json().await.unwrap();
    let token = invitation["token"].as_str().unwrap();
    assert!(token.starts_with("wla_inv_"), "{token}");
    assert!(invitation["expires_at"].is_string());

    let accepted = accept(&app, token, PASSWORD).await;

    assert_eq!(accepted.status(), 200);
    let pair: Value = accepted.json().await.unwrap();
    assert_eq!(pair["token_type"], "Bearer");
    assert!(pair["refresh_token"].is_string());
    let me: Value = app
        .get("/api/v1/me", pair["access_token"].as_str())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["id"], id);
    assert_eq!(me["has_password"], true);
    assert_eq!(app.login("grace@example.org", PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn an_invitation_cannot_be_redeemed_twice() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let grace = roster_member(&app, &committee, "grace@example.org", "Grace").await;
    let token = invite_token(&app, &committee, grace["id"].as_str().unwrap()).await;
    assert_eq!(accept(&app, &token, PASSWORD).await.status(), 200);

    let again = accept(&app, &token, "an attacker's password").await;

    assert_problem(again, 401).await;
    assert_eq!(app.login("grace@example.org", PASSWORD).await.status(), 200);
    assert_problem(
        app.login("grace@example.org", "an attacker's password")
            .await,
        401,
    )
    .await;
}

#[tokio::test]
async fn inviting_a_member_who_has_a_password_is_a_409() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;

    let res = invite(&app, &committee, &member.id.to_string()).await;

    assert_problem(res, 409).await;
    assert_eq!(app.login(&member.email, PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn a_new_invitation_invalidates_the_previous_one() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let grace = roster_member(&app, &committee, "grace@example.org", "Grace").await;
    let id = grace["id"].as_str().unwrap();
    let first = invite_token(&app, &committee, id).await;
    let second = invite_token(&app, &committee, id).await;
    assert_ne!(first, second);

    assert_problem(accept(&app, &first, PASSWORD).await, 401).await;

    assert_eq!(accept(&app, &second, PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn an_expired_invitation_is_a_401() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let grace = roster_member(&app, &committee, "grace@example.org", "Grace").await;
    let id: uuid::Uuid = grace["id"].as_str().unwrap().parse().unwrap();
    let token = invite_token(&app, &committee, &id.to_string()).await;
    invitation::Entity::update_many()
        .col_expr(
            invitation::Column::ExpiresAt,
            sea_orm::sea_query::Expr::value(Utc::now() - Duration::minutes(1)),
        )
        .filter(invitation::Column::MemberId.eq(id))
        .exec(&app.db)
        .await
        .unwrap();

    let res = accept(&app, &token, PASSWORD).await;

    assert_problem(res, 401).await;
    assert_problem(app.login("grace@example.org", PASSWORD).await, 401).await;
}

#[tokio::test]
async fn accepting_an_invitation_with_a_short_password_is_a_422_and_keeps_it_usable() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let grace = roster_member(&app, &committee, "grace@example.org", "Grace").await;
    let token = invite_token(&app, &committee, grace["id"].as_str().unwrap()).await;

    let res = accept(&app, &token, "short").await;

    let body = assert_problem(res, 422).await;
    assert_eq!(body["errors"][0]["field"], "password", "{body}");
    assert_eq!(accept(&app, &token, PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn committee_cannot_invite_a_committee_or_admin_account_but_an_admin_can() {
    // An invitation hands its holder the account: a committee member
    // inviting a password-less admin would become that admin.
    let app = spawn_app().await;
    let committee = app.committee().await;
    let admin = app.admin().await;
    let new_admin = create_member(
        &app,
        &admin,
        json!({"email": "boss@example.org", "full_name": "Boss", "role": "admin"}),
    )
    .await;
    let id = new_admin["id"].as_str().unwrap();

    let refused = invite(&app, &committee, id).await;
    let problem = assert_problem(refused, 403).await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("only an administrator"), "{detail}");

    let token = invite_token(&app, &admin, id).await;
    assert_eq!(accept(&app, &token, PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn two_concurrent_redemptions_of_one_invitation_cannot_both_succeed() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let grace = roster_member(&app, &committee, "grace@example.org", "Grace").await;
    let token = invite_token(&app, &committee, grace["id"].as_str().unwrap()).await;

    let (a, b) = tokio::join!(
        accept(&app, &token, PASSWORD),
        accept(&app, &token, "an attacker's password")
    );

    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 401]);
}

#[tokio::test]
async fn an_invitation_issued_before_a_promotion_no_longer_signs_in() {
    // Arrange: the committee invites a plain member; an admin then makes
    // them committee before they redeem it.
    let app = spawn_app().await;
    let committee = app.committee().await;
    let admin = app.admin().await;
    let grace = roster_member(&app, &committee, "grace@example.org", "Grace").await;
    let id = grace["id"].as_str().unwrap();
    let stale = invite_token(&app, &committee, id).await;
    let promoted = app
        .patch(
            &format!("/api/v1/members/{id}"),
            Some(&admin.token),
            &json!({"role": "committee"}),
        )
        .await;
    assert_eq!(promoted.status(), 200);

    // Act
    let res = accept(&app, &stale, PASSWORD).await;

    // Assert: refused like a dead invitation, no password set, and it
    // stays dead; an admin's new invitation works.
    let problem = assert_problem(res, 401).await;
    assert_eq!(
        problem["detail"],
        "the invitation is invalid, expired or already used"
    );
    assert_problem(app.login("grace@example.org", PASSWORD).await, 401).await;
    let fresh = invite_token(&app, &admin, id).await;
    assert_problem(accept(&app, &stale, PASSWORD).await, 401).await;
    let accepted = accept(&app, &fresh, PASSWORD).await;
    assert_eq!(accepted.status(), 200);
    let pair: Value = accepted.json().await.unwrap();
    let me: Value = app
        .get("/api/v1/me", pair["access_token"].as_str())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "committee");
}

#[tokio::test]
async fn an_invitation_issued_before_a_demotion_no_longer_signs_in() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let chair = create_member(
        &app,
        &admin,
        json!({"email": "chair@example.org", "full_name": "Chair", "role": "committee"}),
    )
    .await;
    let id = chair["id"].as_str().unwrap();
    let stale = invite_token(&app, &admin, id).await;
    let demoted = app
        .patch(
            &format!("/api/v1/members/{id}"),
            Some(&admin.token),
            &json!({"role": "member"}),
        )
        .await;
    assert_eq!(demoted.status(), 200);

    let res = accept(&app, &stale, PASSWORD).await;

    assert_problem(res, 401).await;
    assert_problem(app.login("chair@example.org", PASSWORD).await, 401).await;
}

#[tokio::test]
async fn an_invitation_stored_without_a_role_is_stale() {
    // Invitations issued before they carried a role have none (migration
    // 000006): they are refused rather than trusted.
    let app = spawn_app().await;
    let committee = app.committee().await;
    let grace = roster_member(&app, &committee, "grace@example.org", "Grace").await;
    let id: uuid::Uuid = grace["id"].as_str().unwrap().parse().unwrap();
    let token = invite_token(&app, &committee, &id.to_string()).await;
    invitation::Entity::update_many()
        .col_expr(
            invitation::Column::Role,
            sea_orm::sea_query::Expr::value(Option::<String>::None),
        )
        .filter(invitation::Column::MemberId.eq(id))
        .exec(&app.db)
        .await
        .unwrap();

    let res = accept(&app, &token, PASSWORD).await;

    assert_problem(res, 401).await;
    assert_problem(app.login("grace@example.org", PASSWORD).await, 401).await;
}
