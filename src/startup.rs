//! Builds the application from settings and binds it to a listener (port 0
//! in tests).
use std::net::{IpAddr, TcpListener};
use std::num::NonZeroU32;

use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpRequest, HttpServer, web};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter, clock::Clock};
use sea_orm::DatabaseConnection;
use tracing_actix_web::TracingLogger;
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use crate::api::{self, docs::ApiDoc};
use crate::auth::JwtKeys;
use crate::config::Settings;
use crate::error::ApiError;
use crate::middleware;
use crate::store;
use crate::telemetry::RequestSpan;
use crate::worker::MatchingWorker;

/// Shared by every request.
pub struct AppState {
    pub db: DatabaseConnection,
    pub jwt: JwtKeys,
    auth_limiter: DefaultKeyedRateLimiter<IpAddr>,
    /// Where matching runs are computed, one at a time.
    pub matching: MatchingWorker,
}

impl AppState {
    pub fn new(db: DatabaseConnection, settings: &Settings) -> std::io::Result<Self> {
        let per_minute =
            NonZeroU32::new(settings.login_rate_per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        Ok(Self {
            db,
            jwt: JwtKeys::new(&settings.jwt),
            auth_limiter: RateLimiter::keyed(Quota::per_minute(per_minute)),
            matching: MatchingWorker::start()?,
        })
    }

    /// Rate limits credential endpoints per client address (429).
    pub fn check_auth_rate(&self, req: &HttpRequest) -> Result<(), ApiError> {
        let ip = req
            .peer_addr()
            .map(|a| a.ip())
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        self.auth_limiter.check_key(&ip).map_err(|not_until| {
            let wait = not_until.wait_time_from(governor::clock::DefaultClock::default().now());
            ApiError::RateLimited {
                retry_after_secs: wait.as_secs().max(1),
            }
        })
    }
}

pub struct Application {
    port: u16,
    db: DatabaseConnection,
    server: Server,
}

impl Application {
    /// Connects to the database, applies migrations and binds.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let db = store::connect(&settings.database_url).await?;
        store::migrate(&db).await?;
        let listener = TcpListener::bind(&settings.bind_addr)?;
        let port = listener.local_addr()?.port();
        let server = run(listener, db.clone(), settings)?;
        Ok(Self { port, db, server })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The pool the app serves from (a handle sharing it).
    pub fn db(&self) -> DatabaseConnection {
        self.db.clone()
    }

    /// Serves until SIGTERM or SIGINT, then lets in-flight requests finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

pub fn run(
    listener: TcpListener,
    db: DatabaseConnection,
    settings: Settings,
) -> anyhow::Result<Server> {
    let state = web::Data::new(AppState::new(db, &settings)?);
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "serving; Swagger UI at /swagger-ui/");
    let server = HttpServer::new(move || {
        App::new()
            .wrap(cors(&settings.cors_allowed_origins))
            .wrap(TracingLogger::<RequestSpan>::new())
            .wrap(from_fn(middleware::request_context))
            .app_data(state.clone())
            .configure(|cfg| api::extractor_config(cfg, settings.max_body_bytes))
            .configure(api::configure)
            .service(
                SwaggerUi::new("/swagger-ui/{_:.*}")
                    .url("/api-docs/openapi.json", ApiDoc::openapi()),
            )
            .service(web::redirect("/swagger-ui", "/swagger-ui/"))
            .default_service(web::to(middleware::no_route))
    })
    .listen(listener)?
    .shutdown_timeout(30)
    .run();
    Ok(server)
}

fn cors(origins: &[String]) -> Cors {
    let mut cors = Cors::default()
        .allow_any_method()
        .allowed_headers(vec![
            actix_web::http::header::AUTHORIZATION,
            actix_web::http::header::CONTENT_TYPE,
            actix_web::http::header::ACCEPT,
            actix_web::http::header::HeaderName::from_static("idempotency-key"),
            actix_web::http::header::HeaderName::from_static("x-request-id"),
        ])
        .expose_headers(vec![
            actix_web::http::header::LINK,
            actix_web::http::header::LOCATION,
            actix_web::http::header::HeaderName::from_static("x-request-id"),
            actix_web::http::header::HeaderName::from_static("x-total-count"),
        ])
        .max_age(3600);
    for origin in origins {
        cors = cors.allowed_origin(origin);
    }
    cors
}
