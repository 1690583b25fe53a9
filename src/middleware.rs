//! The outermost middleware: request ids, problem bodies for responses the
//! framework makes itself (404, 405...), and security headers.
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::ResourceDef;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::{StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpRequest, HttpResponse, web};

use crate::api::error::{ApiError, PROBLEM_JSON, problem};
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
    // Handlers and extractors turn their errors into responses inside this
    // scope; an `Err` here comes from a middleware and is rendered by actix.
    let mut res = with_request_id(id.clone(), next.call(req))
        .await?
        .map_into_boxed_body();
    if needs_problem_body(&res) {
        res = with_request_id(id.clone(), async { to_problem(res) }).await;
    }
    let headers = res.headers_mut();
    if let Ok(value) = header::HeaderValue::from_str(&id) {
        headers.insert(header::HeaderName::from_static(REQUEST_ID_HEADER), value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::X_FRAME_OPTIONS,
        header::HeaderValue::from_static("DENY"),
    );
    if !headers.contains_key(header::CACHE_CONTROL) && res.request().path().starts_with("/api/") {
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("no-store"),
        );
    }
    Ok(res)
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
pub struct RouteTable(Vec<(ResourceDef, Vec<Method>)>);

impl RouteTable {
    pub fn from_openapi(doc: &utoipa::openapi::OpenApi) -> Self {
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
        Self(routes)
    }

    /// The methods allowed at `path`, if it is a documented path.
    fn allowed(&self, path: &str) -> Option<&[Method]> {
        self.0
            .iter()
            .find(|(def, _)| def.is_match(path))
            .map(|(_, methods)| methods.as_slice())
    }
}

/// Any request no route takes: a 405 with `Allow` on a known path, else a
/// 404.
pub async fn no_route(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let allowed = req
        .app_data::<web::Data<RouteTable>>()
        .and_then(|t| t.allowed(req.path()));
    match allowed {
        Some(methods) => {
            let allow: Vec<&str> = methods.iter().map(Method::as_str).collect();
            let allow = allow.join(", ");
            let body = problem(
                StatusCode::METHOD_NOT_ALLOWED,
                format!("{} is not allowed here; allowed: {allow}", req.method()),
                crate::telemetry::current_request_id(),
                None,
            );
            Ok(HttpResponse::MethodNotAllowed()
                .insert_header((header::ALLOW, allow))
                .content_type(PROBLEM_JSON)
                .json(body))
        }
        None => Err(ApiError::NotFound(format!("no resource at {}", req.path()))),
    }
}
