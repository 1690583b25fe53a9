//! Rows read by position, on either database.
//!
//! sea-orm reads a model by looking each column up by name and, for
//! PostgreSQL, through layers of generic `TryGetable` code: about a quarter
//! of the server's CPU on a page of fifty applications. The decoders here
//! read a row's cells in its entity's column order (the order sea-orm
//! selects them in) from a SQLite row (`store::local`) or a PostgreSQL row
//! of the pool. Every field is named, so a column added to an entity fails
//! to compile here until it is read. The unit tests in `store::local` hold
//! a SQLite reading equal to sea-orm's; the API suite, run on PostgreSQL,
//! reads every page and one-row read through the PostgreSQL decoders.
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::types::{Type, ValueRef};
use sea_orm::ActiveEnum;
use sea_orm::sqlx::postgres::PgRow;
use sea_orm::sqlx::{Postgres, Row as _, TypeInfo as _, ValueRef as _};
use serde::de::DeserializeOwned;

use super::StoreError;
use super::applications::{Authored, MatchingFields};
use super::entities::{application, cycle, matches, member};

/// A model read from a row's leading cells, in its entity's column order.
pub trait Decoded: Sized {
    fn decode<R: Cells>(row: &R) -> Result<Self, R::Error>;
}

/// A value every driver reads as the pool stores it.
pub trait Cell:
    rusqlite::types::FromSql
    + for<'r> sea_orm::sqlx::Decode<'r, Postgres>
    + sea_orm::sqlx::Type<Postgres>
    + for<'r> tokio_postgres::types::FromSql<'r>
{
}

impl<T> Cell for T where
    T: rusqlite::types::FromSql
        + for<'r> sea_orm::sqlx::Decode<'r, Postgres>
        + sea_orm::sqlx::Type<Postgres>
        + for<'r> tokio_postgres::types::FromSql<'r>
{
}

/// A result row whose cells are read by position.
pub trait Cells {
    type Error;
    fn cell<T: Cell>(&self, index: usize) -> Result<T, Self::Error>;
    fn is_null(&self, index: usize) -> Result<bool, Self::Error>;
    /// A JSON column.
    fn json<T: DeserializeOwned>(&self, index: usize) -> Result<T, Self::Error>;
    /// An instant (`timestamptz`; RFC 3339 text on SQLite).
    fn instant(&self, index: usize) -> Result<DateTime<Utc>, Self::Error>;
    /// A date (`date`; `YYYY-MM-DD` on SQLite).
    fn day(&self, index: usize) -> Result<NaiveDate, Self::Error>;
    /// A value this row holds but its model cannot take.
    fn refused(&self, index: usize, why: String) -> Self::Error;

    /// `f` of a text cell, borrowed from the row.
    fn with_text<T>(&self, index: usize, f: impl FnOnce(&str) -> T) -> Result<T, Self::Error>;

    /// An enum stored as its string value. The text is matched from a
    /// buffer this thread keeps (`ActiveEnum` takes a `&String`) rather
    /// than a new string per cell: a page of fifty applications has 250.
    fn enumerated<E: ActiveEnum<Value = String>>(&self, index: usize) -> Result<E, Self::Error> {
        thread_local! {
            static STORED: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
        }
        self.with_text(index, |text| {
            STORED.with_borrow_mut(|stored| {
                stored.clear();
                stored.push_str(text);
                E::try_from_value(stored).map_err(|e| e.to_string())
            })
        })?
        .map_err(|why| self.refused(index, why))
    }
}

/// The most bytes of JSON read with serde_json rather than sonic-rs.
const SMALL_JSON: usize = 256;

/// A JSON cell's value. Most are short lists (`["academic"]`,
/// `["online","in_person"]`, `[]`), which serde_json reads in about half
/// sonic-rs's time (sonic-rs sets up a padded copy of its input first);
/// from a few hundred bytes on (a match's score breakdown, some 800)
/// sonic-rs's SIMD scanning wins.
fn json_text<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    if text.len() <= SMALL_JSON {
        serde_json::from_str(text).map_err(|e| e.to_string())
    } else {
        sonic_rs::from_str(text).map_err(|e| e.to_string())
    }
}

