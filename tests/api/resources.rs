//! Starter resources (`/resources`, `/me/resources`): the committee
//! manages them; matched participants see the ones meant for them;
//! anonymous visitors see the public ones; anything else is a 404.
use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::helpers::*;

const RESOURCES: &str = "/api/v1/resources";

fn resource_path(id: &str) -> String {
    format!("{RESOURCES}/{id}")
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}

/// Adds a resource as `committee`, asserting a 201; returns it.
async fn add(app: &TestApp, committee: &TestUser, body: Value) -> Value {
    json_of(
        app.post(RESOURCES, Some(&committee.token), &body).await,
        201,
    )
    .await
}

fn guide(title: &str, fields: Value) -> Value {
    overlay(
        json!({"title": title, "kind": "guide", "body": "text"}),
        fields,
    )
}

/// The titles of a list's items.
async fn titles(app: &TestApp, path: &str, token: Option<&str>) -> BTreeSet<String> {
    let page = json_of(app.get(path, token).await, 200).await;
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|r| r["title"].as_str().unwrap().to_owned())
        .collect()
}

fn set(titles: &[&str]) -> BTreeSet<String> {
    titles.iter().map(|t| (*t).to_owned()).collect()
}

/// A cycle where `mentor` and `mentee` (members with tokens) applied
/// themselves and were matched, approved and published.
struct Matched {
    committee: TestUser,
    cycle_id: String,
    mentor: TestUser,
    mentee: TestUser,
}

async fn matched(app: &TestApp) -> Matched {
    let committee = app.committee().await;
    let cycle_id = app.open_cycle(&committee).await;
    let mentor = app.member().await;
    let mentee = app.member().await;
    let mentor_app = id_of(&app.applied(&mentor, &cycle_id, &mentor_body()).await);
    let mentee_app = id_of(&app.applied(&mentee, &cycle_id, &mentee_body()).await);
    app.transition(&committee, &cycle_id, "matching").await;
    app.accept_application(&committee, &mentor_app).await;
    app.accept_application(&committee, &mentee_app).await;
    let m = json_of(
        app.post(
            &format!("/api/v1/cycles/{cycle_id}/matches"),
            Some(&committee.token),
            &json!({"mentor_application_id": mentor_app, "mentee_application_id": mentee_app}),
        )
        .await,
        201,
    )
    .await;
    json_of(
        app.post(
            &format!("/api/v1/matches/{}/approve", id_of(&m)),
            Some(&committee.token),
            &json!({}),
        )
        .await,
        200,
    )
    .await;
    json_of(
        app.post(
            &format!("/api/v1/cycles/{cycle_id}/matches/publish"),
            Some(&committee.token),
            &json!({}),
        )
        .await,
        200,
    )
    .await;
    Matched {
        committee,
        cycle_id,
        mentor,
        mentee,
    }
}

/// Global, this cycle's and another cycle's resources for each audience,
/// and one public resource of another cycle.
async fn catalogue(app: &TestApp, m: &Matched) -> String {
    let other = app.open_cycle(&m.committee).await;
    for (title, cycle, audience) in [
        ("global both", Value::Null, "both"),
        ("global mentee", Value::Null, "mentee"),
        ("global mentor", Value::Null, "mentor"),
        ("cycle both", json!(m.cycle_id), "both"),
        ("cycle mentee", json!(m.cycle_id), "mentee"),
        ("cycle mentor", json!(m.cycle_id), "mentor"),
        ("other both", json!(other), "both"),
    ] {
        add(
            app,
            &m.committee,
            guide(title, json!({"cycle_id": cycle, "audience": audience})),
        )
        .await;
    }
    let public = add(
        app,
        &m.committee,
        guide(
            "other public",
            json!({"cycle_id": other, "audience": "mentor", "public": true}),
        ),
    )
    .await;
    id_of(&public)
}

#[tokio::test]
async fn the_committee_creates_each_kind_and_reads_it_back_as_written() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let body = "# Goal\n\n* What do you want?\n\n  Trailing spaces stay.  \n";

    // Act
    let mut created = Vec::new();
    for kind in ["discussion_topics", "agreement_template", "guide", "link"] {
        let res = app
            .post(
                RESOURCES,
                Some(&committee.token),
                &json!({"title": format!("  A {kind}  "), "kind": kind, "body": body,
                        "url": "https://www.wla.org/mentorship", "position": 5}),
            )
            .await;
        let location = res.headers()["location"].to_str().unwrap().to_owned();
        let r = json_of(res, 201).await;
        assert_eq!(location, resource_path(&id_of(&r)));
        created.push(r);
    }

    // Assert
    for r in &created {
        let read = json_of(
            app.get(&resource_path(&id_of(r)), Some(&committee.token))
                .await,
            200,
        )
        .await;
        assert_eq!(read["body"], body);
        assert_eq!(read["title"], format!("A {}", r["kind"].as_str().unwrap()));
        assert_eq!(read["audience"], "both");
        assert_eq!(read["public"], false);
        assert_eq!(read["cycle_id"], Value::Null);
        assert_eq!(read["position"], 5);
        assert_eq!(read["url"], "https://www.wla.org/mentorship");
    }
}

