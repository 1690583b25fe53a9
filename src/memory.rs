//! Gives the memory a large request freed back to the system.
//!
//! glibc keeps what a thread freed in its arena for the next allocation,
//! so after a 10,000-row import or export the server stayed at its peak
//! size (about 100 MiB) and the next large request grew it from there
//! (bench/README.md, imports). `malloc_trim` returns the free pages.

/// Returns freed heap pages to the system (glibc); elsewhere nothing.
pub fn release_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists,
    // under its locks; it is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}