/// `read` for a nullable column: `None` for NULL.
fn or_null<R: Cells, T>(
    row: &R,
    index: usize,
    read: fn(&R, usize) -> Result<T, R::Error>,
) -> Result<Option<T>, R::Error> {
    if row.is_null(index)? {
        Ok(None)
    } else {
        read(row, index).map(Some)
    }
}

/// A row of the pool as `M`: by position on PostgreSQL, by sea-orm
/// otherwise (an in-memory SQLite; the hot reads of a SQLite file go
/// through `store::local`).
pub fn from_pool<M>(row: &sea_orm::QueryResult) -> Result<M, StoreError>
where
    M: Decoded + sea_orm::FromQueryResult,
{
    match row.try_as_pg_row() {
        Some(row) => from_pg(row),
        None => Ok(M::from_query_result(row, "")?),
    }
}

/// A PostgreSQL row (of the pool, or of `store::pg_reads`) as `M`, by
/// position; a value `M` cannot take is corrupt data.
pub fn from_pg<M: Decoded, R: Cells>(row: &R) -> Result<M, StoreError>
where
    R::Error: std::fmt::Display,
{
    M::decode(row).map_err(|e| StoreError::Corrupt(e.to_string()))
}

impl Cells for rusqlite::Row<'_> {
    type Error = rusqlite::Error;

    fn cell<T: Cell>(&self, index: usize) -> rusqlite::Result<T> {
        self.get(index)
    }

    fn is_null(&self, index: usize) -> rusqlite::Result<bool> {
        Ok(matches!(self.get_ref(index)?, ValueRef::Null))
    }

    fn with_text<T>(&self, index: usize, f: impl FnOnce(&str) -> T) -> rusqlite::Result<T> {
        Ok(f(self.get_ref(index)?.as_str()?))
    }

    /// Stored as text.
    fn json<T: DeserializeOwned>(&self, index: usize) -> rusqlite::Result<T> {
        json_text(self.get_ref(index)?.as_str()?).map_err(|why| self.refused(index, why))
    }

    /// RFC 3339 text as sqlx stores it, read with chrono's RFC 3339
    /// parser; anything else SQLite may hold (`2026-12-04 10:00:00`, a
    /// Unix time) as rusqlite reads it, which interprets a format string
    /// for every value.
    fn instant(&self, index: usize) -> rusqlite::Result<DateTime<Utc>> {
        if let ValueRef::Text(text) = self.get_ref(index)?
            && let Ok(text) = std::str::from_utf8(text)
            && let Ok(at) = DateTime::parse_from_rfc3339(text)
        {
            return Ok(at.with_timezone(&Utc));
        }
        self.get(index)
    }

    /// `YYYY-MM-DD` as sqlx stores it, the same way.
    fn day(&self, index: usize) -> rusqlite::Result<NaiveDate> {
        if let ValueRef::Text(text) = self.get_ref(index)?
            && let Ok(text) = std::str::from_utf8(text)
            && let Ok(day) = text.parse()
        {
            return Ok(day);
        }
        self.get(index)
    }

    fn refused(&self, index: usize, why: String) -> rusqlite::Error {
        rusqlite::Error::FromSqlConversionFailure(index, Type::Text, why.into())
    }
}

impl Cells for PgRow {
    type Error = sea_orm::sqlx::Error;

    /// Without sqlx's check that the column's type suits `T` (a copy and
    /// compare of its type information per cell, a tenth of a page's
    /// decoding). What it guards against, a column of another type than
    /// the model's, the schema rules out: the migrations fix each column's
    /// type, every decoder reads the type its entity declares, and the API
    /// suite reads every decoder on PostgreSQL.
    fn cell<T: Cell>(&self, index: usize) -> Result<T, Self::Error> {
        self.try_get_unchecked(index)
    }

    fn is_null(&self, index: usize) -> Result<bool, Self::Error> {
        Ok(self.try_get_raw(index)?.is_null())
    }

    fn with_text<T>(&self, index: usize, f: impl FnOnce(&str) -> T) -> Result<T, Self::Error> {
        Ok(f(self.try_get_unchecked::<&str, _>(index)?))
    }

