use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

const CYCLES: &str = "/api/v1/cycles";
const ORIGIN: &str = "https://wla.example.org";

/// A POST to /cycles with a raw body and content type, as the committee.
async fn post_raw(app: &TestApp, token: &str, content_type: &str, body: &str) -> reqwest::Response {
    app.request(Method::POST, CYCLES, Some(token))
        .header("content-type", content_type)
        .body(body.to_owned())
        .send()
        .await
        .expect("request")
}

// ---------------------------------------------------------------- routing

#[tokio::test]
async fn an_unknown_route_is_a_404_problem() {
    let app = spawn_app().await;

    for path in ["/api/v1/nothing-here", "/nothing-here", "/api/v2/cycles"] {
        let res = app.get(path, None).await;

        let problem = assert_problem(res, 404).await;
        assert!(
            problem["detail"].as_str().unwrap().contains(path),
            "{path}: {problem}"
        );
    }
}

#[tokio::test]
async fn a_wrong_method_is_a_405_problem_with_allow() {
    let app = spawn_app().await;
    let committee = app.committee().await;

    let res = app
        .request(Method::PUT, CYCLES, Some(&committee.token))
        .json(&cycle_body("2024-2025"))
        .send()
        .await
        .unwrap();

    let allow = res.headers()["allow"].to_str().unwrap().to_owned();
    let problem = assert_problem(res, 405).await;
    let mut methods: Vec<&str> = allow.split(',').map(str::trim).collect();
    methods.sort();
    assert_eq!(methods, vec!["GET", "POST"], "{allow}");
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("PUT") && detail.contains("GET") && detail.contains("POST"),
        "{detail}"
    );
}

#[tokio::test]
async fn a_wrong_method_on_an_item_lists_its_methods() {
    let app = spawn_app().await;

    let res = app
        .request(
            Method::PUT,
            &format!("{CYCLES}/{}", uuid::Uuid::new_v4()),
            None,
        )
        .send()
        .await
        .unwrap();

    let allow = res.headers()["allow"].to_str().unwrap().to_owned();
    assert_problem(res, 405).await;
    let mut methods: Vec<&str> = allow.split(',').map(str::trim).collect();
    methods.sort();
    assert_eq!(methods, vec!["DELETE", "GET", "PATCH"], "{allow}");
}

// ---------------------------------------------------------------- bodies

#[tokio::test]
async fn malformed_json_is_a_400_problem() {
    let app = spawn_app().await;
    let committee = app.committee().await;

    for body in [r#"{"name": "2024-2025","#, "not json", ""] {
        let res = post_raw(&app, &committee.token, "application/json", body).await;

        let problem = assert_problem(res, 400).await;
        assert!(problem.get("errors").is_none(), "{body:?}: {problem}");
    }
}

#[tokio::test]
async fn json_of_the_wrong_shape_is_a_422_problem() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let mut wrong_type = cycle_body("2024-2025");
    wrong_type["name"] = json!(5);
    let mut bad_date = cycle_body("2024-2025");
    bad_date["match_by"] = json!("15/10/2024");

    let cases = [
        (json!({"name": 5}), "name"),
        (wrong_type, "name"),
        (bad_date, "match_by"),
        (json!([1, 2]), "body"),
    ];
    for (body, field) in cases {
        let res = app.post(CYCLES, Some(&committee.token), &body).await;

        let problem = assert_problem(res, 422).await;
        assert_eq!(problem["errors"][0]["field"], field, "{body}: {problem}");
        assert_eq!(problem["errors"][0]["code"], "invalid", "{problem}");
    }
}

#[tokio::test]
async fn a_body_that_is_not_json_by_content_type_is_a_400_problem() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    let body = cycle_body("2024-2025").to_string();

    let res = post_raw(&app, &committee.token, "text/plain", &body).await;
    let missing = app
        .request(Method::POST, CYCLES, Some(&committee.token))
        .body(body)
        .send()
        .await
        .unwrap();

    let problem = assert_problem(res, 400).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("application/json"),
        "{problem}"
    );
    assert_problem(missing, 400).await;
    let list: Value = app
        .get(CYCLES, Some(&committee.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 0);
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_413_problem() {
    let app = spawn_app_with(&[("MAX_BODY_BYTES", "64")]).await;
    let body = json!({"email": "someone@example.org", "password": "x".repeat(100)});

    let res = app.post("/api/v1/auth/login", None, &body).await;
    // Under the limit the same endpoint reads the body (and finds it wanting).
    let small = app.post("/api/v1/auth/login", None, &json!({})).await;

    let problem = assert_problem(res, 413).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("64"),
        "{problem}"
    );
    assert_ne!(small.status(), 413);
}

#[tokio::test]
async fn a_body_over_the_limit_sent_in_chunks_is_a_413_problem() {
    let app = spawn_app_with(&[("MAX_BODY_BYTES", "64")]).await;
    let host = app.address.trim_start_matches("http://").to_owned();
    let body = format!(
        r#"{{"email": "someone@example.org", "password": "{}"}}"#,
        "x".repeat(100)
    );
    // No Content-Length: the limit can only be found while reading.
    let request = format!(
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n{:x}\r\n{body}\r\n0\r\n\r\n",
        body.len()
    );

    let answer = tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(host).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).ok();
        answer
    })
    .await
    .unwrap();

    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer
            .to_lowercase()
            .contains("content-type: application/problem+json"),
        "{answer}"
    );
}

