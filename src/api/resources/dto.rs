//! Request and response bodies of starter resources.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::api::double_option;
use crate::domain::resource::{
    Audience, ResourceChanges, ResourceFields, ResourceFilter, ResourceKind,
};
use crate::service::resources::Resource;

/// A starter resource: discussion topics, an agreement template, a guide
/// or a link.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a6c4-7f1e-7c2a-9b1d-5e8f2a4c6d10",
    "title": "The GROW model",
    "kind": "guide",
    "body": "## Goal\nWhat do you want to achieve?\n\n## Reality\nWhere are you now?",
    "url": null,
    "cycle_id": null,
    "audience": "both",
    "public": true,
    "position": 10,
    "created_at": "2026-12-02T12:00:00Z",
    "updated_at": "2026-12-02T12:00:00Z"
}))]
pub struct ResourceDto {
    pub id: Uuid,
    #[schema(example = "The GROW model")]
    pub title: String,
    pub kind: ResourceKind,
    /// Markdown, exactly as written.
    pub body: String,
    /// Where a `link` points (http or https); optional for other kinds.
    pub url: Option<String>,
    /// The cycle it belongs to; `null` for every cycle.
    pub cycle_id: Option<Uuid>,
    pub audience: Audience,
    /// Shown to anonymous visitors (the website).
    pub public: bool,
    /// Order in lists, ascending (then by title).
    pub position: i32,
    #[serde(serialize_with = "crate::api::instant::serialize")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::api::instant::serialize")]
    pub updated_at: DateTime<Utc>,
}

impl From<Resource> for ResourceDto {
    fn from(r: Resource) -> Self {
        Self {
            id: r.id,
            title: r.title,
            kind: r.kind,
            body: r.body,
            url: r.url,
            cycle_id: r.cycle_id,
            audience: r.audience,
            public: r.public,
            position: r.position,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// A new resource.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "First-meeting discussion topics", "kind": "discussion_topics", "body": "- What do you hope to get from this partnership?\n- How do you prefer to communicate?", "audience": "both", "position": 10}))]
pub struct ResourceRequest {
    /// Stored trimmed; not only spaces.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    pub kind: ResourceKind,
    /// Markdown, returned exactly as written; default empty.
    #[serde(default)]
    #[validate(length(max = 50000))]
    #[schema(max_length = 50000)]
    pub body: String,
    /// An absolute http or https URL; required for a `link`.
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub url: Option<String>,
    /// An existing cycle (422 otherwise); omitted or `null` for every cycle.
    pub cycle_id: Option<Uuid>,
    /// Who it is for: `mentor`, `mentee` or `both` (default).
    #[serde(default = "both")]
    pub audience: Audience,
    /// Shown to anonymous visitors; default false.
    #[serde(default)]
    pub public: bool,
    /// Order in lists, ascending, 0 to 10000; default 0.
    #[serde(default)]
    #[validate(range(min = 0, max = 10000))]
    #[schema(minimum = 0, maximum = 10000)]
    pub position: i32,
}

fn both() -> Audience {
    Audience::Both
}

/// Changes to a resource; omitted fields stay, `null` clears `url` or
/// `cycle_id`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"public": true, "position": 20}))]
pub struct ResourcePatch {
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    pub kind: Option<ResourceKind>,
    #[validate(length(max = 50000))]
    #[schema(max_length = 50000)]
    pub body: Option<String>,
    /// `null` clears it (not allowed for a `link`).
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(max = 2000))]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub url: Option<Option<String>>,
    /// `null` makes it global.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub cycle_id: Option<Option<Uuid>>,
    pub audience: Option<Audience>,
    pub public: Option<bool>,
    #[validate(range(min = 0, max = 10000))]
    #[schema(minimum = 0, maximum = 10000)]
    pub position: Option<i32>,
}

/// Narrowing a list of resources.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResourceQuery {
    /// Only this cycle's own resources (not the global ones).
    pub cycle_id: Option<Uuid>,
    /// Only resources of this kind.
    pub kind: Option<ResourceKind>,
    /// Only resources for exactly this audience.
    pub audience: Option<Audience>,
}

impl From<&ResourceQuery> for ResourceFilter {
    fn from(q: &ResourceQuery) -> Self {
        Self {
            cycle_id: q.cycle_id,
            kind: q.kind,
            audience: q.audience,
        }
    }
}

impl From<ResourceRequest> for ResourceFields {
    fn from(b: ResourceRequest) -> Self {
        Self {
            title: b.title,
            kind: b.kind,
            body: b.body,
            url: b.url,
            cycle_id: b.cycle_id,
            audience: b.audience,
            public: b.public,
            position: b.position,
        }
    }
}

impl From<ResourcePatch> for ResourceChanges {
    fn from(b: ResourcePatch) -> Self {
        Self {
            title: b.title,
            kind: b.kind,
            body: b.body,
            url: b.url,
            cycle_id: b.cycle_id,
            audience: b.audience,
            public: b.public,
            position: b.position,
        }
    }
}
