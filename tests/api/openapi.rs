use crate::helpers::spawn_app;
use serde_json::Value;

#[test]
fn openapi_spec_is_up_to_date() {
    let generated = wla_mentorship::api::docs::openapi_json();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json is stale; regenerate it with:\n\n    cargo run -- openapi > openapi/openapi.json\n"
    );
}

#[tokio::test]
async fn the_served_spec_is_the_generated_one() {
    let app = spawn_app().await;
    let res = app.get("/api-docs/openapi.json", None).await;
    assert_eq!(res.status(), 200);
    let served: Value = res.json().await.unwrap();
    let generated: Value =
        serde_json::from_str(&wla_mentorship::api::docs::openapi_json()).unwrap();
    assert_eq!(served, generated);
    assert!(served["components"]["securitySchemes"]["bearer"].is_object());
}

#[tokio::test]
async fn swagger_ui_is_served_offline_and_the_bare_path_redirects() {
    let app = spawn_app().await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = client.get(app.url("/swagger-ui")).send().await.unwrap();
    assert!(res.status().is_redirection());
    assert_eq!(res.headers()["location"], "/swagger-ui/");
    let page = app.get("/swagger-ui/", None).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    let config = app.get("/swagger-ui/swagger-initializer.js", None).await;
    assert_eq!(config.status(), 200);
}

#[test]
fn every_operation_documents_its_errors_as_problems() {
    let spec: Value = serde_json::from_str(&wla_mentorship::api::docs::openapi_json()).unwrap();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for (status, response) in op["responses"].as_object().unwrap() {
                if status.starts_with('4') || status.starts_with('5') {
                    // Shared error responses are referenced components.
                    let response = match response["$ref"].as_str() {
                        Some(r) => {
                            let name = r.trim_start_matches("#/components/responses/");
                            &spec["components"]["responses"][name]
                        }
                        None => response,
                    };
                    let content = &response["content"]["application/problem+json"];
                    assert!(
                        content.is_object(),
                        "{method} {path} {status} is not a problem"
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn every_documented_operation_is_routed() {
    // Arrange: every path and method of the spec, ids filled with a UUID.
    let app = spawn_app().await;
    let spec: Value = serde_json::from_str(&wla_mentorship::api::docs::openapi_json()).unwrap();
    let id = uuid::Uuid::new_v4().to_string();
    for (path, item) in spec["paths"].as_object().unwrap() {
        let concrete = path.replace("{id}", &id).replace("{qid}", &id);
        for method in item.as_object().unwrap().keys() {
            let method: reqwest::Method = method.to_uppercase().parse().unwrap();
            // Act: anonymous, with an empty JSON object where a body goes.
            let res = app
                .request(method.clone(), &concrete, None)
                .json(&serde_json::json!({}))
                .send()
                .await
                .unwrap();
            // Assert: the router knows it (an unknown route is a 404 "no
            // resource", an unknown method a 405).
            let status = res.status().as_u16();
            let body = res.text().await.unwrap();
            assert_ne!(status, 405, "{method} {path} is not routed");
            assert!(
                !(status == 404 && body.contains("no resource at")),
                "{method} {path} is not routed"
            );
        }
    }
}
