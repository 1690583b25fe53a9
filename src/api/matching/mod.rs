//! Matching runs and candidate lists (committee only, cycle in `matching`
//! or later).
mod accept;
mod compare;
mod dto;
mod runs;

use utoipa_actix_web::service_config::ServiceConfig;

pub use compare::ComparisonDto;
pub use dto::{AcceptRequest, RunDto, RunSummary};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(accept::candidates)
        .service(runs::list_runs)
        .service(runs::create_run)
        .service(runs::get_run)
        .service(compare::compare_runs)
        .service(accept::accept_run);
}
