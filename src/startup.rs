//! Builds the application from settings and binds it to a listener (port 0
//! in tests).
use std::net::TcpListener;

use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use sea_orm::DatabaseConnection;
use tracing_actix_web::TracingLogger;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::{Config, SwaggerUi};

use crate::api;
use crate::api::middleware;
use crate::config::Settings;
use crate::state::AppState;
use crate::telemetry::RequestSpan;

pub struct Application {
    port: u16,
    db: DatabaseConnection,
    server: Server,
}

impl Application {
    /// Connects to the database, applies migrations and binds.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let db = crate::service::admin::open_database_with(
            &settings.database_url,
            settings.database_pool_size,
        )
        .await?;
        crate::service::admin::warn_without_admin(&db).await?;
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
    start_mail(&state, &settings)?;
    tokio::spawn(crate::store::checkpoint_log(
        state.db.clone(),
        crate::store::CHECKPOINT_EVERY,
    ));
    tokio::spawn(crate::store::fold_counts(
        state.db.clone(),
        crate::store::FOLD_COUNTS_EVERY,
    ));
    let doc = api::docs::openapi();
    let routes = web::Data::new(middleware::RouteTable::from_openapi(&doc));
    // Serialised once and shared by every worker: the document as a JSON
    // tree is several megabytes, kept once per worker by Swagger UI's own
    // route.
    let document = web::Bytes::from(serde_json::to_vec(&api::docs::document())?);
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "serving; Swagger UI at /swagger-ui/");
    drop(doc);
    let server = HttpServer::new(move || {
        let app = App::new()
            .wrap(cors(&settings.cors_allowed_origins))
            .wrap(TracingLogger::<RequestSpan>::new())
            .wrap(from_fn(middleware::request_context))
            .app_data(state.clone())
            .app_data(routes.clone())
            .configure(|cfg| api::extractor_config(cfg, settings.max_body_bytes))
            .into_utoipa_app()
            .configure(api::configure)
            .into_app()
            .service(openapi_document(document.clone()))
            .service(SwaggerUi::new("/swagger-ui/{_:.*}").config(Config::from(OPENAPI_PATH)))
            .service(web::redirect("/swagger-ui", "/swagger-ui/"))
            .default_service(web::to(middleware::no_route));
        // Building the app (and, before the workers, the OpenAPI document
        // three ways) left megabytes freed but kept by the allocator: an
        // idle server gives them back.
        crate::memory::release_freed();
        // The factory runs on each worker's own thread.
        crate::memory::cache_freed_blocks_on_this_thread();
        app
    })
    .listen(listener)?
    .shutdown_timeout(30)
    .run();
    Ok(server)
}

/// Where the OpenAPI document is served, and Swagger UI reads it.
const OPENAPI_PATH: &str = "/api-docs/openapi.json";

fn openapi_document(document: web::Bytes) -> actix_web::Resource {
    web::resource(OPENAPI_PATH).route(web::get().to(move || {
        let body = document.clone();
        async move {
            actix_web::HttpResponse::Ok()
                .content_type(actix_web::http::header::ContentType::json())
                .body(body)
        }
    }))
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

/// Starts the mail dispatcher (when `SMTP_URL` is set) and the reminder
/// schedule. Without SMTP, messages stay in the outbox for admins to read,
/// and the log says so once.
fn start_mail(state: &web::Data<AppState>, settings: &Settings) -> anyhow::Result<()> {
    use crate::notify::{dispatch, mail::Mailer, remind};
    match Mailer::from_settings(&settings.mail)? {
        Some(mailer) => {
            tracing::info!(from = %settings.mail.from, "mail: sending through SMTP_URL");
            tokio::spawn(dispatch::run(
                state.db.clone(),
                mailer,
                settings.mail.clone(),
                state.jwt.clone(),
                state.outbox.clone(),
            ));
        }
        None => tracing::info!(
            "mail: SMTP_URL is not set; messages stay in the outbox (GET /api/v1/notifications)"
        ),
    }
    tokio::spawn(remind::run(
        state.db.clone(),
        state.outbox.clone(),
        settings.cadence_silent_days,
        settings.mail.timezone,
    ));
    Ok(())
}
