//! Each cycle's applications counted by role and status, and its matches
//! by status, kept by the database itself, so a page of a cycle's list
//! reads its total from a handful of rows instead of counting the cycle's
//! rows on every request (about a fifth of PostgreSQL's work per page of
//! applications; README, "Reads under load").
//!
//! Triggers keep the counts in the same transaction as the change, so a
//! total is exact in every snapshot that reads it. On PostgreSQL they run
//! once per statement over its changed rows (transition tables): a
//! 500-row `INSERT` of an import adds to each count once, rather than
//! updating the same count row 500 times in one transaction, and each
//! statement updates its counts in key order, so two transactions never
//! take two count rows in opposite orders within one statement (across
//! statements they could: `m20261206_000021_count_deltas` has PostgreSQL
//! keep the counts as deltas instead). SQLite runs its triggers per row.
use sea_orm_migration::sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A counted table: its counts table and the columns a count is kept by
/// (the cycle first).
pub(crate) struct Counted {
    pub(crate) table: &'static str,
    pub(crate) counts: &'static str,
    pub(crate) keys: &'static [&'static str],
}

/// How PostgreSQL's trigger adds a statement's changes to the counts.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Adding {
    /// Into one row per key (this migration): a count row is locked from
    /// the change to the commit.
    Upsert,
    /// As new rows, summed by whoever reads them and folded into one per
    /// key now and then (`m20261206_000021_count_deltas`).
    Deltas,
}

pub(crate) const COUNTED: &[Counted] = &[
    Counted {
        table: "applications",
        counts: "application_counts",
        keys: &["cycle_id", "role", "status"],
    },
    Counted {
        table: "matches",
        counts: "match_counts",
        keys: &["cycle_id", "status"],
    },
];

impl Counted {
    pub(crate) fn key_list(&self) -> String {
        self.keys.join(", ")
    }

    /// `each` of every key, joined by `separator`.
    fn each_key(&self, each: impl Fn(&str) -> String, separator: &str) -> String {
        self.keys
            .iter()
            .map(|k| each(k))
            .collect::<Vec<_>>()
            .join(separator)
    }

    /// Adds each group's `delta` (an SQL expression over `rows`, grouped
    /// by the keys) to its count, in key order.
    fn add_grouped(&self, rows: &str, delta: &str, adding: Adding) -> String {
        let (counts, keys) = (self.counts, self.key_list());
        let onto = match adding {
            Adding::Upsert => format!(" ON CONFLICT ({keys}) DO UPDATE SET n = c.n + EXCLUDED.n"),
            Adding::Deltas => String::new(),
        };
        format!(
            "INSERT INTO {counts} AS c ({keys}, n) \
             SELECT {keys}, {delta} FROM {rows} GROUP BY {keys} HAVING {delta} <> 0 ORDER BY {keys}\
             {onto};"
        )
    }

    /// The trigger function that keeps the counts on PostgreSQL.
    pub(crate) fn postgres_function(&self, adding: Adding) -> String {
        let keys = self.key_list();
        let changed = format!(
            "(SELECT {keys}, -1 AS d FROM old_rows UNION ALL SELECT {keys}, 1 FROM new_rows) AS changed"
        );
        format!(
            "CREATE OR REPLACE FUNCTION {counts}_kept() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN \
               IF TG_OP = 'INSERT' THEN {inserted} \
               ELSIF TG_OP = 'DELETE' THEN {deleted} \
               ELSE {updated} \
               END IF; \
               RETURN NULL; \
             END $$",
            counts = self.counts,
            inserted = self.add_grouped("new_rows", "COUNT(*)", adding),
            deleted = self.add_grouped("old_rows", "-COUNT(*)", adding),
            updated = self.add_grouped(&changed, "SUM(d)", adding),
        )
    }

    fn postgres(&self) -> Vec<String> {
        let (table, counts) = (self.table, self.counts);
        let function = format!("{counts}_kept");
        let mut statements = vec![self.postgres_function(Adding::Upsert)];
        for (event, tables) in [
            ("INSERT", "NEW TABLE AS new_rows"),
            ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
            ("DELETE", "OLD TABLE AS old_rows"),
        ] {
            statements.push(format!(
                "CREATE TRIGGER {table}_counted_{event} AFTER {event} ON {table} \
                 REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
                event = event.to_lowercase(),
            ));
        }
        statements
    }

    fn sqlite(&self) -> Vec<String> {
        let (table, counts, keys) = (self.table, self.counts, self.key_list());
        let new_keys = self.each_key(|k| format!("NEW.{k}"), ", ");
        let add_new = format!(
            "INSERT INTO {counts} ({keys}, n) VALUES ({new_keys}, 1) \
             ON CONFLICT ({keys}) DO UPDATE SET n = n + 1;"
        );
        let take_old = format!(
            "UPDATE {counts} SET n = n - 1 WHERE {};",
            self.each_key(|k| format!("{counts}.{k} = OLD.{k}"), " AND ")
        );
        let moved = self.each_key(|k| format!("OLD.{k} IS NOT NEW.{k}"), " OR ");
        vec![
            format!(
                "CREATE TRIGGER {table}_counted_insert AFTER INSERT ON {table} BEGIN {add_new} END"
            ),
            format!(
                "CREATE TRIGGER {table}_counted_delete AFTER DELETE ON {table} BEGIN {take_old} END"
            ),
            format!(
                "CREATE TRIGGER {table}_counted_update AFTER UPDATE OF {keys} ON {table} \
                 WHEN {moved} BEGIN {take_old} {add_new} END"
            ),
        ]
    }

    fn drop(&self, backend: DbBackend) -> Vec<String> {
        let (table, counts) = (self.table, self.counts);
        let mut statements: Vec<String> = ["insert", "update", "delete"]
            .iter()
            .map(|event| match backend {
                DbBackend::Postgres => {
                    format!("DROP TRIGGER IF EXISTS {table}_counted_{event} ON {table}")
                }
                _ => format!("DROP TRIGGER IF EXISTS {table}_counted_{event}"),
            })
            .collect();
        if backend == DbBackend::Postgres {
            statements.push(format!("DROP FUNCTION IF EXISTS {counts}_kept()"));
        }
        statements
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        let db = manager.get_connection();
        for counted in COUNTED {
            let mut table = Table::create();
            table.table(counted.counts).col(uuid("cycle_id"));
            let mut key = Index::create();
            key.col("cycle_id");
            for column in &counted.keys[1..] {
                table.col(string(*column));
                key.col(*column);
            }
            table.col(big_integer("n")).primary_key(&mut key);
            manager.create_table(table.to_owned()).await?;
            let keys = counted.key_list();
            db.execute_unprepared(&format!(
                "INSERT INTO {counts} ({keys}, n) SELECT {keys}, COUNT(*) FROM {table} GROUP BY {keys}",
                counts = counted.counts,
                table = counted.table,
            ))
            .await?;
            let triggers = match backend {
                DbBackend::Postgres => counted.postgres(),
                _ => counted.sqlite(),
            };
            for statement in triggers {
                db.execute_unprepared(&statement).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        for counted in COUNTED {
            for statement in counted.drop(backend) {
                manager
                    .get_connection()
                    .execute_unprepared(&statement)
                    .await?;
            }
            manager
                .drop_table(Table::drop().table(counted.counts).to_owned())
                .await?;
        }
        Ok(())
    }
}
