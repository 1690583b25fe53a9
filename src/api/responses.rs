//! The error responses every operation shares, declared once as OpenAPI
//! response components and referenced from each `#[utoipa::path]` as
//! `(status = 404, response = NotFound)`. Each is an RFC 9457 problem.
#![allow(dead_code)] // The types exist for their OpenAPI description only.

use utoipa::ToResponse;

use super::error::Problem;

/// Malformed request: unreadable JSON, query string or path parameter.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct BadRequest(Problem);

/// Missing, malformed or expired credentials (`WWW-Authenticate: Bearer`).
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct Unauthorized(Problem);

/// Signed in, but this action is not for the caller's role or token.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct Forbidden(Problem);

/// No such object, or one the caller may not know exists.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct NotFound(Problem);

/// Conflicts with the object's current state or a unique rule; `detail`
/// says which, and names the allowed transitions where there are some.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct Conflict(Problem);

/// The body is larger than the service accepts.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct PayloadTooLarge(Problem);

/// The body's `Content-Type` is not one the operation reads.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct UnsupportedMediaType(Problem);

/// Well-formed but invalid values; `errors` names each field.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct Unprocessable(Problem);

/// Too many attempts from this address; retry after `Retry-After` seconds.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct TooManyRequests(Problem);

/// A dependency (the database) does not answer.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct Unavailable(Problem);

/// Documents, on every operation, the error answers the framework gives
/// whatever the handler: 400 for a malformed path, query or body; 401 for
/// a bad token where one is accepted; 404 for an id that names nothing;
/// 413 and 422 where a body is read; 422 for query values out of range.
/// Handlers declare only the answers of their own rules (403, 409, 429...).
/// Public operations say so with an empty `security`.
pub struct CommonResponses;

impl utoipa::Modify for CommonResponses {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::ParameterIn;
        for (path, item) in doc.paths.paths.iter_mut() {
            let ops = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for op in ops.into_iter().flatten() {
                let params = op.parameters.iter().flatten().filter_map(|p| match p {
                    utoipa::openapi::RefOr::T(p) => Some(p.parameter_in.clone()),
                    utoipa::openapi::RefOr::Ref(_) => None,
                });
                let has_query = params.clone().any(|p| p == ParameterIn::Query);
                let has_path = path.contains('{');
                let has_body = op.request_body.is_some();
                let bearer = op
                    .security
                    .iter()
                    .flatten()
                    .any(|s| serde_json::to_value(s).is_ok_and(|v| v.get("bearer").is_some()));
                let mut add = |status: &str, name: &str| {
                    op.responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| utoipa::openapi::Ref::from_response_name(name).into());
                };
                if has_query || has_path || has_body {
                    add("400", "BadRequest");
                }
                if bearer {
                    add("401", "Unauthorized");
                }
                if has_path {
                    add("404", "NotFound");
                }
                if has_body {
                    add("413", "PayloadTooLarge");
                }
                if has_body || has_query {
                    add("422", "Unprocessable");
                }
                if op.security.is_none() {
                    op.security = Some(Vec::new());
                }
            }
        }
    }
}
