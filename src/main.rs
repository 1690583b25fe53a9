use clap::Parser;
use wla_mentorship::cli::{self, Cli, Command};
use wla_mentorship::config::{LogFormat, Settings};

/// jemalloc for Rust's allocations: with glibc's allocator a fifth of the
/// server's CPU on a page of 50 went to `malloc` and `free` (README, "Reads
/// under load"). Its settings (`MALLOC_CONF`, below) keep the resident size
/// within the targets; SQLite's own allocations stay with glibc's, which
/// `limit_malloc_arenas` sets up.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's settings, read when it starts (`_RJEM_MALLOC_CONF` in the
/// environment overrides them):
/// - two arenas, as glibc gets (`limit_malloc_arenas`);
/// - no thread caches except on the web workers, which turn theirs on
///   (`memory::cache_freed_blocks_on_this_thread`): a cache on each of the
///   runtime's and SQLite's threads kept megabytes per thread after a big
///   matching run;
/// - a background thread that returns pages freed five seconds before, and
///   none kept half-returned (`muzzy`);
/// - blocks of 256 KiB or more (a run's matrices, its answer) from an arena
///   of their own that gives pages back as soon as they are freed, as glibc
///   unmaps them: with them in the arenas the server was 6 MiB larger after
///   a run than with glibc (`bench/matching_run.py`, README "Reads under
///   load") until the background thread got round to them.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[unsafe(export_name = "_rjem_malloc_conf")]
static MALLOC_CONF: MallocConf = MallocConf(
    c"narenas:2,tcache:false,background_thread:true,dirty_decay_ms:5000,muzzy_decay_ms:0,oversize_threshold:262144"
        .as_ptr(),
);

/// A C string jemalloc reads at start, as its `malloc_conf` symbol.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[repr(transparent)]
struct MallocConf(*const std::ffi::c_char);

// SAFETY: the pointer is to a static C string literal, never written.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
unsafe impl Sync for MallocConf {}

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
/// bench/README.md). Rust's allocations now go to jemalloc (`ALLOCATOR`,
/// set up the same way); glibc's allocator still serves SQLite and the
/// other C code. Two arenas unless the operator set `MALLOC_ARENA_MAX`,
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
