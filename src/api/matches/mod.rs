//! Matches: made by hand or from a run, approved, published, and their
//! later life. Committee only, except `GET /me/matches`.
mod dto;
mod life;
mod mine;
mod read;
mod review;

use utoipa_actix_web::service_config::ServiceConfig;

pub use dto::{
    CreateMatchRequest, EndEarlyRequest, ExtendRequest, MatchDto, MatchEventDto, MyMatch, Partner,
    PublishResult, UpdateMatchRequest,
};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(read::list)
        .service(review::create)
        .service(review::publish)
        .service(read::get)
        .service(review::update)
        .service(read::events)
        .service(review::approve)
        .service(review::cancel)
        .service(life::complete)
        .service(life::end_early)
        .service(life::extend)
        .service(mine::mine);
}
