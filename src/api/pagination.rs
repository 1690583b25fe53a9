//! List conventions: `page`, `per_page` (max 200), `sort`, the
//! `{items,page,per_page,total}` envelope and an RFC 8288 `Link` header.
use actix_web::{HttpRequest, HttpResponse, http::header};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::error::{ApiError, ApiResult, FieldError};
use crate::api::export::{ListFormat, MAX_EXPORT_ROWS, wants_csv};
pub use crate::paging::{PageRequest, SortOrder};

pub const MAX_PER_PAGE: u64 = 200;
pub const DEFAULT_PER_PAGE: u64 = 50;
/// Far beyond any list this service holds, and small enough that the
/// offset it makes always fits the databases' 64-bit signed integers.
pub const MAX_PAGE: u64 = 1_000_000;

/// Paging of any list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1_000_000, example = 1)]
    pub page: Option<u64>,
    /// Items per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200, example = 50)]
    pub per_page: Option<u64>,
    /// `csv`: the whole list (every page; `page` and `per_page` are not
    /// used), with the same filters and order, as a CSV download. The same
    /// as `Accept: text/csv`.
    pub format: Option<ListFormat>,
}

/// The order of a list that can be sorted.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SortParams {
    /// A field to sort by, `-field` for descending.
    pub sort: Option<String>,
}

impl PageParams {
    /// The page asked for, or every row when the list is exported as CSV
    /// (`format=csv`, `Accept: text/csv`); 422 when out of range.
    pub fn page_request_for(&self, req: &HttpRequest) -> ApiResult<PageRequest> {
        // Out-of-range values are refused for a download too.
        let asked = self.page_request()?;
        if wants_csv(req) {
            return Ok(PageRequest {
                page: 1,
                per_page: MAX_EXPORT_ROWS,
            });
        }
        Ok(asked)
    }

    /// The page asked for; 422 when out of range.
    fn page_request(&self) -> ApiResult<PageRequest> {
        let mut errors = Vec::new();
        let page = self.page.unwrap_or(1);
        if !(1..=MAX_PAGE).contains(&page) {
            errors.push(FieldError::new(
                "page",
                "range",
                format!("must be between 1 and {MAX_PAGE}"),
            ));
        }
        let per_page = self.per_page.unwrap_or(DEFAULT_PER_PAGE);
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            errors.push(FieldError::new(
                "per_page",
                "range",
                "must be between 1 and 200",
            ));
        }
        if errors.is_empty() {
            Ok(PageRequest { page, per_page })
        } else {
            Err(ApiError::Validation(errors))
        }
    }
}

