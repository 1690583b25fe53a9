//! `/members`: the committee's roster. Roles are changed by admins only.
mod dto;
mod import;
pub(crate) use import::parse as parse_import;
mod read;
mod write;

use utoipa_actix_web::service_config::ServiceConfig;

pub use dto::{CreateMemberRequest, Invitation, MemberDto, UpdateMemberRequest};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(read::list)
        .service(import::import)
        .service(import::import_template)
        .service(write::create)
        .service(read::get)
        .service(write::update)
        .service(write::invite);
}
