//! `/auth`: registration, sign-in, refresh, sign-out and invitations.
mod account;
mod dto;
mod reset;
mod session;

use utoipa_actix_web::service_config::ServiceConfig;

pub use dto::{
    AcceptInviteRequest, LoginRequest, RefreshRequest, RegisterRequest, TokenPair, not_blank,
    password_rule,
};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(account::register)
        .service(session::login)
        .service(session::refresh)
        .service(session::logout)
        .service(account::accept_invite)
        .service(reset::forgot_password)
        .service(reset::reset_password);
}
