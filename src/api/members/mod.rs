//! `/members`: the committee's roster. Roles are changed by admins only.
mod dto;
mod read;
mod write;

use utoipa_actix_web::service_config::ServiceConfig;

pub use dto::{CreateMemberRequest, Invitation, MemberDto, UpdateMemberRequest};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(read::list)
        .service(write::create)
        .service(read::get)
        .service(write::update)
        .service(write::invite);
}
