//! Instants in responses, written as chrono writes them (RFC 3339 in UTC
//! with `Z`, fractional seconds only as long as they need: none, 3, 6 or 9
//! digits) but straight into a small buffer. chrono's own `Serialize`
//! goes through `core::fmt` and serde's `collect_str`, which escapes every
//! fragment; on a page of fifty applications or matches that was nearly a
//! third of writing the answer.
//!
//! Use it on every response field of type `DateTime<Utc>`:
//! `#[serde(serialize_with = "crate::api::instant::serialize")]`, or
//! `crate::api::instant::option` for an `Option`.
use chrono::{DateTime, Datelike, Timelike, Utc};
use serde::{Serialize, Serializer};

/// The longest instant this writes: `9999-12-31T23:59:60.999999999Z`.
const LONGEST: usize = 30;

pub fn serialize<S: Serializer>(at: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
    let mut buf = [0u8; LONGEST];
    match write(at, &mut buf) {
        Some(len) => serializer.serialize_str(as_str(&buf[..len])),
        // Years before 0 or after 9999 carry a sign; chrono writes those.
        None => at.serialize(serializer),
    }
}

/// `serialize` for an optional instant: `null` when there is none.
pub fn option<S: Serializer>(at: &Option<DateTime<Utc>>, serializer: S) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => serialize(at, serializer),
        None => serializer.serialize_none(),
    }
}

/// Writes `at` into `buf` and returns its length, or `None` for a year
/// outside 0..=9999.
fn write(at: &DateTime<Utc>, buf: &mut [u8; LONGEST]) -> Option<usize> {
    let year = at.year();
    if !(0..=9999).contains(&year) {
        return None;
    }
    let (mut second, mut nano) = (at.second(), at.nanosecond());
    // chrono keeps a leap second as nanoseconds past 1e9 of second 59.
    if nano >= 1_000_000_000 {
        second += 1;
        nano -= 1_000_000_000;
    }
    digits(&mut buf[0..4], year as u32);
    buf[4] = b'-';
    digits(&mut buf[5..7], at.month());
    buf[7] = b'-';
    digits(&mut buf[8..10], at.day());
    buf[10] = b'T';
    digits(&mut buf[11..13], at.hour());
    buf[13] = b':';
    digits(&mut buf[14..16], at.minute());
    buf[16] = b':';
    digits(&mut buf[17..19], second);
    let mut len = 19;
    let (fraction, places) = if nano == 0 {
        (0, 0)
    } else if nano % 1_000_000 == 0 {
        (nano / 1_000_000, 3)
    } else if nano % 1_000 == 0 {
        (nano / 1_000, 6)
    } else {
        (nano, 9)
    };
    if places > 0 {
        buf[len] = b'.';
        digits(&mut buf[len + 1..len + 1 + places], fraction);
        len += 1 + places;
    }
    buf[len] = b'Z';
    Some(len + 1)
}

/// `value` in decimal, zero-padded to fill `out`.
fn digits(out: &mut [u8], mut value: u32) {
    for place in out.iter_mut().rev() {
        *place = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

fn as_str(ascii: &[u8]) -> &str {
    // Only ASCII digits and punctuation are ever written.
    std::str::from_utf8(ascii).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone};

    use super::*;

    #[derive(Serialize)]
    struct Fast {
        #[serde(serialize_with = "serialize")]
        at: DateTime<Utc>,
        #[serde(serialize_with = "option")]
        maybe: Option<DateTime<Utc>>,
    }

    #[derive(Serialize)]
    struct Chrono {
        at: DateTime<Utc>,
        maybe: Option<DateTime<Utc>>,
    }

    fn same(at: DateTime<Utc>) {
        for maybe in [Some(at), None] {
            let fast = serde_json::to_string(&Fast { at, maybe }).unwrap();
            let chrono = serde_json::to_string(&Chrono { at, maybe }).unwrap();
            assert_eq!(fast, chrono, "{at:?}");
        }
    }

    #[test]
    fn writes_what_chrono_writes() {
        let base = Utc.with_ymd_and_hms(2026, 12, 4, 21, 20, 10).unwrap();
        for nanos in [
            0,
            1,
            7,
            999,
            1_000,
            120_000,
            999_000,
            1_000_000,
            5_000_000,
            123_456_789,
            999_999_999,
            100_000_000,
            10_000_000,
            450_000,
        ] {
            same(base + chrono::Duration::nanoseconds(nanos));
        }
        // A spread of instants across the whole range written unsigned.
        let mut at = Utc.with_ymd_and_hms(0, 1, 1, 0, 0, 0).unwrap();
        let step = chrono::Duration::seconds(86_400 * 3_653 + 3_723)
            + chrono::Duration::nanoseconds(7_003_001);
        while at.year() < 10_000 {
            same(at);
            at += step;
        }
        same(Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap());
    }

    #[test]
    fn leap_seconds_and_signed_years_as_chrono_writes_them() {
        let leap = NaiveDate::from_ymd_opt(2016, 12, 31)
            .unwrap()
            .and_hms_nano_opt(23, 59, 59, 1_500_000_000)
            .unwrap()
            .and_utc();
        same(leap);
        same(Utc.with_ymd_and_hms(-1, 3, 1, 0, 0, 0).unwrap());
        same(Utc.with_ymd_and_hms(10_000, 1, 1, 0, 0, 0).unwrap());
    }
}
