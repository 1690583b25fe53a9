//! Email: what each message reads like (`templates`: the defaults shipped
//! in the repository, an admin's overrides, and the one renderer both go
//! through), sending over SMTP, the dispatcher that drains the outbox and
//! the reminder schedule.
pub mod dispatch;
pub mod mail;
pub mod remind;
pub mod templates;
