//! The program's actions, one module per resource. Each action takes the
//! connection, the acting member and a domain input, asks `domain` whether
//! it is allowed, owns its transaction, calls `store` for rows, and returns
//! a domain value or a `ServiceError`. Nothing here knows HTTP.
pub mod applications;
pub mod cycles;
mod error;
pub mod questions;

pub use error::{ServiceError, ServiceResult};
