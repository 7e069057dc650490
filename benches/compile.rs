//! How long a compile takes: the OctoLLM source, and a synthetic source the size of
//! kubernetes-mixin (65 alerts, 71 recording rules, 23 dashboards) over several files.
//! `cargo bench --bench compile -- --write DIR` only writes the synthetic source.

use criterion::{criterion_group, Criterion};
use std::fmt::Write;
use std::path::Path;

const ALERTS: usize = 65;
const RECORDS: usize = 71;
const DASHBOARDS: usize = 23;
const FILES: usize = 6;

/// Writes a source shaped like kubernetes-mixin: shared declarations, then alerts (half from
/// thresholds, half raw expressions, each with runbook steps and an example) and recording
/// rules spread over several files. As in the real mixin, every expression is different, so
/// that nothing computed once per distinct text can make this source look cheaper.
fn write_mixin_sized_source(dir: &Path) {
    let mut common = String::from(
        "project \"Bench\" { runbook_url \"https://runbooks.example/k8s\" }\n\
         severity critical { response 15m }\nseverity warning { response 1h }\nseverity info { response best_effort }\n\
         environment prod { namespace \"prod\" }\n",
    );
    for s in 0..10 {
        writeln!(
            common,
            "service svc{s} {{ team \"team{}\" selector {{ job = \"svc-{s}\" }} }}",
            s % 3
        )
        .unwrap();
    }
    for q in 0..ALERTS / 2 + 1 {
        writeln!(
            common,
            "query q{q} \"Query {q}\" {{\n  promql `100 * sum by (job, namespace) (rate(http_requests_{q}_total{{code=~\"5..\", $selector}}[5m])) / sum by (job, namespace) (rate(http_requests_{q}_total{{$selector}}[5m]))`\n  unit percent\n}}\nthreshold q{q} {{ target below 1% warning above 5% critical above 10% }}"
        )
        .unwrap();
    }
    std::fs::write(dir.join("common.wb"), common).unwrap();
    let mut files = vec![String::from("import \"common.wb\"\n"); FILES];
    for a in 0..ALERTS {
        let file = &mut files[a % FILES];
        let condition = if a % 2 == 0 {
            format!(
                "when q{} is critical for 15m\n  services [svc{}]",
                a / 2,
                a % 10
            )
        } else {
            format!(
                "expr `kube_deployment_status_replicas_available{{namespace=~\".*\", deployment=\"d{a}\"}} < kube_deployment_spec_replicas{{deployment=\"d{a}\"}}`\n  for 15m\n  severity warning"
            )
        };
        writeln!(
            file,
            "alert Alert{a} {{\n  {condition}\n  summary \"Alert {a} fired for {{{{ $labels.job }}}}.\"\n  description \"Something about {{{{ $labels.namespace }}}} is wrong.\"\n  investigate {{\n    step \"Look\" {{ run `kubectl get pods -n <namespace>` }}\n    step \"Query\" {{ promql `sum by (job) (up{{alert=\"{a}\"}})` }}\n  }}\n  causes [\"a\", \"b\"]\n  resolve {{ step \"Fix it\" }}\n}}"
        )
        .unwrap();
    }
    for r in 0..RECORDS {
        writeln!(
            files[r % FILES],
            "record \"namespace_pod:metric_{r}:sum_rate\" {{\n  expr `sum by (namespace, pod) (rate(container_metric_{r}_seconds_total{{container!=\"\", image!=\"\"}}[5m]))`\n}}"
        )
        .unwrap();
    }
    for d in 0..DASHBOARDS {
        let mut text = format!(
            "dashboard board{d} \"Board {d}\" {{\n  folder \"Bench\"\n  services all\n  variable namespace from `label_values(kube_pod_info, namespace)`\n"
        );
        for row in 0..3 {
            writeln!(text, "  row \"Row {row}\" {{").unwrap();
            for p in 0..3 {
                let q = (d * 9 + row * 3 + p) % (ALERTS / 2 + 1);
                writeln!(text, "    panel timeseries \"Panel {p}\" {{ query q{q} legend \"{{{{job}}}}\" thresholds q{q} }}").unwrap();
            }
            writeln!(text, "  }}").unwrap();
        }
        text.push_str("}\n");
        files[d % FILES].push_str(&text);
    }
    for (i, text) in files.iter().enumerate() {
        std::fs::write(dir.join(format!("rules{i}.wb")), text).unwrap();
    }
}

fn benches(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    write_mixin_sized_source(tmp.path());
    let check = watchbook::compile::compile(tmp.path());
    let artifacts = check
        .result
        .as_ref()
        .map_err(|d| watchbook::diagnostic::render_human(d, &check.sources, false));
    let count = artifacts.expect("the synthetic source compiles").len();
    assert!(count > FILES);

    c.bench_function(
        "compile kubernetes-mixin-sized source (65 alerts, 71 records, 23 dashboards)",
        |b| b.iter(|| watchbook::compile::compile(tmp.path())),
    );
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    c.bench_function("compile OctoLLM rules/", |b| {
        b.iter(|| watchbook::compile::compile(&rules))
    });
}

criterion_group!(compile, benches);

fn main() {
    // `-- --write DIR`: only write the kubernetes-mixin-sized source, for profiling the binary.
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--write") {
        let dir = Path::new(args.get(at + 1).expect("--write DIR"));
        std::fs::create_dir_all(dir).unwrap();
        write_mixin_sized_source(dir);
        return;
    }
    compile();
    Criterion::default().configure_from_args().final_summary();
}
