//! The command line: `serve` (default), `migrate`, `create-admin`, `openapi`,
//! `demo`.
use std::io::BufRead;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use crate::config::Settings;
use crate::domain::member::check_password;
use crate::startup::Application;

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
    /// Load a realistic demo cycle (about 150 applicants, matches,
    /// agreements, meetings, workshops, evaluations) into the configured
    /// database, and print a committee administrator's credentials.
    /// Refuses when the demo is already there.
    Demo,
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
            crate::service::admin::open_database(&settings.database_url).await?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::Demo => {
            let settings = Settings::from_env()?;
            let loaded = crate::demo::run(&settings.database_url).await?;
            print!("{}", crate::demo::summary(&loaded));
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
            let db = crate::service::admin::open_database(&settings.database_url).await?;
            let id = crate::service::admin::bootstrap(&db, &email, &full_name, password).await?;
            tracing::info!(member_id = %id, "admin ready");
            Ok(())
        }
    }
}