// ---------------------------------------------------------------- paths and queries

#[tokio::test]
async fn a_path_id_that_is_not_a_uuid_is_a_400_problem() {
    let app = spawn_app().await;
    let committee = app.committee().await;

    let read = app.get(&format!("{CYCLES}/not-a-uuid"), None).await;
    let delete = app
        .delete(&format!("{CYCLES}/12345"), Some(&committee.token))
        .await;

    assert_problem(read, 400).await;
    assert_problem(delete, 400).await;
}

#[tokio::test]
async fn a_bad_enum_in_a_query_is_a_400_problem() {
    let app = spawn_app().await;

    let res = app.get(&format!("{CYCLES}?status=bogus"), None).await;

    let problem = assert_problem(res, 400).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("query"),
        "{problem}"
    );
}

// ---------------------------------------------------------------- auth

#[tokio::test]
async fn a_missing_token_on_a_committee_endpoint_is_a_401_with_www_authenticate() {
    let app = spawn_app().await;

    let res = app.post(CYCLES, None, &cycle_body("2024-2025")).await;

    assert_eq!(res.headers()["www-authenticate"], "Bearer");
    assert_problem(res, 401).await;
}

#[tokio::test]
async fn a_garbage_token_is_a_401_even_where_anonymous_callers_are_welcome() {
    let app = spawn_app().await;

    let res = app.get(CYCLES, Some("not-a-real-token")).await;
    let wrong_scheme = app
        .request(Method::GET, CYCLES, None)
        .header("authorization", "Basic dXNlcjpwYXNz")
        .send()
        .await
        .unwrap();

    assert_eq!(res.headers()["www-authenticate"], "Bearer");
    assert_problem(res, 401).await;
    assert_problem(wrong_scheme, 401).await;
}

// ---------------------------------------------------------------- request ids

#[tokio::test]
async fn a_caller_supplied_request_id_appears_in_the_problem() {
    let app = spawn_app().await;

    let res = app
        .request(Method::GET, "/api/v1/nothing-here", None)
        .header("x-request-id", "support-ticket-42")
        .send()
        .await
        .unwrap();
    let handler_error = app
        .request(Method::GET, &format!("{CYCLES}?page=0"), None)
        .header("x-request-id", "support-ticket-43")
        .send()
        .await
        .unwrap();

    assert_eq!(res.headers()["x-request-id"], "support-ticket-42");
    let problem = assert_problem(res, 404).await;
    assert_eq!(problem["request_id"], "support-ticket-42");
    let problem = assert_problem(handler_error, 422).await;
    assert_eq!(problem["request_id"], "support-ticket-43");
}

#[tokio::test]
async fn every_problem_quotes_a_generated_request_id() {
    let app = spawn_app().await;

    let res = app.get(&format!("{CYCLES}/current"), None).await;

    let problem = assert_problem(res, 404).await;
    let id = problem["request_id"].as_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
}

#[tokio::test]
async fn problems_leak_no_internal_text() {
    let app = spawn_app().await;
    let committee = app.committee().await;
    app.create_cycle(&committee, "2024-2025").await;

    // A unique-index violation inside the database.
    let res = app
        .post(CYCLES, Some(&committee.token), &cycle_body("2024-2025"))
        .await;

    let problem = assert_problem(res, 409).await;
    let text = problem.to_string().to_lowercase();
    for leak in [
        "unique",
        "constraint",
        "sqlx",
        "sqlite",
        "postgres",
        "insert",
    ] {
        assert!(!text.contains(leak), "{leak} in {problem}");
    }
}

// ---------------------------------------------------------------- CORS

#[tokio::test]
async fn a_preflight_from_an_allowed_origin_is_answered() {
    let app = spawn_app_with(&[("CORS_ALLOWED_ORIGINS", ORIGIN)]).await;

    let res = app
        .request(Method::OPTIONS, CYCLES, None)
        .header("origin", ORIGIN)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization, content-type",
        )
        .send()
        .await
        .unwrap();

    assert!(res.status().is_success(), "{}", res.status());
    assert_eq!(res.headers()["access-control-allow-origin"], ORIGIN);
    let methods = res.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(methods.contains("POST"), "{methods}");
    let headers = res.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(
        headers.contains("authorization") && headers.contains("content-type"),
        "{headers}"
    );
}

#[tokio::test]
async fn a_preflight_from_another_origin_gets_no_allow_origin() {
    let app = spawn_app_with(&[("CORS_ALLOWED_ORIGINS", ORIGIN)]).await;

    let res = app
        .request(Method::OPTIONS, CYCLES, None)
        .header("origin", "https://evil.example.com")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();

    assert!(
        res.headers().get("access-control-allow-origin").is_none(),
        "{:?}",
        res.headers()
    );
    assert_problem(res, 400).await;
}

#[tokio::test]
async fn a_request_from_an_allowed_origin_may_read_the_paging_headers() {
    let app = spawn_app_with(&[("CORS_ALLOWED_ORIGINS", ORIGIN)]).await;

    let res = app
        .request(Method::GET, CYCLES, None)
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();

    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["access-control-allow-origin"], ORIGIN);
    let exposed = res.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    for name in ["link", "x-request-id", "x-total-count", "location"] {
        assert!(exposed.contains(name), "{name} in {exposed}");
    }
}
