//! sea-orm entities: rows as stored. Never serialised to callers; the API
//! layer has its own DTOs.
pub mod api_token;
pub mod cycle;
pub mod invitation;
pub mod member;
pub mod refresh_token;
