//! Operator actions run from the command line, before anyone can sign in.
use anyhow::bail;
use uuid::Uuid;

use crate::domain::member::{MembershipStatus, Role};
use crate::store::{self, Db, members};

/// Opens the database and applies every pending migration.
pub async fn open_database(url: &str) -> anyhow::Result<Db> {
    open_database_with(url, None).await
}

/// Opens the database with a pool of `pool_size` connections (the default
/// when `None`) and applies every pending migration.
pub async fn open_database_with(url: &str, pool_size: Option<u32>) -> anyhow::Result<Db> {
    let db = store::connect_with(url, pool_size).await?;
    store::migrate(&db).await?;
    Ok(db)
}

/// The command that creates the first administrator, shown by `serve` on
/// a database that has none.
pub const CREATE_ADMIN_HINT: &str = "printf 'a-long-password\\n' | cargo run -- create-admin --email admin@example.org --full-name 'Ada Admin'";

/// Logs how to create the first administrator when the database has none
/// (so nobody can sign in yet); whether it did.
pub async fn warn_without_admin(db: &Db) -> anyhow::Result<bool> {
    if members::any_admin(db).await? {
        return Ok(false);
    }
    tracing::warn!(
        "no administrator yet, so nobody can sign in; create the first one (the password is \
         read from stdin, one line): {CREATE_ADMIN_HINT} (or the binary's `create-admin \
         --email <email>`), or load the demo with `cargo run -- demo`"
    );
    Ok(true)
}

/// Creates the first administrator, or promotes and re-passwords an
/// existing account (`create-admin`).
pub async fn bootstrap(
    db: &Db,
    email: &str,
    full_name: &str,
    password: String,
) -> anyhow::Result<Uuid> {
    if !email.contains('@') {
        bail!("{email:?} is not an email address");
    }
    let hash = crate::auth::password::hash(password).await?;
    let existing = members::find_by_email(db, email).await?;
    let member = match existing {
        Some(m) => {
            let changes = members::MemberChanges {
                role: Some(Role::Admin),
                password_hash: Some(hash),
                membership_status: Some(MembershipStatus::Active),
                ..Default::default()
            };
            // A new password and role: access tokens issued before end.
            members::bump_session_epoch(db, m.id).await?;
            members::update(db, m, changes).await
        }
        None => {
            members::create(
                db,
                members::NewMember {
                    email: email.to_owned(),
                    password_hash: Some(hash),
                    full_name: full_name.to_owned(),
                    pronouns: None,
                    role: Role::Admin,
                    wla_member_id: None,
                    membership_status: MembershipStatus::Active,
                    membership_expires_on: None,
                },
            )
            .await
        }
    }?;
    Ok(member.id)
}
