//! `WATCHBOOK_TIMINGS=1` prints how long each stage took, to stderr: for finding where a large
//! source spends its time without a profiler.

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
    let result = f();
    eprintln!(
        "timing: {name:<10} {:>8.2} ms  {:>5} MB resident",
        started.elapsed().as_secs_f64() * 1e3,
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
