//! Logging set-up, request ids and the request span.
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::{Error, HttpMessage};
use tracing::Span;
use tracing_actix_web::{DefaultRootSpanBuilder, RootSpanBuilder};
use tracing_subscriber::{EnvFilter, fmt, prelude::*};

use crate::config::LogFormat;

pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The id of the request being served: the caller's `X-Request-Id` when it is
/// sensible, otherwise a fresh UUID.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request whose handler is running, if any. Lets errors quote
/// it without threading the request through every function.
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(|id| id.clone()).ok()
}

/// Runs `fut` with `id` as the current request id.
pub async fn with_request_id<F: std::future::Future>(id: String, fut: F) -> F::Output {
    REQUEST_ID.scope(id, fut).await
}

/// Accepts a caller-supplied id only if it is short printable ASCII, so it can
/// be logged and echoed safely.
pub fn accept_request_id(header: Option<&str>) -> String {
    match header {
        Some(v) if !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic()) => {
            v.to_owned()
        }
        _ => uuid::Uuid::new_v4().to_string(),
    }
}

/// Installs the global subscriber. `RUST_LOG` filters; the default is `info`.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let registry = tracing_subscriber::registry().with(filter);
    let result = match format {
        LogFormat::Json => registry
            .with(
                fmt::layer()
                    .json()
                    .with_current_span(true)
                    .with_span_list(false),
            )
            .try_init(),
        LogFormat::Pretty => registry.with(fmt::layer().with_target(false)).try_init(),
    };
    // A second initialisation (tests spawn many apps) keeps the first subscriber.
    let _ = result;
}

/// The root span of every request, carrying our request id rather than
/// tracing-actix-web's own.
pub struct RequestSpan;

/// The route pattern the request matched (`/api/v1/cycles/{id}`), found
/// once for the span and kept in the request's extensions: finding it
/// walks the app's routes and runs their patterns again.
#[derive(Clone, Debug)]
pub struct MatchedRoute(pub String);

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(|r| r.0.clone())
            .unwrap_or_default();
        let client = request
            .extensions()
            .get::<crate::client_addr::ClientAddr>()
            .map(|c| c.0.to_string())
            .unwrap_or_default();
        let matched = request.match_pattern();
        let route = matched.as_deref().unwrap_or("<unmatched>");
        let span = tracing::info_span!(
            "http_request",
            http.method = %request.method(),
            http.route = %route,
            http.target = %request.path(),
            request_id = %request_id,
            client.address = %client,
            http.status_code = tracing::field::Empty,
            otel.status_code = tracing::field::Empty,
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
        );
        if let Some(pattern) = matched {
            request.extensions_mut().insert(MatchedRoute(pattern));
        }
        span
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}
