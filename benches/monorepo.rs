//! A monorepo at scale, compiled end to end by the real binary: one file per service, each
//! with 3 alerts over 2 environments, a 30-day SLO and a dashboard. For 10, 100, 1,000 and
//! 3,000 services it reports the median wall time of a fresh compile (every artifact written
//! into a new directory), of a recompile where nothing changed, and of `--check`, per service,
//! and the peak memory of the process.
//!
//! `cargo bench --bench monorepo` (add `-- 10 100` to choose sizes; `-- --write DIR 300` only
//! writes the sources, for profiling; `WATCHBOOK_BENCH_BIN=PATH` times another build of the
//! binary, for a before/after in one sitting). Under `cargo test
//! --benches` it runs the smallest size once, as a smoke test.

use std::fmt::Write;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn shared() -> String {
    String::from(
        r##"project "Monorepo" { runbook_url "https://runbooks.example/monorepo" }
environment staging { namespace "staging" }
environment prod { namespace "prod" }
severity critical { response 15m notify [pager, chat] }
severity warning { response 1h notify [chat] }
receiver pager { pagerduty { routing_key_file "/etc/alertmanager/secrets/pagerduty" } }
receiver chat { slack { api_url_file "/etc/alertmanager/secrets/slack" channel "#alerts" } }
routing { default chat }
query error_rate "Error rate" {
  promql `100 * sum by (job) (rate(http_requests_total{status=~"5..", $selector}[5m])) / sum by (job) (rate(http_requests_total{$selector}[5m]))`
  unit percent
}
threshold error_rate { target below 1% critical above 10% }
query p99_latency "P99 latency" {
  promql `histogram_quantile(0.99, sum by (job, le) (rate(http_request_duration_seconds_bucket{$selector}[5m])))`
  unit seconds
}
threshold p99_latency { target below 1s warning above 2s }
query saturation "CPU saturation" {
  promql `100 * avg by (job) (rate(process_cpu_seconds_total{$selector}[5m]))`
  unit percent
}
threshold saturation { target below 60% warning above 80% }
"##,
    )
}

fn service(n: usize) -> String {
    let mut s = format!(
        "import \"../shared.wb\"\n\nservice svc{n} {{\n  team \"team{}\"\n  selector {{ job = \"svc-{n}\" }}\n  environments [staging, prod]\n}}\n",
        n % 20
    );
    for (alert, query, level) in [
        ("HighErrorRate", "error_rate", "critical"),
        ("SlowRequests", "p99_latency", "warning"),
        ("Saturated", "saturation", "warning"),
    ] {
        writeln!(
            s,
            "alert Svc{n}{alert} {{\n  when {query} is {level} for 5m\n  services [svc{n}]\n  summary \"{{{{ $labels.job }}}} {query} is past {{{{ threshold }}}}.\"\n  investigate {{\n    step \"Look at the pods\" {{ run `kubectl get pods -n <namespace> -l app=svc-{n}` }}\n    step \"Query it\" {{ promql `sum by (job) (up{{job=\"svc-{n}\"}})` }}\n  }}\n  causes [\"A bad deploy\", \"A dependency\"]\n  resolve {{ step \"Roll back\" {{ run `kubectl rollout undo deployment/svc-{n} -n <namespace>` }} }}\n}}"
        )
        .unwrap();
    }
    writeln!(
        s,
        "slo svc{n}_availability \"Availability of svc{n}\" {{\n  objective 99.9%\n  period 30d\n  services [svc{n}]\n  sli ratio {{\n    errors `sum by (job) (rate(http_requests_total{{status=~\"5..\", $selector}}[$window]))`\n    total `sum by (job) (rate(http_requests_total{{$selector}}[$window]))`\n  }}\n  page Svc{n}BudgetBurnFast\n  ticket Svc{n}BudgetBurnSlow\n}}"
    )
    .unwrap();
    writeln!(
        s,
        "dashboard svc{n} \"Service {n}\" {{\n  folder \"Services\"\n  services [svc{n}]\n  row \"Golden signals\" {{\n    panel timeseries \"Errors\" {{ query error_rate thresholds error_rate runbook Svc{n}HighErrorRate }}\n    panel timeseries \"Latency\" {{ query p99_latency thresholds p99_latency runbook Svc{n}SlowRequests }}\n    panel timeseries \"CPU\" {{ query saturation thresholds saturation runbook Svc{n}Saturated }}\n  }}\n  slo svc{n}_availability\n}}"
    )
    .unwrap();
    s
}

