//! Partnership agreements: each cycle's template (committee) and each
//! published match's agreement, which only its two partners edit and sign.
mod agreement;
mod dto;
mod template;

use utoipa_actix_web::service_config::ServiceConfig;

pub use dto::{AgreementDto, AgreementTemplateDto, AgreementVersionDto};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(template::get_template)
        .service(template::put_template)
        .service(agreement::get)
        .service(agreement::save)
        .service(agreement::sign)
        .service(agreement::versions);
}