    /// A `json` column's text (a `jsonb` one's after its version byte),
    /// read as on SQLite.
    fn json<T: DeserializeOwned>(&self, index: usize) -> Result<T, Self::Error> {
        let raw = self.try_get_raw(index)?;
        let binary_jsonb = raw.type_info().name() == "JSONB"
            && raw.format() == sea_orm::sqlx::postgres::PgValueFormat::Binary;
        let bytes = raw
            .as_bytes()
            .map_err(|e| self.refused(index, e.to_string()))?;
        pg_json(bytes, binary_jsonb).map_err(|why| self.refused(index, why))
    }

    fn instant(&self, index: usize) -> Result<DateTime<Utc>, Self::Error> {
        self.try_get_unchecked(index)
    }

    fn day(&self, index: usize) -> Result<NaiveDate, Self::Error> {
        self.try_get_unchecked(index)
    }

    fn refused(&self, index: usize, why: String) -> Self::Error {
        sea_orm::sqlx::Error::ColumnDecode {
            index: index.to_string(),
            source: why.into(),
        }
    }
}

/// A row of `store::pg_reads`' connections (every value in binary).
impl Cells for tokio_postgres::Row {
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn cell<T: Cell>(&self, index: usize) -> Result<T, Self::Error> {
        Ok(self.try_get(index)?)
    }

    fn is_null(&self, index: usize) -> Result<bool, Self::Error> {
        Ok(self.try_get::<_, Option<Bytes>>(index)?.is_none())
    }

    fn with_text<T>(&self, index: usize, f: impl FnOnce(&str) -> T) -> Result<T, Self::Error> {
        Ok(f(self.try_get::<_, &str>(index)?))
    }

    /// A `json` column's text (a `jsonb` one's after its version byte),
    /// read as on SQLite.
    fn json<T: DeserializeOwned>(&self, index: usize) -> Result<T, Self::Error> {
        let Bytes(bytes) = self.try_get(index)?;
        let jsonb = self.columns()[index].type_() == &tokio_postgres::types::Type::JSONB;
        pg_json(bytes, jsonb).map_err(|why| self.refused(index, why))
    }

    fn instant(&self, index: usize) -> Result<DateTime<Utc>, Self::Error> {
        Ok(self.try_get(index)?)
    }

    fn day(&self, index: usize) -> Result<NaiveDate, Self::Error> {
        Ok(self.try_get(index)?)
    }

    fn refused(&self, index: usize, why: String) -> Self::Error {
        format!("column {index}: {why}").into()
    }
}

/// A PostgreSQL JSON cell's value: `json` is its text, binary `jsonb` the
/// same after a version byte.
fn pg_json<T: DeserializeOwned>(bytes: &[u8], binary_jsonb: bool) -> Result<T, String> {
    let bytes = if binary_jsonb {
        bytes.strip_prefix(&[1]).unwrap_or(bytes)
    } else {
        bytes
    };
    json_text(std::str::from_utf8(bytes).map_err(|e| e.to_string())?)
}

/// A cell's bytes as the server sent them, whatever its type.
struct Bytes<'a>(&'a [u8]);

impl<'a> tokio_postgres::types::FromSql<'a> for Bytes<'a> {
    fn from_sql(
        _: &tokio_postgres::types::Type,
        raw: &'a [u8],
    ) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(Self(raw))
    }

    fn accepts(_: &tokio_postgres::types::Type) -> bool {
        true
    }
}

/// A member row, its columns in the entity's order. Every field is named,
/// so a column added to the entity fails to compile here until it is read.
impl Decoded for member::Model {
    fn decode<R: Cells>(row: &R) -> Result<Self, R::Error> {
        Ok(member::Model {
            id: row.cell(0)?,
            email: row.cell(1)?,
            password_hash: row.cell(2)?,
            full_name: row.cell(3)?,
            pronouns: row.cell(4)?,
            role: row.enumerated(5)?,
            wla_member_id: row.cell(6)?,
            membership_status: row.enumerated(7)?,
            membership_expires_on: or_null(row, 8, R::day)?,
            session_epoch: row.cell(9)?,
            reminders: row.cell(10)?,
            created_at: row.instant(11)?,
            updated_at: row.instant(12)?,
        })
    }
}

