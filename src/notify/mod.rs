//! Email notifications. `templates` says what each message reads like: the
//! defaults shipped in the repository, an admin's overrides, and the one
//! renderer both go through.
pub mod templates;
