//! Gives the memory a large request freed back to the system.
//!
//! glibc keeps what a thread freed in its arena for the next allocation,
//! so after a 10,000-row import or export the server stayed at its peak
//! size (about 100 MiB) and the next large request grew it from there
//! (bench/README.md, imports). `malloc_trim` returns the free pages.
//!
//! On Linux with glibc the binary allocates Rust's memory with jemalloc
//! (`src/main.rs`) and SQLite's with glibc's: both are given back.

/// Returns freed heap pages to the system: jemalloc's (the calling
/// thread's cache, then every arena's unused pages) and glibc's; elsewhere
/// nothing.
pub fn release_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // Fails, harmlessly, on a thread without a cache.
        jemalloc_command(c"thread.tcache.flush");
        // MALLCTL_ARENAS_ALL: every arena.
        jemalloc_command(c"arena.4096.purge");
        // SAFETY: malloc_trim only walks the allocator's own free lists,
        // under its locks; it is safe to call from any thread at any time.
        unsafe {
            libc::malloc_trim(0);
        }
    }
}

/// Gives the calling thread a cache of freed blocks, which jemalloc's
/// settings leave off (`src/main.rs`): for the web workers, whose every
/// request allocates and frees thousands of small blocks (without caches a
/// page of 50 was slower with jemalloc than with glibc's allocator, README
/// "Reads under load"), and not the other threads, whose caches held
/// megabytes after a big matching run. Elsewhere nothing.
pub fn cache_freed_blocks_on_this_thread() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if let Err(code) = thread_cache(Some(true)) {
        tracing::warn!(code, "could not turn the thread's allocation cache on");
    }
}

/// Runs a jemalloc control command that takes and gives no value; whether
/// jemalloc carried it out.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn jemalloc_command(name: &std::ffi::CStr) -> bool {
    // SAFETY: the commands used here take no value (null pointers, length
    // 0) and only act on the allocator's own state, under its locks.
    let code = unsafe {
        tikv_jemalloc_sys::mallctl(
            name.as_ptr(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            0,
        )
    };
    if code != 0 {
        tracing::debug!(code, command = ?name, "jemalloc command failed");
    }
    code == 0
}

/// The calling thread's `thread.tcache.enabled`, read or written.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn thread_cache(set: Option<bool>) -> Result<bool, std::ffi::c_int> {
    let mut old = false;
    let mut old_len = std::mem::size_of::<bool>();
    let mut new = set.unwrap_or_default();
    let (new_ptr, new_len) = match set {
        Some(_) => ((&raw mut new).cast(), std::mem::size_of::<bool>()),
        None => (std::ptr::null_mut(), 0),
    };
    // SAFETY: `thread.tcache.enabled` reads and takes a bool, each passed
    // by pointer with its size.
    let code = unsafe {
        tikv_jemalloc_sys::mallctl(
            c"thread.tcache.enabled".as_ptr(),
            (&raw mut old).cast(),
            &raw mut old_len,
            new_ptr,
            new_len,
        )
    };
    if code == 0 {
        Ok(set.unwrap_or(old))
    } else {
        Err(code)
    }
}

#[cfg(all(test, target_os = "linux", target_env = "gnu"))]
mod tests {
    use super::*;

    #[test]
    fn the_commands_release_freed_runs_are_jemallocs() {
        assert!(jemalloc_command(c"thread.tcache.flush"));
        assert!(jemalloc_command(c"arena.4096.purge"));
        assert!(!jemalloc_command(c"arena.4096.no_such_command"));
    }

    #[test]
    fn a_thread_turns_its_cache_on() {
        std::thread::spawn(|| {
            assert_eq!(thread_cache(Some(false)), Ok(false));
            assert_eq!(thread_cache(None), Ok(false));
            cache_freed_blocks_on_this_thread();
            assert_eq!(thread_cache(None), Ok(true));
        })
        .join()
        .unwrap();
    }
}
