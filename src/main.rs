use clap::Parser;
use wla_mentorship::cli::{self, Cli, Command};
use wla_mentorship::config::{LogFormat, Settings};

fn main() -> anyhow::Result<()> {
    limit_malloc_arenas();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run())
}

async fn run() -> anyhow::Result<()> {
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

/// glibc gives each thread that allocates its own arena, up to eight per
/// core, and keeps what an arena once held. The server's many threads (web
/// workers, one per SQLite connection, the matching thread) each passed a
/// big matching run's data along, so its resident size grew run after run
/// (290 MiB after ten 2,000 × 1,000 runs; 150 MiB with two arenas, see
/// bench/README.md). Two arenas unless the operator set `MALLOC_ARENA_MAX`,
/// which glibc reads itself. Called before any thread starts.
///
/// Blocks of 256 KiB or more (a run's score and cost matrices, its JSON)
/// are mapped on their own and unmapped when freed, unless the operator
/// set `MALLOC_MMAP_THRESHOLD_`: by default glibc raises that threshold
/// each time such a block is freed, after which the next ones come from
/// the heap and stay there.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only changes an allocator setting; no thread has
        // started yet, so nothing allocates concurrently.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
    }
    if std::env::var_os("MALLOC_MMAP_THRESHOLD_").is_none() {
        // SAFETY: as above.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}
