//! The dates this service stores are a program's: from 1900 to 2999. A
//! date outside that is a typo, and some (before 4713 BC) PostgreSQL
//! cannot store at all, so every date a request carries is checked here.
//! The OpenAPI document says the same with a pattern on each request date
//! (`^(19|2[0-9])[0-9]{2}-`), as an attribute needs a literal.
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use validator::ValidationError;

pub const EARLIEST_YEAR: i32 = 1900;
pub const LATEST_YEAR: i32 = 2999;

/// A calendar date or an instant.
pub trait Dated {
    fn year(&self) -> i32;
}

impl Dated for NaiveDate {
    fn year(&self) -> i32 {
        Datelike::year(self)
    }
}

impl Dated for DateTime<Utc> {
    fn year(&self) -> i32 {
        Datelike::year(self)
    }
}

impl<T: Dated> Dated for &T {
    fn year(&self) -> i32 {
        (**self).year()
    }
}

/// `validator` check: the date falls in the years this service stores.
pub fn plausible<T: Dated>(value: &T) -> Result<(), ValidationError> {
    if (EARLIEST_YEAR..=LATEST_YEAR).contains(&value.year()) {
        Ok(())
    } else {
        Err(ValidationError::new("range").with_message(
            format!("must be a date between the years {EARLIEST_YEAR} and {LATEST_YEAR}").into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_outside_the_stored_years_are_refused() {
        let day = |y| NaiveDate::from_ymd_opt(y, 1, 1).unwrap();
        assert!(plausible(&day(1900)).is_ok());
        assert!(plausible(&day(2999)).is_ok());
        assert!(plausible(&day(1899)).is_err());
        assert!(plausible(&day(-4714)).is_err());
        let instant = day(3000).and_hms_opt(0, 0, 0).unwrap().and_utc();
        assert!(plausible(&instant).is_err());
    }
}
