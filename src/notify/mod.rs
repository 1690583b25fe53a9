//! Email: the templates, sending over SMTP, the dispatcher that drains the
//! outbox and the reminder schedule.
pub mod dispatch;
pub mod mail;
pub mod remind;
pub mod templates;
