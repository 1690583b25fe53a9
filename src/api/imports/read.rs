//! The audit list of imports (committee).
use actix_web::{HttpRequest, HttpResponse, get, web};
use uuid::Uuid;

use super::dto::{ImportDetailDto, ImportDto};
use crate::api::error::ApiResult;
use crate::api::extract::AuthUser;
use crate::api::pagination::{Page, PageParams};
use crate::api::responses::{Forbidden, NotFound, Unauthorized, Unprocessable};
use crate::service::imports;
use crate::state::AppState;

/// List imports (committee).
///
/// Every import and dry run, newest first: who ran it, when, what kind,
/// the file's SHA-256 and size, and the counts. Refused imports (422)
/// wrote nothing and are not listed.
#[utoipa::path(tag = "imports",
    params(PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of imports", body = Page<ImportDto>),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 422, response = Unprocessable),
    ))]
#[get("/imports")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    paging: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = paging.page_request_for(&req)?;
    let (rows, total) = imports::list(&state.db, &user.actor(), page).await?;
    Ok(Page::new(rows.into_iter().map(ImportDto::from).collect(), page, total).respond(&req))
}

/// Read an import (committee).
///
/// The audit entry with the whole report the import answered with.
#[utoipa::path(tag = "imports",
    params(("id" = Uuid, Path, description = "Import id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The import and its report", body = ImportDetailDto),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ))]
#[get("/imports/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let (row, report) = imports::get(&state.db, &user.actor(), *id).await?;
    Ok(HttpResponse::Ok().json(ImportDetailDto {
        import: ImportDto::from(row),
        report,
    }))
}
