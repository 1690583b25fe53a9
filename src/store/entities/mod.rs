//! sea-orm entities: rows as stored. Never serialised to callers; the API
//! layer has its own DTOs.
pub mod agreement;
pub mod agreement_template;
pub mod agreement_version;
pub mod api_token;
pub mod application;
pub mod application_audit;
pub mod calendar_feed;
pub mod cycle;
pub mod evaluation;
pub mod import;
pub mod invitation;
pub mod match_event;
pub mod matches;
pub mod matching_run;
pub mod meeting;
pub mod member;
pub mod notification;
pub mod notification_template;
pub mod password_reset;
pub mod question;
pub mod refresh_token;
pub mod resource;
pub mod workshop;
pub mod workshop_registration;
