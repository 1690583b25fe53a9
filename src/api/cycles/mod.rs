//! `/cycles`: the program's yearly cycles and their status machine.
mod dto;
mod read;
mod write;

use utoipa_actix_web::service_config::ServiceConfig;

pub use dto::{CreateCycleRequest, CycleDto, TransitionRequest, UpdateCycleRequest};

pub fn configure(cfg: &mut ServiceConfig) {
    // `/cycles/current` before `/cycles/{id}`, which would take "current"
    // for an id.
    cfg.service(read::list)
        .service(write::create)
        .service(read::current)
        .service(read::get)
        .service(write::update)
        .service(write::delete)
        .service(write::transition);
}
