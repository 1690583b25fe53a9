//! Requests that must never hurt the server: huge numbers, characters a
//! database cannot store, and the like.
use serde_json::json;

use crate::helpers::{assert_problem, problem_fields, spawn_app};

#[tokio::test]
async fn a_page_far_beyond_any_list_is_a_422_and_the_server_keeps_serving() {
    // Arrange
    let app = spawn_app().await;

    // Act: anonymous, on a public list, pages whose offset would overflow.
    for page in ["4611686018427387904", "18446744073709551615", "1000001"] {
        let res = app
            .get(&format!("/api/v1/cycles?page={page}&per_page=200"), None)
            .await;
        // Assert
        let problem = assert_problem(res, 422).await;
        assert_eq!(problem_fields(&problem), vec!["page"]);
    }
    let res = app.get("/api/v1/cycles?page=1000000", None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.get("/health/live", None).await.status(), 200);
}

#[tokio::test]
async fn a_page_number_too_large_for_any_integer_is_a_400() {
    let app = spawn_app().await;
    let res = app
        .get("/api/v1/cycles?page=99999999999999999999999999", None)
        .await;
    assert_problem(res, 400).await;
}

#[tokio::test]
async fn a_nul_character_in_a_body_is_a_422_naming_the_field_on_every_database() {
    // Arrange
    let app = spawn_app().await;

    // Act: anonymously, the login form with a NUL in the email.
    let res = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": "a\u{0}@example.org", "password": "x"}),
        )
        .await;

    // Assert
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem_fields(&problem), vec!["email"]);
}

#[tokio::test]
async fn a_nul_character_deep_in_a_body_names_its_path() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let mut body = crate::helpers::cycle_body("2024-2025");
    body["description"] = json!("fine");
    body["name"] = json!("bad\u{0}name");
    let res = app
        .post("/api/v1/cycles", Some(&committee.token), &body)
        .await;
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem_fields(&problem), vec!["name"]);
}

#[tokio::test]
async fn a_nul_character_in_a_query_string_is_a_422() {
    let app = spawn_app().await;
    let res = app.get("/api/v1/cycles?sort=na%00me", None).await;
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem_fields(&problem), vec!["sort"]);
}

#[tokio::test]
async fn a_wrong_method_on_a_fixed_path_is_a_405_even_where_an_id_route_would_match() {
    // `/cycles/current` is GET only; `PATCH /cycles/{id}` must not read
    // "current" as an id.
    let app = spawn_app().await;
    let committee = app.committee().await;
    let res = app
        .patch("/api/v1/cycles/current", Some(&committee.token), &json!({}))
        .await;
    assert_eq!(res.headers()["allow"], "GET");
    assert_problem(res, 405).await;
}

#[tokio::test]
async fn an_integer_sent_as_a_whole_float_is_accepted() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let mut body = crate::helpers::cycle_body("2024-2025");
    body["meetings_expected"] = json!(8.0);
    let res = app
        .post("/api/v1/cycles", Some(&committee.token), &body)
        .await;
    assert_eq!(res.status(), 201);
    let cycle: serde_json::Value = res.json().await.unwrap();
    assert_eq!(cycle["meetings_expected"], 8);
}

#[tokio::test]
async fn every_response_carries_a_content_security_policy() {
    let app = spawn_app().await;
    let api = app.get("/api/v1/cycles", None).await;
    assert_eq!(
        api.headers()["content-security-policy"],
        "default-src 'none'; frame-ancestors 'none'"
    );
    let ui = app.get("/swagger-ui/", None).await;
    let csp = ui.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-eval"), "{csp}");
}

#[tokio::test]
async fn an_unknown_field_in_a_body_is_a_422_naming_it() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let mut body = crate::helpers::cycle_body("2024-2025");
    body["meetings_expcted"] = json!(8);

    // Act: a typo in a committee script.
    let res = app
        .post("/api/v1/cycles", Some(&committee.token), &body)
        .await;

    // Assert: refused, not silently dropped.
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem_fields(&problem), vec!["meetings_expcted"]);
}

#[tokio::test]
async fn a_list_link_header_carries_only_the_lists_own_parameters() {
    // Arrange: 5,000 unknown parameters besides a real filter.
    let app = spawn_app().await;
    let junk: Vec<String> = (0..5000).map(|i| format!("x{i}=y")).collect();
    let path = format!("/api/v1/cycles?status=open&per_page=10&{}", junk.join("&"));

    // Act
    let res = app.get(&path, None).await;

    // Assert: the filter is kept, the junk is not echoed.
    assert_eq!(res.status(), 200);
    let link = res.headers()["link"].to_str().unwrap().to_owned();
    assert!(link.len() < 1000, "{} bytes", link.len());
    assert!(link.contains("status=open"), "{link}");
    assert!(link.contains("per_page=10"), "{link}");
    assert!(!link.contains("x1="), "{link}");
}

