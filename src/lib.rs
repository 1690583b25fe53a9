//! wla-mentorship: the API that runs a professional association's yearly
//! mentorship program.
pub mod api;
pub mod auth;
pub mod calendar;
pub mod cli;
pub mod client_addr;
pub mod config;
pub mod demo;
pub mod domain;
pub mod notify;
pub mod paging;
pub mod service;
pub mod startup;
pub mod state;
pub mod store;
pub mod telemetry;
pub mod worker;
