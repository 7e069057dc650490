//! `WATCHBOOK_TIMINGS=1` prints how long each stage took, to stderr: for finding where a large
//! source spends its time without a profiler. Beside the time on the clock, the CPU time every
//! thread spent meanwhile: when the two are close, the stage ran on one core.

use std::sync::OnceLock;
use std::time::Instant;

fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("WATCHBOOK_TIMINGS").is_some_and(|v| v != "0"))
}

/// Runs `f`, reporting its duration under `name` when timings are on.
pub fn stage<R>(name: &str, f: impl FnOnce() -> R) -> R {
    if !enabled() {
        return f();
    }
    let started = Instant::now();
    let cpu_before = cpu_ms();
    let result = f();
    eprintln!(
        "timing: {name:<10} {:>8.2} ms  {:>8.2} ms CPU  {:>5} MB resident",
        started.elapsed().as_secs_f64() * 1e3,
        cpu_ms() - cpu_before,
        resident_mb()
    );
    result
}

/// The process's resident memory, from `/proc/self/statm` (0 where there is none).
fn resident_mb() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096 / (1 << 20))
}

/// CPU time the process has used so far, on every thread, user and system (0 where unknown).
fn cpu_ms() -> f64 {
    #[cfg(all(unix, not(target_env = "musl")))]
    {
        // SAFETY: `usage` is a plain C struct that getrusage fills; all zeros is a valid value.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: RUSAGE_SELF with a valid pointer to a rusage: getrusage only writes to it.
        if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } == 0 {
            let ms = |t: libc::timeval| t.tv_sec as f64 * 1e3 + t.tv_usec as f64 / 1e3;
            return ms(usage.ru_utime) + ms(usage.ru_stime);
        }
    }
    0.0
}
