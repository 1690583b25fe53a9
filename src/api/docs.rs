//! The OpenAPI document and Swagger UI.
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{auth, cycles, health, me, members, pagination};
use crate::domain;
use crate::error;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "WLA Mentorship API",
        description = "Runs a professional association's yearly mentorship program: cycles, \
applications, matching, agreements, meetings, workshops, evaluations and reports.\n\n\
Every error is RFC 9457 `application/problem+json`. Lists take `page`, `per_page` (max 200) \
and `sort` (`field` or `-field`) and answer `{items,page,per_page,total}` with a `Link` header.\n\n\
Sign in with `POST /api/v1/auth/login`, then use **Authorize** with the `access_token` \
(or a personal API token).",
        version = "1.0.0",
        license(name = "MIT")
    ),
    paths(
        health::live, health::ready,
        auth::register, auth::login, auth::refresh, auth::logout, auth::accept_invite,
        me::get, me::update, me::list_tokens, me::create_token, me::revoke_token,
        members::list, members::create, members::get, members::update, members::invite,
        cycles::list, cycles::create, cycles::current, cycles::get, cycles::update, cycles::delete,
        cycles::transition,
    ),
    components(schemas(
        error::Problem, error::FieldError,
        domain::member::Role, domain::member::MembershipStatus, domain::cycle::CycleStatus,
        pagination::Page<members::MemberDto>, pagination::Page<cycles::CycleDto>,
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "health", description = "Liveness and readiness"),
        (name = "auth", description = "Registration, sign-in, tokens"),
        (name = "me", description = "Your own account and API tokens"),
        (name = "members", description = "The committee's roster"),
        (name = "cycles", description = "Yearly mentorship cycles"),
    )
)]
pub struct ApiDoc;

/// Declares the `bearer` scheme Swagger UI's Authorize button fills in.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT or personal API token")
                    .description(Some("An access token from /api/v1/auth/login, or a personal API token (wla_pat_...)."))
                    .build(),
            ),
        );
    }
}

/// The document as committed in `openapi/openapi.json`.
pub fn openapi_json() -> String {
    let mut json = ApiDoc::openapi().to_pretty_json().unwrap_or_default();
    json.push('\n');
    json
}
