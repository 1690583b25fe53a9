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
