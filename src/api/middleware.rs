//! The outermost middleware: request ids, problem bodies for responses the
//! framework makes itself (404, 405...), and security headers.
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::ResourceDef;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::{StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpRequest, HttpResponse, web};

use std::net::IpAddr;
use std::panic::AssertUnwindSafe;

use futures_util::FutureExt;

use actix_web::ResponseError;

use crate::api::error::{ApiError, PROBLEM_JSON, problem};
use crate::api::json::NUL_MESSAGE;
use crate::client_addr::ClientAddr;
use crate::state::AppState;
use crate::telemetry::{REQUEST_ID_HEADER, RequestId, accept_request_id, with_request_id};

/// Headers kept when a framework-made error response is rewritten.
const KEPT_HEADERS: [header::HeaderName; 3] =
    [header::ALLOW, header::RETRY_AFTER, header::WWW_AUTHENTICATE];

pub async fn request_context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let id = accept_request_id(
        req.headers()
            .get(REQUEST_ID_HEADER)
            .and_then(|v| v.to_str().ok()),
    );
    req.extensions_mut().insert(RequestId(id.clone()));
    let client = client_addr(&req);
    req.extensions_mut().insert(client);
    // Handlers and extractors turn their errors into responses inside this
    // scope; an `Err` here comes from a middleware and is rendered by actix.
    // A panic anywhere below is caught here and becomes a 500 for this
    // request alone: the worker and the other requests on it go on.
    if let Some(field) = nul_in_query(req.query_string()) {
        let err = ApiError::invalid(&field, "invalid", NUL_MESSAGE);
        let res = with_request_id(id.clone(), async { err.error_response() }).await;
        let mut res = req.into_response(res);
        let path = res.request().path().to_owned();
        set_common_headers(res.headers_mut(), &id, &path);
        return Ok(res);
    }
    let served = AssertUnwindSafe(with_request_id(id.clone(), next.call(req)))
        .catch_unwind()
        .await;
    let mut res = match served {
        Ok(res) => res?.map_into_boxed_body(),
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            tracing::error!(request_id = %id, panic = %message, "a handler panicked");
            // The request went down with the handler, so actix renders this
            // error into the response itself (`Panicked::error_response`).
            return Err(Panicked { request_id: id }.into());
        }
    };
    if needs_problem_body(&res) {
        res = with_request_id(id.clone(), async { to_problem(res) }).await;
    }
    let path = res.request().path().to_owned();
    set_common_headers(res.headers_mut(), &id, &path);
    Ok(res)
}

/// The query parameter whose name or value holds a NUL character, which no
/// database here may be given (the same rule as for bodies).
fn nul_in_query(query: &str) -> Option<String> {
    if !query.contains("%00") && !query.contains('\0') {
        return None;
    }
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
    pairs
        .into_iter()
        .find(|(k, v)| k.contains('\0') || v.contains('\0'))
        .map(|(k, _)| k.replace('\0', ""))
        .or_else(|| Some("query".to_owned()))
}

/// Swagger UI's page: its own scripts and styles (it sets inline styles),
/// its inline SVG icons, and calls to this service only.
const SWAGGER_UI_CSP: &str = "default-src 'self'; script-src 'self'; \
style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
font-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; \
frame-ancestors 'none'";

/// The public report's page (`/cycles/{id}/report/public.html`): inline
/// styles and SVG only, nothing loaded, and any site may frame it (it
/// shows public figures and has nothing to click).
const REPORT_PAGE_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; \
img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors *";

