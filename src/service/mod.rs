//! The program's actions, one module per resource. Each action takes the
//! connection, the acting member and a domain input, asks `domain` whether
//! it is allowed, owns its transaction, calls `store` for rows, and returns
//! a domain value or a `ServiceError`. Nothing here knows HTTP.
pub mod admin;
pub mod agreements;
pub mod applications;
pub mod auth;
pub mod cadence;
pub mod cycles;
mod error;
pub mod evaluations;
pub mod imports;
pub mod matches;
pub mod matching;
pub mod me;
pub mod meetings;
pub mod members;
pub mod notify;
pub mod questions;
pub mod resources;
pub mod sessions;
pub mod tokens;
pub mod workshops;

pub use error::{ServiceError, ServiceResult};
