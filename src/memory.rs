//! The allocator, and giving memory back to the system between stages.
//!
//! A compile makes millions of small allocations on several threads (about 5 million at 1,000
//! services): jemalloc makes them about 10% faster end to end than glibc's malloc, at the same
//! peak. It runs without its background thread: the freed pages that matter are returned at
//! one point (`release_freed`), and starting that thread cost a small source's compile 1.7 ms of
//! its 13 (at 1,000 services, the same time and peak without it).

#[cfg(all(feature = "jemalloc", unix, not(target_env = "musl"), not(fuzzing)))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's options, read when it starts (the prefixed symbol is the one this build of
/// jemalloc reads). One arena: a compile's few threads allocate through their thread caches,
/// and memory one thread frees is there for the others (with an arena per thread, 1,000
/// services peaked 7 MB higher, at the same speed). Thread caches hold blocks of up to 1 KiB
/// instead of 32: a small compile touches less fresh memory (the mixin-sized source: about 150
/// fewer page faults, 1.5 ms less CPU time), and 1,000 services peak 0.5 MB lower at the same
/// speed.
#[cfg(all(feature = "jemalloc", unix, not(target_env = "musl"), not(fuzzing)))]
#[allow(non_upper_case_globals)]
#[unsafe(export_name = "_rjem_malloc_conf")]
pub static malloc_conf: Option<&'static std::ffi::c_char> =
    // SAFETY: a pointer to the first byte of a static, NUL-terminated string.
    Some(unsafe { &*c"narenas:1,tcache_max:1024".as_ptr() });

/// Returns the heap's free pages to the system. The sources' syntax trees, dropped once the
/// model is checked, were allocated on several threads, and the allocator keeps what they
/// freed for a while: it would count against the compile's peak memory (about 11 MB at 1,000
/// services) while the model is emitted.
pub(crate) fn release_freed() {
    #[cfg(all(feature = "jemalloc", unix, not(target_env = "musl"), not(fuzzing)))]
    // SAFETY: `arena.4096.purge` (4096 is MALLCTL_ARENAS_ALL) takes and returns nothing: the
    // null pointers and zero length say so. It only releases jemalloc's unused pages.
    unsafe {
        tikv_jemalloc_sys::mallctl(
            c"arena.4096.purge".as_ptr(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            0,
        );
    }
    #[cfg(all(
        target_os = "linux",
        target_env = "gnu",
        any(not(feature = "jemalloc"), fuzzing)
    ))]
    // SAFETY: malloc_trim only inspects and releases glibc's own free memory; it has no
    // preconditions and may be called from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(all(
    test,
    feature = "jemalloc",
    unix,
    not(target_env = "musl"),
    not(fuzzing)
))]
mod tests {
    /// The value of jemalloc option `name`, of type `T`.
    fn option<T: Default>(name: &std::ffi::CStr) -> T {
        let mut value = T::default();
        let mut len = std::mem::size_of::<T>();
        // SAFETY: `value` and `len` are valid for writes, `len` the size of `T`, the type the
        // options read here have.
        let status = unsafe {
            tikv_jemalloc_sys::mallctl(
                name.as_ptr(),
                (&mut value as *mut T).cast(),
                &mut len,
                std::ptr::null_mut(),
                0,
            )
        };
        assert_eq!(status, 0, "{name:?}");
        value
    }

    /// jemalloc read our options: one arena, small thread caches, and no background thread.
    #[test]
    fn jemalloc_reads_the_options() {
        assert!(!option::<bool>(c"opt.background_thread"));
        assert_eq!(option::<u32>(c"opt.narenas"), 1);
        assert_eq!(option::<usize>(c"opt.tcache_max"), 1024);
    }
}
