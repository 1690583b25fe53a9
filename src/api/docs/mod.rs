//! The OpenAPI document and Swagger UI.
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{
    agreements, applications, cycles, imports, matches, matching, meetings, pagination, responses,
    workshops,
};
use crate::api::error;
use crate::{domain, service};

mod shape;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "WLA Mentorship API",
        description = "Runs a professional association's yearly mentorship program: member \
accounts, cycles and their application forms, applications and the committee's review, \
whole-cohort matching with explained scores, the matches' life, the pairs' starter resources, \
and workshops with their calendars.\n\n\
Every error is RFC 9457 `application/problem+json`. Lists take `page`, `per_page` (max 200) \
and `sort` (`field` or `-field`) and answer `{items,page,per_page,total}` with a `Link` header.\n\n\
Sign in with `POST /api/v1/auth/login`, then use **Authorize** with the `access_token` \
(or a personal API token).",
        version = "1.0.0",
        license(name = "MIT", identifier = "MIT"),
        contact(name = "WLA Professional Development Committee")
    ),
    servers((url = "/", description = "This service")),
    components(schemas(
        error::Problem, error::FieldError, super::export::ListFormat, imports::TemplateFormat,
        domain::cycle::CycleStatus,
        pagination::Page<cycles::CycleDto>,
        pagination::Page<applications::ApplicationDto>, pagination::Page<matching::RunSummary>,
        pagination::Page<matches::MatchDto>, pagination::Page<meetings::MeetingDto>,
        pagination::Page<agreements::AgreementVersionDto>,
        pagination::Page<workshops::WorkshopDto>, pagination::Page<workshops::RegistrationLineDto>,
        pagination::Page<agreements::AgreementVersionDto>, pagination::Page<imports::ImportDto>,
    ), responses(
        responses::BadRequest, responses::Unauthorized, responses::Forbidden,
        responses::NotFound, responses::Conflict, responses::PayloadTooLarge,
        responses::Unprocessable, responses::TooManyRequests, responses::Unavailable,
        responses::UnsupportedMediaType,
    )),
    tags(
        (name = "health", description = "Liveness and readiness"),
        (name = "auth", description = "Registration, sign-in, tokens"),
        (name = "me", description = "Your own account and API tokens"),
        (name = "members", description = "The committee's roster"),
        (name = "cycles", description = "Yearly mentorship cycles"),
        (name = "forms", description = "Each cycle's application form and extra questions"),
        (name = "applications", description = "Mentor and mentee applications and the committee's review"),
        (name = "matching", description = "Matching runs: whole-cohort proposals with explained scores"),
        (name = "matches", description = "Matches: approval, publishing and their life"),
        (name = "agreements", description = "Partnership agreements: each cycle's template, each pair's agreement, signatures and versions"),
        (name = "meetings", description = "A published match's meeting log, for its two partners, and each cycle's meeting cadence, for the committee"),
        (name = "evaluations", description = "End-of-cycle evaluations, the cycle's report (committee and public) and testimonials"),
        (name = "notifications", description = "Email: the outbox, templates, your settings, unsubscribe"),
        (name = "resources", description = "Starter resources for matched pairs: discussion topics, the agreement template, guides, links"),
        (name = "workshops", description = "Workshops: registration with a fair waitlist, the committee's lists and attendance"),
        (name = "calendars", description = "Calendar feeds (RFC 5545): public workshops, one workshop, your personal feed"),
        (name = "imports", description = "Bulk imports: the audit list of every import and dry run"),
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

/// Operation ids default to handler names, which repeat across modules
/// (`get`, `list`); prefixing the tag makes them unique (`cycles_get`), as
/// client generators need.
struct UniqueOperationIds;

impl Modify for UniqueOperationIds {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let ops = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for op in ops.into_iter().flatten() {
                let tag = op.tags.as_ref().and_then(|t| t.first()).cloned();
                if let (Some(tag), Some(id)) = (tag, op.operation_id.as_mut()) {
                    *id = format!("{tag}_{id}");
                }
            }
        }
    }
}

/// The whole document: the description above, plus the paths and schemas
/// each resource module mounts (collected by `utoipa-actix-web` from the
/// same `configure` the server runs).
pub fn openapi() -> utoipa::openapi::OpenApi {
    use utoipa_actix_web::AppExt;
    let (_, mut doc) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(super::configure)
        .split_for_parts();
    BearerAuth.modify(&mut doc);
    UniqueOperationIds.modify(&mut doc);
    responses::CommonResponses.modify(&mut doc);
    super::export::CsvLists.modify(&mut doc);
    doc
}

/// The fields each list sorts by, for its `sort` parameter's enum.
const SORTS: &[(&str, &[&str])] = &[
    ("/api/v1/cycles", service::cycles::SORT_FIELDS),
    ("/api/v1/members", service::members::SORT_FIELDS),
    (
        "/api/v1/cycles/{id}/applications",
        service::applications::SORT_FIELDS,
    ),
    ("/api/v1/cycles/{id}/matches", service::matches::SORT_FIELDS),
    ("/api/v1/cycles/{id}/cadence", service::cadence::SORT_FIELDS),
];

/// Response fields the derived schemas leave optional although the server
/// always sends them: the application form's fields with a default.
const ALWAYS_PRESENT: &[(&str, &[&str])] = &[(
    "ApplicationDto",
    &[
        "interests",
        "availability",
        "identity_tags",
        "identity_consent",
        "employer",
        "pronouns",
        "answers",
    ],
)];

/// The document as served and committed: [`openapi`] after the rewrites
/// of `shape` (one class per resource, one nullable style, sort enums).
pub fn document() -> serde_json::Value {
    let mut doc = serde_json::to_value(openapi()).expect("the OpenAPI document serializes");
    if let Err(e) = shape::normalize(&mut doc, SORTS, ALWAYS_PRESENT) {
        panic!("{e}");
    }
    doc
}

/// The document as committed in `openapi/openapi.json`.
pub fn openapi_json() -> String {
    let mut json = serde_json::to_string_pretty(&document()).unwrap_or_default();
    json.push('\n');
    json
}
