//! Email notifications: the admins' outbox and templates, each member's
//! settings, and one-click unsubscribe.
mod dto;
mod outbox;
mod settings;
mod templates;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(outbox::list)
        .service(outbox::stats)
        .service(outbox::get)
        .service(outbox::retry)
        .service(templates::list)
        .service(templates::get)
        .service(templates::put)
        .service(templates::delete)
        .service(templates::preview)
        .service(settings::get)
        .service(settings::put)
        .service(settings::unsubscribe);
}