#[tokio::test]
async fn a_cycles_matches_refuse_an_unknown_sort_and_take_a_known_one() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle = app.create_cycle(&committee, "2024-2025").await;
    let id = cycle["id"].as_str().unwrap();
    let res = app
        .get(
            &format!("/api/v1/cycles/{id}/matches?sort=password_hash"),
            Some(&committee.token),
        )
        .await;
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem_fields(&problem), vec!["sort"]);
    let res = app
        .get(
            &format!("/api/v1/cycles/{id}/matches?sort=-score"),
            Some(&committee.token),
        )
        .await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn a_date_outside_the_years_a_program_runs_is_a_422_on_every_database() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let mut body = crate::helpers::cycle_body("2024-2025");
    body["applications_open_at"] = json!("-4714-11-24T00:00:00Z");
    body["evaluation_closes_on"] = json!("+12024-05-15");

    // Act
    let res = app
        .post("/api/v1/cycles", Some(&committee.token), &body)
        .await;
    let token = app
        .post(
            "/api/v1/me/tokens",
            Some(&committee.token),
            &json!({"name": "far", "expires_at": "3001-01-01T00:00:00Z"}),
        )
        .await;

    // Assert: refused with the fields named, never a 500.
    let problem = assert_problem(res, 422).await;
    assert_eq!(
        problem_fields(&problem),
        vec!["applications_open_at", "evaluation_closes_on"]
    );
    let problem = assert_problem(token, 422).await;
    assert_eq!(problem_fields(&problem), vec!["expires_at"]);
}

#[tokio::test]
async fn an_unknown_field_is_refused_in_every_kind_of_body() {
    // Arrange
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.open_cycle(&committee).await;
    let member = app.member().await;
    let cases = [
        (
            "/api/v1/auth/login".to_owned(),
            None,
            json!({"email": "a@example.org", "password": "x", "remember": true}),
        ),
        (
            format!("/api/v1/cycles/{cycle_id}/applications"),
            Some(member.token.clone()),
            crate::helpers::overlay(crate::helpers::mentee_body(), json!({"favourite": "x"})),
        ),
        (
            format!("/api/v1/cycles/{cycle_id}/matching-runs"),
            Some(committee.token.clone()),
            json!({"weights": {"career": {"library_types": 3, "colour": 1}}}),
        ),
    ];

    for (path, token, body) in cases {
        // Act
        let res = app.post(&path, token.as_deref(), &body).await;

        // Assert
        assert_eq!(res.status(), 422, "{path}");
        let problem = assert_problem(res, 422).await;
        let fields = problem_fields(&problem);
        assert!(
            fields.len() == 1
                && ["remember", "favourite", "weights.career.colour"].contains(&fields[0].as_str()),
            "{path}: {problem}"
        );
    }
}

#[tokio::test]
async fn every_list_is_a_page_with_links() {
    // Arrange: a member with a token, a question, a match list of their own.
    let app = spawn_app().await;
    let committee = app.committee().await;
    let cycle_id = app.open_cycle(&committee).await;
    let question = json!({"prompt": "Why?", "kind": "text"});
    let res = app
        .post(
            &format!("/api/v1/cycles/{cycle_id}/questions"),
            Some(&committee.token),
            &question,
        )
        .await;
    assert_eq!(res.status(), 201);
    for name in ["one", "two", "three"] {
        let res = app
            .post(
                "/api/v1/me/tokens",
                Some(&committee.token),
                &json!({ "name": name }),
            )
            .await;
        assert_eq!(res.status(), 201);
    }

    // Act
    let tokens = app
        .get(
            "/api/v1/me/tokens?per_page=2&page=2",
            Some(&committee.token),
        )
        .await;
    let questions = app
        .get(&format!("/api/v1/cycles/{cycle_id}/questions"), None)
        .await;
    let mine = app.get("/api/v1/me/matches", Some(&committee.token)).await;

    // Assert
    let link = tokens.headers()["link"].to_str().unwrap().to_owned();
    assert!(link.contains("page=1>; rel=\"prev\""), "{link}");
    let tokens: serde_json::Value = tokens.json().await.unwrap();
    assert_eq!(
        (tokens["total"].as_u64(), tokens["page"].as_u64()),
        (Some(3), Some(2))
    );
    assert_eq!(tokens["items"].as_array().unwrap().len(), 1);
    let questions: serde_json::Value = questions.json().await.unwrap();
    assert_eq!(questions["items"][0]["prompt"], "Why?");
    let mine: serde_json::Value = mine.json().await.unwrap();
    assert_eq!(mine["items"], json!([]));
    assert_eq!(mine["total"], 0);
}
