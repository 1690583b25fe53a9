//! `/cycles/{id}/questions` and `/cycles/{id}/form`: each cycle's own form.
mod dto;
mod form_spec;
mod read;
mod write;

use utoipa_actix_web::service_config::ServiceConfig;

pub use dto::{FormQuery, QuestionDto, QuestionPatch, QuestionRequest};
pub use form_spec::{FieldKind, FieldSpec, FormSpec, field};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(form_spec::get)
        .service(read::list)
        .service(write::create)
        .service(write::update)
        .service(write::delete);
}
