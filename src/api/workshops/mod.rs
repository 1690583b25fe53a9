//! Workshops: the committee's sessions, registration with a waitlist,
//! attendance, and calendar feeds.
mod calendar;
mod csv;
mod dto;
mod read;
mod registration;
mod write;

use utoipa_actix_web::service_config::ServiceConfig;

pub use dto::{RegistrationLineDto, WorkshopDto};

pub fn configure(cfg: &mut ServiceConfig) {
    // The `.ics` routes go first: `/workshops/{id}` would take `x.ics`.
    cfg.service(calendar::public_feed)
        .service(calendar::workshop_feed)
        .service(calendar::my_calendar)
        .service(calendar::rotate_calendar)
        .service(calendar::personal_feed)
        .service(read::list)
        .service(write::create)
        .service(read::get)
        .service(write::update)
        .service(write::delete)
        .service(write::transition)
        .service(registration::register)
        .service(registration::leave)
        .service(registration::registrations)
        .service(registration::add_registration)
        .service(registration::remove_registration)
        .service(registration::set_attendance)
        .service(registration::cycle_attendance);
}
