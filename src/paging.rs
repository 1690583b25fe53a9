//! Paging and sorting as both the API and the store understand them: the
//! API parses `page`, `per_page` and `sort` into these; the store turns
//! them into `LIMIT`, `OFFSET` and `ORDER BY`.

/// One page of a list: page `page` (from 1) of `per_page` items.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u64,
    pub per_page: u64,
}

impl PageRequest {
    pub fn offset(self) -> u64 {
        (self.page - 1) * self.per_page
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortOrder {
    Asc,
    Desc,
}

/// A sort field among those a list allows, and its direction.
pub type Sort = (&'static str, SortOrder);
