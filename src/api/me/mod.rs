//! `/me`: the caller's own account and personal API tokens.
mod account;
mod dto;
mod tokens;

use utoipa_actix_web::service_config::ServiceConfig;

pub use dto::{ApiTokenDto, CreateTokenRequest, CreatedApiToken, UpdateMeRequest};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(account::get)
        .service(account::update)
        .service(tokens::list_tokens)
        .service(tokens::create_token)
        .service(tokens::revoke_token);
}