/// Every other response is data, never a page to render.
const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// The request id and security headers every response carries.
fn set_common_headers(headers: &mut header::HeaderMap, id: &str, path: &str) {
    use header::HeaderValue;
    if let Ok(value) = HeaderValue::from_str(id) {
        headers.insert(header::HeaderName::from_static(REQUEST_ID_HEADER), value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    let embeddable = path.ends_with("/report/public.html");
    if !embeddable {
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    let csp = if path.starts_with("/swagger-ui") {
        SWAGGER_UI_CSP
    } else if embeddable {
        REPORT_PAGE_CSP
    } else {
        API_CSP
    };
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(csp),
    );
    if !headers.contains_key(header::CACHE_CONTROL) && path.starts_with("/api/") {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

/// A handler panicked: a 500 problem for that request alone.
#[derive(Debug)]
struct Panicked {
    request_id: String,
}

impl std::fmt::Display for Panicked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a handler panicked")
    }
}

impl actix_web::ResponseError for Panicked {
    fn error_response(&self) -> HttpResponse {
        let status = StatusCode::INTERNAL_SERVER_ERROR;
        let body = problem(
            status,
            "an internal error occurred; quote the request_id when reporting it".to_owned(),
            Some(self.request_id.clone()),
            None,
        );
        let mut res = HttpResponse::build(status)
            .content_type(PROBLEM_JSON)
            .json(body);
        set_common_headers(res.headers_mut(), &self.request_id, "/api/");
        res
    }
}

fn client_addr(req: &ServiceRequest) -> ClientAddr {
    let peer = req
        .peer_addr()
        .map(|a| a.ip())
        .unwrap_or(IpAddr::from([0, 0, 0, 0]));
    let Some(state) = req.app_data::<web::Data<AppState>>() else {
        return ClientAddr(peer);
    };
    let values = |name: header::HeaderName| -> Vec<&str> {
        req.headers()
            .get_all(name)
            .filter_map(|v| v.to_str().ok())
            .collect()
    };
    let forwarded = values(header::FORWARDED);
    let x_forwarded_for = values(header::HeaderName::from_static("x-forwarded-for"));
    ClientAddr(
        state
            .trusted_proxies
            .client(peer, &forwarded, &x_forwarded_for),
    )
}

fn needs_problem_body(res: &ServiceResponse<BoxBody>) -> bool {
    let status = res.status();
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(PROBLEM_JSON));
    (status.is_client_error() || status.is_server_error()) && !is_problem
}

/// Replaces a bare error response with a problem; its original body may hold
/// internal text, so only the status survives, with a plain detail.
fn to_problem(res: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
    let status = res.status();
    let (req, old) = res.into_parts();
    let detail = match status {
        StatusCode::NOT_FOUND => format!("no resource at {}", req.path()),
        StatusCode::METHOD_NOT_ALLOWED => {
            let allowed = old
                .headers()
                .get(header::ALLOW)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            format!("{} is not allowed here; allowed: {allowed}", req.method())
        }
        StatusCode::PAYLOAD_TOO_LARGE => "the request body is too large".to_owned(),
        s if s.is_server_error() => {
            "an internal error occurred; quote the request_id when reporting it".to_owned()
        }
        s => s
            .canonical_reason()
            .unwrap_or("request refused")
            .to_lowercase(),
    };
    let mut new = HttpResponse::build(status);
    for name in KEPT_HEADERS {
        if let Some(v) = old.headers().get(&name) {
            new.insert_header((name.clone(), v.clone()));
        }
    }
    let body = problem(status, detail, crate::telemetry::current_request_id(), None);
    ServiceResponse::new(req, new.content_type(PROBLEM_JSON).json(body))
}

/// The documented paths and their methods, read once from the OpenAPI
/// document, so a known path asked with another method is a 405 naming the
/// allowed ones. (Routes are mounted one handler each, with a method
/// guard, so the router itself only knows "no match".)
///
/// It also keeps each `GET` operation's documented query parameters, so a
/// list's `Link` header carries only what the list knows.
pub struct RouteTable(Vec<(ResourceDef, Vec<Method>)>, Vec<(String, Vec<String>)>);

impl RouteTable {
    pub fn from_openapi(doc: &utoipa::openapi::OpenApi) -> Self {
        use utoipa::openapi::{RefOr, path::ParameterIn};
        let queries = doc
            .paths
            .paths
            .iter()
            .filter_map(|(path, item)| {
                let op = item.get.as_ref()?;
                let names = op
                    .parameters
                    .iter()
                    .flatten()
                    .filter_map(|p| match p {
                        RefOr::T(p) if p.parameter_in == ParameterIn::Query => Some(p.name.clone()),
                        _ => None,
                    })
                    .collect();
                Some((path.clone(), names))
            })
            .collect();
        let routes = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let methods = [
                    (&item.get, Method::GET),
                    (&item.put, Method::PUT),
                    (&item.post, Method::POST),
                    (&item.delete, Method::DELETE),
                    (&item.patch, Method::PATCH),
                ]
                .into_iter()
                .filter(|(op, _)| op.is_some())
                .map(|(_, m)| m)
                .collect();
                (ResourceDef::new(path.as_str()), methods)
            })
            .collect();
        Self(routes, queries)
    }

    /// The documented query parameters of the `GET` route `req` matched.
    pub fn query_names(req: &HttpRequest) -> Option<&[String]> {
        let table = req.app_data::<web::Data<RouteTable>>()?;
        // Found once already for the request's span, where it ran.
        let extensions = req.extensions();
        let found;
        let pattern = match extensions.get::<crate::telemetry::MatchedRoute>() {
            Some(matched) => &matched.0,
            None => {
                found = req.match_pattern()?;
                &found
            }
        };
        table
            .1
            .iter()
            .find(|(path, _)| path == pattern)
            .map(|(_, names)| names.as_slice())
    }

    /// The methods allowed at `path`, if it is a documented path: of the
    /// documented paths that match, the most specific, the one with the most
    /// literal text (`/cycles/current` over `/cycles/{id}`,
    /// `/workshops/{id}.ics` over `/workshops/{id}`).
    fn allowed(&self, path: &str) -> Option<&[Method]> {
        self.0
            .iter()
            .filter(|(def, _)| def.is_match(path))
            .max_by_key(|(def, _)| literal_len(def.pattern().unwrap_or("")))
            .map(|(_, methods)| methods.as_slice())
    }

    /// A 405 when the most specific documented path matching `path` does
    /// not take `method`: a route with a parameter at the same place
    /// (`PATCH /cycles/{id}` for `PATCH /cycles/current`, `PATCH
    /// /workshops/{id}` for `PATCH /workshops/{id}.ics`) would otherwise
    /// answer that "current" is no id.
    pub fn wrong_method(req: &HttpRequest) -> Option<ApiError> {
        let table = req.app_data::<web::Data<RouteTable>>()?;
        let methods = table.allowed(req.path())?;
        (!methods.contains(req.method())).then(|| method_not_allowed(req, methods))
    }
}

