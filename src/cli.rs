//! The command line: `serve` (default), `migrate`, `create-admin`, `openapi`.
use std::io::BufRead;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use crate::config::Settings;
use crate::domain::member::{MembershipStatus, Role, check_password};
use crate::startup::Application;
use crate::store::{self, members};

#[derive(Debug, Parser)]
#[command(
    name = "wla-mentorship",
    version,
    about = "The WLA mentorship program API"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API (the default). Applies pending migrations first.
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Create an admin, or make an existing account an admin. The password is
    /// read from the first line of standard input.
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Administrator")]
        full_name: String,
    },
    /// Print the OpenAPI document (`cargo run -- openapi > openapi/openapi.json`).
    Openapi,
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Openapi => {
            use std::io::Write;
            std::io::stdout().write_all(crate::api::docs::openapi_json().as_bytes())?;
            Ok(())
        }
        Command::Serve => {
            let settings = Settings::from_env()?;
            let app = Application::build(settings).await?;
            app.run_until_stopped().await?;
            Ok(())
        }
        Command::Migrate => {
            let settings = Settings::from_env()?;
            let db = store::connect(&settings.database_url).await?;
            store::migrate(&db).await?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::CreateAdmin { email, full_name } => {
            let settings = Settings::from_env()?;
            let mut password = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut password)
                .context("reading the password from stdin")?;
            let password = password.trim_end_matches(['\r', '\n']).to_owned();
            if let Err(msg) = check_password(&password) {
                bail!("the password {msg}");
            }
            let db = store::connect(&settings.database_url).await?;
            store::migrate(&db).await?;
            let id = create_admin(&db, &email, &full_name, password).await?;
            tracing::info!(member_id = %id, "admin ready");
            Ok(())
        }
    }
}

/// Creates the admin or promotes and re-passwords an existing account.
pub async fn create_admin(
    db: &sea_orm::DatabaseConnection,
    email: &str,
    full_name: &str,
    password: String,
) -> anyhow::Result<uuid::Uuid> {
    if !email.contains('@') {
        bail!("{email:?} is not an email address");
    }
    let hash = crate::auth::password::hash(password).await?;
    let existing = members::find_by_email(db, email)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let member = match existing {
        Some(m) => {
            let changes = members::MemberChanges {
                role: Some(Role::Admin),
                password_hash: Some(hash),
                membership_status: Some(MembershipStatus::Active),
                ..Default::default()
            };
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
    }
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(member.id)
}