impl SortParams {
    /// The sort asked for, among `allowed`; `default` when none is given.
    pub fn sort_by(
        &self,
        allowed: &[&'static str],
        default: (&'static str, SortOrder),
    ) -> ApiResult<(&'static str, SortOrder)> {
        let Some(raw) = self.sort.as_deref() else {
            return Ok(default);
        };
        let (name, order) = match raw.strip_prefix('-') {
            Some(name) => (name, SortOrder::Desc),
            None => (raw.strip_prefix('+').unwrap_or(raw), SortOrder::Asc),
        };
        allowed
            .iter()
            .find(|a| **a == name)
            .map(|a| (*a, order))
            .ok_or_else(|| {
                ApiError::invalid(
                    "sort",
                    "one_of",
                    format!(
                        "must be one of: {} (prefix - for descending)",
                        allowed.join(", ")
                    ),
                )
            })
    }
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    /// This page's items, in the list's sort order.
    pub items: Vec<T>,
    /// This page's number, from 1.
    #[schema(example = 1)]
    pub page: u64,
    /// The page size asked for (default 50); the last page may hold fewer.
    #[schema(example = 50)]
    pub per_page: u64,
    /// Items in the whole list, over all pages.
    #[schema(example = 123)]
    pub total: u64,
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>, request: PageRequest, total: u64) -> Self {
        Self {
            items,
            page: request.page,
            per_page: request.per_page,
            total,
        }
    }

    /// The requested page of a short list read whole (one member's tokens,
    /// one application's audit trail), in its order.
    pub fn of_all(all: Vec<T>, request: PageRequest) -> Self {
        let total = all.len() as u64;
        let skip = usize::try_from(request.offset()).unwrap_or(usize::MAX);
        let take = usize::try_from(request.per_page).unwrap_or(usize::MAX);
        let items = all.into_iter().skip(skip).take(take).collect();
        Self::new(items, request, total)
    }

    fn last_page(&self) -> u64 {
        self.total.div_ceil(self.per_page).max(1)
    }
}

/// The most a page body is given up front (a page of 200 applications is
/// about 240 KB).
const BODY_RESERVED: usize = 256 * 1024;

thread_local! {
    /// The size of this thread's last page body.
    static LAST_BODY: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// `value` as JSON. sonic-rs writes the same JSON as serde_json from the
/// same serde derives, escaping strings with SIMD (a page of 50
/// applications is some 60 KB of free text). The body is written into a
/// vector the size of this thread's last page and more, which becomes the
/// response body as it is: written into a vector from empty, a page grew
/// it nine times from 128 bytes, each growth a copy and a trip through the
/// allocator; written into a buffer kept from page to page, the body was a
/// copy of it.
fn json_body(value: &impl Serialize) -> sonic_rs::Result<actix_web::web::Bytes> {
    let last = LAST_BODY.get();
    let mut body = Vec::with_capacity((last + last / 8).min(BODY_RESERVED));
    sonic_rs::to_writer(&mut body, value)?;
    LAST_BODY.set(body.len());
    Ok(actix_web::web::Bytes::from(body))
}

impl<T: Serialize + ToSchema + 'static> Page<T> {
    /// 200 with the page as the body and `Link` (`first`, `prev`, `next`,
    /// `last`) built from the request's own path and query; or, when the
    /// caller asked for CSV, the whole list as a CSV download.
    pub fn respond(self, req: &HttpRequest) -> HttpResponse {
        if wants_csv(req) {
            return crate::api::export::respond(self.items, req);
        }
        let mut res = HttpResponse::Ok();
        let link = self.link_header(req);
        if !link.is_empty() {
            res.insert_header((header::LINK, link));
        }
        res.insert_header(("X-Total-Count", self.total.to_string()));
        match json_body(&self) {
            Ok(body) => res.insert_header(header::ContentType::json()).body(body),
            Err(err) => actix_web::ResponseError::error_response(&ApiError::Internal(err.into())),
        }
    }

    fn link_header(&self, req: &HttpRequest) -> String {
        // Only the list's own parameters, as documented, and each once:
        // the header never echoes whatever else a caller sent.
        let known = super::middleware::RouteTable::query_names(req);
        let mut pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(req.query_string()).unwrap_or_default();
        pairs.retain(|(k, _)| match known {
            Some(names) => names.iter().any(|n| n == k),
            None => k == "per_page" || k == "sort",
        });
        let mut seen = std::collections::HashSet::new();
        pairs.retain(|(k, _)| seen.insert(k.clone()));
        let url = |page: u64| {
            let mut q: Vec<(String, String)> =
                pairs.iter().filter(|(k, _)| k != "page").cloned().collect();
            q.push(("page".into(), page.to_string()));
            let query = serde_urlencoded::to_string(&q).unwrap_or_default();
            format!("<{}?{}>", req.path(), query)
        };
        let last = self.last_page();
        let mut links = vec![format!("{}; rel=\"first\"", url(1))];
        if self.page > 1 {
            links.push(format!("{}; rel=\"prev\"", url((self.page - 1).min(last))));
        }
        if self.page < last {
            links.push(format!("{}; rel=\"next\"", url(self.page + 1)));
        }
        links.push(format!("{}; rel=\"last\"", url(last)));
        links.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(page: Option<u64>, per_page: Option<u64>) -> PageParams {
        PageParams {
            page,
            per_page,
            format: None,
        }
    }

    fn sort(sort: Option<&str>) -> SortParams {
        SortParams {
            sort: sort.map(str::to_owned),
        }
    }

    #[test]
    fn defaults_are_page_one_of_fifty() {
        let p = params(None, None).page_request().unwrap();
        assert_eq!(
            p,
            PageRequest {
                page: 1,
                per_page: 50
            }
        );
        assert_eq!(p.offset(), 0);
    }

    #[test]
    fn per_page_above_two_hundred_or_page_zero_is_refused() {
        assert!(params(None, Some(201)).page_request().is_err());
        assert!(params(Some(0), None).page_request().is_err());
        assert!(params(Some(u64::MAX), None).page_request().is_err());
        assert!(params(Some(MAX_PAGE), Some(200)).page_request().is_ok());
        assert_eq!(
            params(Some(3), Some(200)).page_request().unwrap().offset(),
            400
        );
    }

    #[test]
    fn a_short_list_read_whole_is_cut_into_pages() {
        let all: Vec<u32> = (1..=7).collect();
        let request = |page| params(Some(page), Some(3)).page_request().unwrap();
        let second = Page::of_all(all.clone(), request(2));
        assert_eq!((second.items, second.total), (vec![4, 5, 6], 7));
        assert_eq!(Page::of_all(all.clone(), request(3)).items, vec![7]);
        assert!(Page::of_all(all, request(MAX_PAGE)).items.is_empty());
    }

    #[test]
    fn sort_accepts_known_fields_in_either_direction() {
        let allowed = &["name", "created_at"];
        let default = ("created_at", SortOrder::Desc);
        assert_eq!(
            sort(Some("-name")).sort_by(allowed, default).unwrap(),
            ("name", SortOrder::Desc)
        );
        assert_eq!(
            sort(Some("name")).sort_by(allowed, default).unwrap(),
            ("name", SortOrder::Asc)
        );
        assert_eq!(sort(None).sort_by(allowed, default).unwrap(), default);
        assert!(
            sort(Some("password_hash"))
                .sort_by(allowed, default)
                .is_err()
        );
    }
}
