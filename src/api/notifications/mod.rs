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
        .service(templates::list_templates)
        .service(templates::get_template)
        .service(templates::put_template)
        .service(templates::delete_template)
        .service(templates::preview_template)
        .service(settings::get_settings)
        .service(settings::put_settings)
        .service(settings::unsubscribe);
}
