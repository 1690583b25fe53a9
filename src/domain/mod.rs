//! Rules with no HTTP and no database: value types parsed once, state
//! machines and the checks that decide who may do what.
pub mod access;
pub mod agreement;
pub mod application;
pub mod cadence;
pub mod cycle;
pub mod dates;
pub mod evaluation;
pub mod field_error;
pub mod import;
pub mod matches;
pub mod matching;
pub mod meeting;
pub mod member;
pub mod notification;
pub mod question;
pub mod resource;
pub mod workshop;

pub use field_error::FieldError;
