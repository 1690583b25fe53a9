//! Black-box tests over real HTTP: each test spawns the app with its own
//! database (SQLite by default, PostgreSQL when TEST_DATABASE_URL is set).
mod agreement;
mod applications;
mod auth;
mod cli;
mod cohort;
mod contract;
mod cycles;
mod errors;
mod health;
mod helpers;
mod imports;
mod live;
mod matches;
mod matching;
mod me;
mod meetings;
mod members;
mod notifications;
mod openapi;
mod proxies;
mod questions;
mod resources;
mod smtp;
mod stored_values;