/// The characters of a path pattern outside its `{parameters}`.
fn literal_len(pattern: &str) -> usize {
    let mut depth = 0usize;
    pattern
        .chars()
        .filter(|c| match c {
            '{' => {
                depth += 1;
                false
            }
            '}' => {
                depth = depth.saturating_sub(1);
                false
            }
            _ => depth == 0,
        })
        .count()
}

fn method_not_allowed(req: &HttpRequest, methods: &[Method]) -> ApiError {
    let allowed: Vec<&str> = methods.iter().map(Method::as_str).collect();
    ApiError::MethodNotAllowed {
        method: req.method().to_string(),
        allowed: allowed.join(", "),
    }
}

/// Any request no route takes: a 405 with `Allow` on a known path, else a
/// 404.
pub async fn no_route(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let allowed = req
        .app_data::<web::Data<RouteTable>>()
        .and_then(|t| t.allowed(req.path()));
    Err(match allowed {
        Some(methods) => method_not_allowed(&req, methods),
        None => ApiError::NotFound(format!("no resource at {}", req.path())),
    })
}

#[cfg(test)]
mod tests {
    use actix_web::http::header;
    use actix_web::middleware::from_fn;
    use actix_web::{App, HttpResponse, test, web};

    use super::request_context;

    async fn slow() -> HttpResponse {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        HttpResponse::Ok().body("done")
    }

    async fn boom() -> HttpResponse {
        panic!("a bug in a handler")
    }

    #[actix_web::test]
    async fn a_panicking_handler_is_a_500_problem_and_its_neighbour_completes() {
        // Arrange: one single-threaded service, as one worker.
        let app = test::init_service(
            App::new()
                .wrap(from_fn(request_context))
                .route("/slow", web::get().to(slow))
                .route("/boom", web::get().to(boom)),
        )
        .await;

        // Act: both at once on the same thread.
        let slow_req = test::TestRequest::get().uri("/slow").to_request();
        let boom_req = test::TestRequest::get().uri("/boom").to_request();
        let (slow_res, boom) = futures_util::join!(
            test::call_service(&app, slow_req),
            test::try_call_service(&app, boom_req)
        );
        // The server renders a middleware's error as its response.
        let boom_res = boom.expect_err("the panic is an error").error_response();

        // Assert
        assert_eq!(boom_res.status(), 500);
        assert_eq!(
            boom_res.headers().get(header::CONTENT_TYPE).unwrap(),
            "application/problem+json"
        );
        assert!(boom_res.headers().contains_key("x-request-id"));
        let body = actix_web::body::to_bytes(boom_res.into_body())
            .await
            .unwrap();
        let problem: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(problem["status"], 500);
        assert!(problem["request_id"].is_string());
        assert!(
            !problem["detail"]
                .as_str()
                .unwrap()
                .contains("a bug in a handler")
        );
        assert_eq!(slow_res.status(), 200);
        assert_eq!(test::read_body(slow_res).await, "done");
    }
}