/// A cycle row, its columns in the entity's order.
impl Decoded for cycle::Model {
    fn decode<R: Cells>(row: &R) -> Result<Self, R::Error> {
        Ok(cycle::Model {
            id: row.cell(0)?,
            name: row.cell(1)?,
            description: row.cell(2)?,
            status: row.enumerated(3)?,
            applications_open_at: row.instant(4)?,
            applications_close_at: row.instant(5)?,
            match_by: row.day(6)?,
            mentoring_starts_on: row.day(7)?,
            mentoring_ends_on: row.day(8)?,
            evaluation_closes_on: row.day(9)?,
            meetings_expected: row.cell(10)?,
            created_at: row.instant(11)?,
            updated_at: row.instant(12)?,
        })
    }
}

/// An application row, its columns in the entity's order.
impl Decoded for application::Model {
    fn decode<R: Cells>(row: &R) -> Result<Self, R::Error> {
        Ok(application::Model {
            id: row.cell(0)?,
            cycle_id: row.cell(1)?,
            member_id: row.cell(2)?,
            role: row.enumerated(3)?,
            status: row.enumerated(4)?,
            library_types: row.json(5)?,
            interests: row.json(6)?,
            career_stage: row.enumerated(7)?,
            region: row.cell(8)?,
            meeting_modes: row.json(9)?,
            availability: row.cell(10)?,
            matching_preference: row.enumerated(11)?,
            identity_tags: row.json(12)?,
            identity_consent: row.cell(13)?,
            employer: row.cell(14)?,
            pronouns: row.cell(15)?,
            current_role: row.cell(16)?,
            years_experience: row.cell(17)?,
            past_experience: row.cell(18)?,
            support_approach: row.cell(19)?,
            motivation: row.cell(20)?,
            capacity: row.cell(21)?,
            learning_goals: row.cell(22)?,
            career_goals: row.cell(23)?,
            library_school: or_null(row, 24, R::enumerated)?,
            mentee_stages: or_null(row, 25, R::json)?,
            answers: row.json(26)?,
            review_note: row.cell(27)?,
            reviewed_by: row.cell(28)?,
            reviewed_at: or_null(row, 29, R::instant)?,
            submitted_by: row.cell(30)?,
            created_at: row.instant(31)?,
            updated_at: row.instant(32)?,
        })
    }
}

/// An application row followed by its author's name and address
/// (`applications::with_author`).
impl Decoded for Authored {
    fn decode<R: Cells>(row: &R) -> Result<Self, R::Error> {
        let after = <application::Column as sea_orm::Iterable>::iter().count();
        Ok(Authored {
            application: application::Model::decode(row)?,
            author_name: row.cell(after)?,
            author_email: row.cell(after + 1)?,
        })
    }
}

/// The columns of an application the matching engine reads, in the order
/// of [`MatchingFields`] (the order its `select_cols` selects them in).
impl Decoded for MatchingFields {
    fn decode<R: Cells>(row: &R) -> Result<Self, R::Error> {
        Ok(MatchingFields {
            id: row.cell(0)?,
            member_id: row.cell(1)?,
            role: row.enumerated(2)?,
            status: row.enumerated(3)?,
            library_types: row.json(4)?,
            interests: row.json(5)?,
            career_stage: row.enumerated(6)?,
            region: row.cell(7)?,
            meeting_modes: row.json(8)?,
            matching_preference: row.enumerated(9)?,
            identity_tags: row.json(10)?,
            identity_consent: row.cell(11)?,
            employer: row.cell(12)?,
            capacity: row.cell(13)?,
            mentee_stages: or_null(row, 14, R::json)?,
        })
    }
}

/// A match row, its columns in the entity's order.
impl Decoded for matches::Model {
    fn decode<R: Cells>(row: &R) -> Result<Self, R::Error> {
        Ok(matches::Model {
            id: row.cell(0)?,
            cycle_id: row.cell(1)?,
            mentor_application_id: row.cell(2)?,
            mentee_application_id: row.cell(3)?,
            matching_run_id: row.cell(4)?,
            status: row.enumerated(5)?,
            score: row.cell(6)?,
            breakdown: row.json(7)?,
            note: row.cell(8)?,
            published_at: or_null(row, 9, R::instant)?,
            extended_until: or_null(row, 10, R::day)?,
            ended_reason: row.cell(11)?,
            ended_on: or_null(row, 12, R::day)?,
            ended_reason_code: or_null(row, 13, R::enumerated)?,
            extension_reason: row.cell(14)?,
            created_by: row.cell(15)?,
            created_at: row.instant(16)?,
            updated_at: row.instant(17)?,
        })
    }
}
