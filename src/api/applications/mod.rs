//! Applications: applying, editing, withdrawing, the committee's review,
//! list, dashboard counts and audit trail. An application is visible to its
//! author and the committee only; anyone else gets 404.
mod dto;
mod form;
mod import;
pub(crate) use import::parse as parse_import;
mod read;
mod review;
mod write;

use utoipa_actix_web::service_config::ServiceConfig;

pub use dto::{
    ApplicationDto, ApplicationFilter, ApplicationPatch, ApplicationSummary, AuditEntry, ReviewDto,
    ReviewRequest, RoleQuery,
};
pub use form::{Answer, ApplicationForm};

pub fn configure(cfg: &mut ServiceConfig) {
    // `/cycles/{id}/applications/summary` and `/me/applications/latest`
    // before the shorter paths they extend.
    cfg.service(import::import)
        .service(import::import_template)
        .service(review::summary)
        .service(review::list)
        .service(write::apply)
        .service(read::latest)
        .service(read::list_mine)
        .service(read::get)
        .service(write::update)
        .service(write::withdraw)
        .service(review::review)
        .service(review::audit);
}