#[tokio::test]
async fn invalid_resources_are_422s_naming_the_field() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cases = [
        (json!({"title": "", "kind": "guide"}), "title"),
        (json!({"title": "   ", "kind": "guide"}), "title"),
        (json!({"title": "x".repeat(201), "kind": "guide"}), "title"),
        (
            json!({"title": "t", "kind": "guide", "body": "x".repeat(50_001)}),
            "body",
        ),
        (json!({"title": "t", "kind": "link"}), "url"),
        (
            json!({"title": "t", "kind": "link", "url": "javascript:alert(1)"}),
            "url",
        ),
        (
            json!({"title": "t", "kind": "link", "url": "ftp://x.org"}),
            "url",
        ),
        (
            json!({"title": "t", "kind": "link", "url": format!("https://x.org/{}", "a".repeat(2000))}),
            "url",
        ),
        (
            json!({"title": "t", "kind": "guide", "position": 10_001}),
            "position",
        ),
        (
            json!({"title": "t", "kind": "guide", "position": -1}),
            "position",
        ),
        (
            json!({"title": "t", "kind": "guide", "cycle_id": uuid::Uuid::new_v4()}),
            "cycle_id",
        ),
        (json!({"title": "t", "kind": "video"}), "kind"),
        (
            json!({"title": "t", "kind": "guide", "audience": "all"}),
            "audience",
        ),
        (
            json!({"title": "t", "kind": "guide", "colour": "red"}),
            "colour",
        ),
    ];

    for (body, field) in cases {
        // Act
        let res = app.post(RESOURCES, Some(&committee.token), &body).await;

        // Assert
        let problem = assert_problem(res, 422).await;
        assert!(
            problem_fields(&problem).contains(&field.to_owned()),
            "{field}: {problem}"
        );
    }
}

#[tokio::test]
async fn a_patch_changes_only_what_it_names_and_keeps_the_rules() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.open_cycle(&committee).await;
    let link = add(
        &app,
        &committee,
        json!({"title": "WLA", "kind": "link", "url": "https://wla.org", "cycle_id": cycle_id}),
    )
    .await;
    let path = resource_path(&id_of(&link));

    // Act
    let changed = json_of(
        app.patch(
            &path,
            Some(&committee.token),
            &json!({"public": true, "cycle_id": null}),
        )
        .await,
        200,
    )
    .await;
    let cleared = app
        .patch(&path, Some(&committee.token), &json!({"url": null}))
        .await;
    let unknown = app
        .patch(&path, Some(&committee.token), &json!({"colour": "red"}))
        .await;
    let missing = app
        .patch(
            &resource_path(&uuid::Uuid::new_v4().to_string()),
            Some(&committee.token),
            &json!({"public": true}),
        )
        .await;

    // Assert
    assert_eq!(changed["public"], true);
    assert_eq!(changed["cycle_id"], Value::Null);
    assert_eq!(changed["title"], "WLA");
    assert_eq!(changed["url"], "https://wla.org");
    assert_eq!(problem_fields(&assert_problem(cleared, 422).await), ["url"]);
    assert_eq!(
        problem_fields(&assert_problem(unknown, 422).await),
        ["colour"]
    );
    assert_problem(missing, 404).await;
}

#[tokio::test]
async fn a_matched_mentee_sees_global_and_their_cycles_resources_for_mentees() {
    // Arrange
    let app = spawn_app().await;
    let m = matched(&app).await;
    catalogue(&app, &m).await;

    // Act
    let listed = titles(&app, RESOURCES, Some(&m.mentee.token)).await;
    let mine = titles(&app, "/api/v1/me/resources", Some(&m.mentee.token)).await;
    let mentors = titles(&app, "/api/v1/me/resources", Some(&m.mentor.token)).await;

    // Assert
    assert_eq!(
        listed,
        set(&[
            "global both",
            "global mentee",
            "cycle both",
            "cycle mentee",
            "other public"
        ])
    );
    assert_eq!(
        mine,
        set(&["global both", "global mentee", "cycle both", "cycle mentee"])
    );
    assert_eq!(
        mentors,
        set(&["global both", "global mentor", "cycle both", "cycle mentor"])
    );
}

#[tokio::test]
async fn a_member_without_a_published_match_and_a_visitor_see_only_public_ones() {
    // Arrange
    let app = spawn_app().await;
    let m = matched(&app).await;
    catalogue(&app, &m).await;
    let member = app.member().await;

    // Act
    let members = titles(&app, RESOURCES, Some(&member.token)).await;
    let visitors = titles(&app, RESOURCES, None).await;
    let mine = titles(&app, "/api/v1/me/resources", Some(&member.token)).await;
    let anonymous_mine = app.get("/api/v1/me/resources", None).await;
    let committees = titles(&app, RESOURCES, Some(&m.committee.token)).await;

    // Assert
    assert_eq!(members, set(&["other public"]));
    assert_eq!(visitors, set(&["other public"]));
    assert!(mine.is_empty());
    assert_problem(anonymous_mine, 401).await;
    assert_eq!(committees.len(), 8);
}

