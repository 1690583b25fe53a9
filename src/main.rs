use clap::Parser;
use wla_mentorship::cli::{self, Cli, Command};
use wla_mentorship::config::{LogFormat, Settings};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if !matches!(cli.command, Some(Command::Openapi)) {
        // Settings are read again by the command; here only the log format.
        let format = match std::env::var("LOG_FORMAT").as_deref() {
            Ok("json") => LogFormat::Json,
            Ok("pretty") => LogFormat::Pretty,
            _ => Settings::from_env()
                .map(|s| s.log_format)
                .unwrap_or(LogFormat::Pretty),
        };
        wla_mentorship::telemetry::init(format);
    }
    cli::run(cli).await
}