/// Writes the sources of a monorepo of `services` services under `dir`.
fn write_monorepo(dir: &Path, services: usize) {
    std::fs::create_dir_all(dir.join("services")).unwrap();
    std::fs::write(dir.join("shared.wb"), shared()).unwrap();
    for n in 0..services {
        std::fs::write(dir.join(format!("services/svc{n}.wb")), service(n)).unwrap();
    }
}

/// Runs the binary, returning its wall time and peak resident memory in KiB. The child is
/// reaped with `wait4`, which also reports its resource usage.
#[allow(clippy::zombie_processes)]
fn run(args: &[&Path]) -> (Duration, u64, bool) {
    // `WATCHBOOK_BENCH_BIN=path` measures another build (an older commit, in the same sitting).
    let binary = std::env::var_os("WATCHBOOK_BENCH_BIN")
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_watchbook").into());
    let started = Instant::now();
    let child = Command::new(binary)
        .args(args)
        .stderr(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("the watchbook binary runs");
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, with valid out-pointers.
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as i32);
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    (started.elapsed(), usage.ru_maxrss as u64, ok)
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // `-- --write DIR N`: only write the sources of N services, for profiling.
    if let Some(at) = args.iter().position(|a| a == "--write") {
        let dir = Path::new(&args[at + 1]);
        let services = args[at + 2].parse().expect("a number of services");
        write_monorepo(dir, services);
        return;
    }
    let smoke = !std::env::args().any(|a| a == "--bench");
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = match (smoke, sizes.is_empty()) {
        (true, _) => vec![10],
        (false, true) => vec![10, 100, 1_000, 3_000],
        (false, false) => sizes,
    };
    println!("| services | files written | fresh compile | per service | no-op recompile | --check | peak memory |");
    println!("|---|---|---|---|---|---|---|");
    for services in sizes {
        // `WATCHBOOK_BENCH_DIR=/dev/shm` measures the compiler without the disk.
        let tmp = match std::env::var_os("WATCHBOOK_BENCH_DIR") {
            Some(dir) => tempfile::tempdir_in(dir).unwrap(),
            None => tempfile::tempdir().unwrap(),
        };
        let rules = tmp.path().join("rules");
        write_monorepo(&rules, services);
        let rounds = if smoke {
            1
        } else if services >= 1_000 {
            5
        } else {
            9
        };
        let (mut fresh, mut noop, mut check, mut peak) = (Vec::new(), Vec::new(), Vec::new(), 0);
        for round in 0..rounds {
            let out = tmp.path().join(format!("out{round}"));
            let compile = [Path::new("compile"), &rules, Path::new("--out"), &out];
            let (time, rss, ok) = run(&compile);
            assert!(ok, "the monorepo of {services} services compiles");
            fresh.push(time);
            peak = peak.max(rss);
            let (time, rss, ok) = run(&compile);
            assert!(ok);
            noop.push(time);
            peak = peak.max(rss);
            let (time, _, ok) = run(&[&compile[..], &[Path::new("--check")]].concat());
            assert!(ok);
            check.push(time);
            if round > 0 {
                std::fs::remove_dir_all(&out).unwrap();
            }
        }
        let files = walk_count(&tmp.path().join("out0"));
        let fresh = median(fresh);
        println!(
            "| {services} | {files} | {:.1} ms | {:.3} ms | {:.1} ms | {:.1} ms | {:.0} MB |",
            ms(fresh),
            ms(fresh) / services as f64,
            ms(median(noop)),
            ms(median(check)),
            peak as f64 / 1024.0
        );
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn walk_count(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .count()
}
