//! The one foreign-key shape every table uses: `<from>.<column>` refers to
//! `<to>.id`, and rows go with their parent.
use sea_orm_migration::prelude::*;

pub fn fk(from: &'static str, column: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{from}_{column}"))
        .from(from, column)
        .to(to, "id")
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}
