//! `/resources` and `/me/resources`: starter resources the committee gives
//! matched pairs, some public for the website.
mod dto;
mod read;
mod write;

use utoipa_actix_web::service_config::ServiceConfig;

pub use dto::{ResourceDto, ResourcePatch, ResourceQuery, ResourceRequest};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(read::list)
        .service(read::mine)
        .service(read::get)
        .service(write::create)
        .service(write::update)
        .service(write::delete);
}