#[tokio::test]
async fn a_resource_the_caller_may_not_see_is_a_404() {
    // Arrange
    let app = spawn_app().await;
    let m = matched(&app).await;
    let public_id = catalogue(&app, &m).await;
    let mentor_only = add(
        &app,
        &m.committee,
        guide(
            "mentors",
            json!({"cycle_id": m.cycle_id, "audience": "mentor"}),
        ),
    )
    .await;
    let path = resource_path(&id_of(&mentor_only));
    let stranger = app.member().await;

    // Act
    let by_stranger = app.get(&path, Some(&stranger.token)).await;
    let by_mentee = app.get(&path, Some(&m.mentee.token)).await;
    let by_visitor = app.get(&path, None).await;
    let by_mentor = app.get(&path, Some(&m.mentor.token)).await;
    let public_by_visitor = app.get(&resource_path(&public_id), None).await;

    // Assert
    assert_problem(by_stranger, 404).await;
    assert_problem(by_mentee, 404).await;
    assert_problem(by_visitor, 404).await;
    json_of(by_mentor, 200).await;
    json_of(public_by_visitor, 200).await;
}

#[tokio::test]
async fn members_may_not_create_change_or_delete_resources() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let member = app.member().await;
    let r = add(&app, &committee, guide("Public", json!({"public": true}))).await;
    let path = resource_path(&id_of(&r));

    // Act
    let created = app
        .post(RESOURCES, Some(&member.token), &guide("Mine", json!({})))
        .await;
    let changed = app
        .patch(&path, Some(&member.token), &json!({"title": "Mine"}))
        .await;
    let deleted = app.delete(&path, Some(&member.token)).await;
    let anonymous = app.post(RESOURCES, None, &guide("Mine", json!({}))).await;

    // Assert
    assert_problem(created, 403).await;
    assert_problem(changed, 403).await;
    assert_problem(deleted, 403).await;
    assert_problem(anonymous, 401).await;
    let read = json_of(app.get(&path, None).await, 200).await;
    assert_eq!(read["title"], "Public");
}

#[tokio::test]
async fn the_committee_deletes_a_resource() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let r = add(&app, &committee, guide("Gone", json!({}))).await;
    let path = resource_path(&id_of(&r));

    // Act
    let deleted = app.delete(&path, Some(&committee.token)).await;
    let again = app.delete(&path, Some(&committee.token)).await;

    // Assert
    assert_eq!(deleted.status(), 204);
    assert_problem(again, 404).await;
    assert_problem(app.get(&path, Some(&committee.token)).await, 404).await;
}

#[tokio::test]
async fn the_list_is_a_filtered_page_in_position_then_title_order_with_links() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.open_cycle(&committee).await;
    for (title, position) in [("b", 1), ("a", 1), ("c", 0)] {
        add(
            &app,
            &committee,
            guide(title, json!({"position": position, "public": true})),
        )
        .await;
    }
    add(
        &app,
        &committee,
        json!({"title": "d", "kind": "link", "url": "http://x.org", "cycle_id": cycle_id}),
    )
    .await;

    // Act
    let res = app
        .get(
            &format!("{RESOURCES}?per_page=2&kind=guide"),
            Some(&committee.token),
        )
        .await;
    let link = res
        .headers()
        .get("link")
        .map(|l| l.to_str().unwrap().to_owned());
    let page = json_of(res, 200).await;
    let in_cycle = titles(
        &app,
        &format!("{RESOURCES}?cycle_id={cycle_id}"),
        Some(&committee.token),
    )
    .await;
    let bad_kind = app.get(&format!("{RESOURCES}?kind=video"), None).await;

    // Assert
    let order: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["c", "a"]);
    assert_eq!(page["total"], 3);
    assert_eq!(page["per_page"], 2);
    let link = link.expect("Link header");
    assert!(link.contains("rel=\"next\""), "{link}");
    assert!(link.contains("kind=guide"), "{link}");
    assert_eq!(in_cycle, set(&["d"]));
    assert_problem(bad_kind, 400).await;
}

#[tokio::test]
async fn deleting_a_cycle_deletes_its_resources() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle = app.create_cycle(&committee, "Draft with resources").await;
    let r = add(
        &app,
        &committee,
        guide("Cycle's", json!({"cycle_id": cycle["id"]})),
    )
    .await;

    // Act
    let deleted = app
        .delete(
            &format!("/api/v1/cycles/{}", id_of(&cycle)),
            Some(&committee.token),
        )
        .await;

    // Assert
    assert_eq!(deleted.status(), 204);
    assert_problem(
        app.get(&resource_path(&id_of(&r)), Some(&committee.token))
            .await,
        404,
    )
    .await;
}
