//! The meeting log of a published match: its two partners record and read
//! meetings; nobody else, the committee included, sees it.
mod dto;
mod read;
mod write;

use utoipa_actix_web::service_config::ServiceConfig;

pub use dto::{MeetingDto, MeetingPatch, NewMeetingRequest};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(read::list)
        .service(write::create)
        .service(read::get)
        .service(write::update)
        .service(write::delete);
}
