//! `watchbook import sloth` and `watchbook import openslo`, through the real binary, judged
//! against what Sloth itself generated for the same specs (../shared/reference/sloth; Sloth
//! reads OpenSLO v1alpha too): every recording and alert Sloth writes is in ours with the same
//! name, labels, annotations and expression (parsed by promql-parser; numbers compared with a
//! tolerance for Sloth's float noise). OpenSLO v1, which no tool here generates rules for, is
//! judged by what its documents say: promtool evaluates the imported burn-rate conditions on
//! series that breach them, and amtool routes each policy's alerts to its targets. What
//! cannot be imported is refused by name.

mod common;

use common::promql::canonical;
use common::{files_ending, one_line, text, validate, watchbook};
use std::collections::BTreeMap;
use std::path::Path;
use yaml_serde::Value;

fn import(inputs: &[&Path], out: &Path) -> std::process::Output {
    import_as("sloth", inputs, out)
}

fn import_as(kind: &str, inputs: &[&Path], out: &Path) -> std::process::Output {
    let mut args: Vec<&str> = vec!["import", kind];
    args.extend(inputs.iter().map(|p| p.to_str().unwrap()));
    args.extend_from_slice(&["--out", out.to_str().unwrap()]);
    watchbook(&args)
}

fn compile(rules: &Path, out: &Path) {
    let result = watchbook(&[
        "compile",
        rules.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(result.status.success(), "{}", text(&result.stderr));
}

type Labels = BTreeMap<String, String>;

#[derive(Debug)]
struct Rule {
    alert: bool,
    name: String,
    expr: String,
    labels: Labels,
    annotations: Labels,
}

fn map(value: &Value) -> Labels {
    value
        .as_mapping()
        .into_iter()
        .flatten()
        .map(|(k, v)| {
            let v = match v {
                Value::String(s) => s.clone(),
                other => yaml_serde::to_string(other).unwrap().trim().to_string(),
            };
            (k.as_str().unwrap().to_string(), v)
        })
        .collect()
}

/// Every rule of a rule file: plain `groups:` or `PrometheusRule` documents.
fn rules(path: &Path) -> Vec<Rule> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut groups = Vec::new();
    for doc in yaml_serde::Deserializer::from_str(&text) {
        let value: Value = serde::Deserialize::deserialize(doc).unwrap();
        let found = value
            .get("groups")
            .or_else(|| value.get("spec").and_then(|s| s.get("groups")));
        groups.extend(
            found
                .and_then(Value::as_sequence)
                .into_iter()
                .flatten()
                .cloned(),
        );
    }
    groups
        .iter()
        .flat_map(|g| g["rules"].as_sequence().unwrap().clone())
        .map(|r| Rule {
            alert: r["alert"].is_string(),
            name: r["alert"]
                .as_str()
                .or(r["record"].as_str())
                .unwrap()
                .to_string(),
            expr: r["expr"].as_str().unwrap().to_string(),
            labels: map(&r["labels"]),
            annotations: map(&r["annotations"]),
        })
        .collect()
}

/// Labels Sloth's CLI adds about itself (`examplesgen.sh` passes `cmd`): not the spec's.
const TOOL_LABELS: [&str; 4] = ["cmd", "sloth_mode", "sloth_spec", "sloth_version"];

/// Finds Sloth's rule in ours: same kind, name, and identity labels (for alerts, also the
/// `sloth_severity`). Then everything Sloth's has, ours has alike.
fn check_rule(theirs: &Rule, ours: &[Rule], problems: &mut Vec<String>) {
    let key = |r: &Rule| {
        (
            r.alert,
            r.name.clone(),
            r.labels.get("sloth_id").cloned(),
            r.labels.get("sloth_window").cloned(),
            r.labels.get("sloth_severity").cloned(),
        )
    };
    let Some(mine) = ours
        .iter()
        .find(|o| key(o) == key(theirs) && (o.alert || o.labels.contains_key("sloth_id")))
        .or_else(|| {
            // Alerts carry the SLO's identity in their results, not their rule labels; SLOs
            // may share an alert name (Sloth's multifile example), so the expression (which
            // selects the SLO's recordings) picks among them.
            let same_alert = |o: &&Rule| {
                o.alert
                    && theirs.alert
                    && o.name == theirs.name
                    && o.labels.get("sloth_severity") == theirs.labels.get("sloth_severity")
            };
            ours.iter()
                .filter(same_alert)
                .find(|o| canonical(&o.expr) == canonical(&theirs.expr))
                .or_else(|| ours.iter().find(same_alert))
        })
    else {
        problems.push(format!("no {:?}", key(theirs)));
        return;
    };
    for (k, v) in theirs
        .labels
        .iter()
        .filter(|(k, _)| !TOOL_LABELS.contains(&k.as_str()))
    {
        let got = mine.labels.get(k);
        // Sloth prints objectives with float noise too: 99.9 as "99.9", 95 as "95".
        let same = got == Some(v)
            || matches!((got.and_then(|g| g.parse::<f64>().ok()), v.parse::<f64>().ok()),
                (Some(a), Some(b)) if (a - b).abs() < 1e-9);
        if !same {
            problems.push(format!(
                "{}: label {k} = {got:?}, Sloth's {v:?}",
                theirs.name
            ));
        }
    }
    for (k, v) in &theirs.annotations {
        if mine.annotations.get(k) != Some(v) {
            problems.push(format!(
                "{}: annotation {k} = {:?}, Sloth's {v:?}",
                theirs.name,
                mine.annotations.get(k)
            ));
        }
    }
    // Sloth writes `vector(1-0.999)`; the value is what matters.
    let value = |e: &str| -> Option<f64> {
        let inner = e.trim().strip_prefix("vector(")?.strip_suffix(')')?;
        match inner.split_once('-') {
            Some((a, b)) => Some(a.parse::<f64>().ok()? - b.parse::<f64>().ok()?),
            None => inner.parse().ok(),
        }
    };
    let same = match (value(&mine.expr), value(&theirs.expr)) {
        (Some(a), Some(b)) => (a - b).abs() < 1e-9,
        _ => canonical(&mine.expr) == canonical(&theirs.expr),
    };
    if !same {
        problems.push(format!(
            "{} {:?}: expression\n  ours:   {}\n  Sloth's: {}",
            theirs.name,
            theirs.labels.get("sloth_window"),
            canonical(&mine.expr),
            canonical(&theirs.expr)
        ));
    }
}

#[test]
fn imported_specs_compile_into_what_sloth_generates() {
    for name in ["getting-started", "home-wifi"] {
        let spec = common::shared(&format!("reference/sloth/{name}.yml"));
        let golden = common::shared(&format!("reference/sloth/generated-{name}.yml"));
        compare_with_sloth("sloth", name, &spec, &golden);
    }
}

#[test]
fn openslo_v1alpha_compiles_into_what_sloth_generates_for_it() {
    let spec = common::shared("reference/sloth/openslo-getting-started.yml");
    let golden = common::shared("reference/sloth/generated-openslo-getting-started.yml");
    compare_with_sloth("openslo", "openslo-getting-started", &spec, &golden);
}

/// Opt-in: `WATCHBOOK_SLOTH_EXAMPLES=path/to/sloth/examples` compares every spec there that
/// the import accepts with Sloth's output for it in `_gen/`.
#[test]
fn more_of_sloths_examples_when_given() {
    let Some(dir) = std::env::var_os("WATCHBOOK_SLOTH_EXAMPLES") else {
        return;
    };
    let dir = Path::new(&dir);
    let mut compared = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let spec = entry.unwrap().path();
        let golden = dir.join("_gen").join(spec.file_name().unwrap());
        if !spec.is_file() || !golden.is_file() {
            continue;
        }
        let name = spec.file_stem().unwrap().to_string_lossy().into_owned();
        // Sloth reads OpenSLO v1alpha as well as its own specs.
        for kind in ["sloth", "openslo"] {
            let tmp = tempfile::tempdir().unwrap();
            if import_as(kind, &[&spec], &tmp.path().join("rules"))
                .status
                .success()
            {
                compare_with_sloth(kind, &name, &spec, &golden);
                compared += 1;
            }
        }
    }
    eprintln!("compared {compared} of Sloth's examples");
    assert!(compared > 0);
}

fn compare_with_sloth(kind: &str, name: &str, spec: &Path, golden: &Path) {
    let tmp = tempfile::tempdir().unwrap();
    let rules_dir = tmp.path().join("rules");
    let result = import_as(kind, &[spec], &rules_dir);
    assert!(result.status.success(), "{name}: {}", text(&result.stderr));
    let out = tmp.path().join("out");
    compile(&rules_dir, &out);
    let ours = rules(&out.join(format!("prometheus/{name}.rules.yml")));
    let theirs = rules(golden);
    let mut problems = Vec::new();
    for rule in &theirs {
        check_rule(rule, &ours, &mut problems);
    }
    assert!(problems.is_empty(), "{name}:\n{}", problems.join("\n"));
    // Nothing more than Sloth's: the same number of recordings and alerts.
    let count = |rs: &[Rule], alert: bool| rs.iter().filter(|r| r.alert == alert).count();
    assert_eq!(
        count(&ours, false),
        count(&theirs, false),
        "{name}: recordings"
    );
    assert_eq!(count(&ours, true), count(&theirs, true), "{name}: alerts");
    let files = files_ending(&out.join("prometheus"), ".rules.yml");
    validate("promtool", &["check", "rules"], &files);
}

/// Written for this test: the Kubernetes resource, a raw SLI, alerts turned off, labels
/// that YAML reads as numbers and booleans, and `AlertWindows` for a 7-day period.
const K8S: &str = r#"apiVersion: sloth.slok.dev/v1
kind: PrometheusServiceLevel
metadata:
  name: checkout-slos
spec:
  service: checkout-api
  labels:
    tier: 1
    generated: true
  slos:
    - name: payment-errors
      objective: 99.5
      sli:
        raw:
          errorRatioQuery: |
            sum(rate(payments_failed_total[{{.window}}]))
            /
            sum(rate(payments_total[{{.window}}]))
      alerting:
        name: CheckoutPaymentErrors
        annotations:
          runbook: https://example.com/runbooks/payments
        pageAlert:
          labels:
            severity: critical
        ticketAlert:
          disable: true
    - name: recordings-only
      objective: 90
      sli:
        events:
          errorQuery: sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))
          totalQuery: sum(rate(http_requests_total[{{.window}}]))
      alerting:
        pageAlert: {disable: true}
        ticketAlert: {disable: true}
---
apiVersion: sloth.slok.dev/v1
kind: AlertWindows
spec:
  sloPeriod: 7d
  page:
    quick: {errorBudgetPercent: 8, shortWindow: 5m, longWindow: 1h}
    slow: {errorBudgetPercent: 12.5, shortWindow: 30m, longWindow: 6h}
  ticket:
    quick: {errorBudgetPercent: 20, shortWindow: 2h, longWindow: 1d}
    slow: {errorBudgetPercent: 42, shortWindow: 6h, longWindow: 3d}
"#;

#[test]
fn the_kubernetes_resource_raw_slis_disabled_alerts_and_alert_windows_import() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = tmp.path().join("checkout.yaml");
    std::fs::write(&spec, K8S).unwrap();
    let rules_dir = tmp.path().join("rules");
    let result = import(&[&spec], &rules_dir);
    assert!(result.status.success(), "{}", text(&result.stderr));
    let source = std::fs::read_to_string(rules_dir.join("checkout.wb")).unwrap();
    insta::assert_snapshot!("import_sloth_k8s", source);
    let out = tmp.path().join("out");
    compile(&rules_dir, &out);
    let ours = rules(&out.join("prometheus/checkout.rules.yml"));
    let id = |r: &Rule, slo: &str| r.labels.get("sloth_id").map(String::as_str) == Some(slo);
    // The page alert only, with Sloth's severity and annotations; no ticket alert.
    let alerts: Vec<&Rule> = ours.iter().filter(|r| r.alert).collect();
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0].labels["sloth_severity"], "page");
    assert_eq!(alerts[0].labels["severity"], "critical");
    assert_eq!(
        alerts[0].annotations["runbook"],
        "https://example.com/runbooks/payments"
    );
    // 8% of a 7-day budget in 1h: 0.08 x 168 = 13.44, at 0.5% budget.
    assert!(
        canonical(&alerts[0].expr).contains(&canonical("13.44 * 0.005")),
        "{}",
        alerts[0].expr
    );
    // Recordings for both SLOs, over the 7-day period; labels as Sloth prints them.
    for slo in [
        "checkout-api-payment-errors",
        "checkout-api-recordings-only",
    ] {
        let period = ours
            .iter()
            .find(|r| id(r, slo) && r.name == "slo:sli_error:ratio_rate7d")
            .unwrap_or_else(|| panic!("{slo}: no 7d ratio"));
        assert_eq!(period.labels["tier"], "1");
        assert_eq!(period.labels["generated"], "true");
        assert!(ours
            .iter()
            .any(|r| id(r, slo) && r.name == "sloth_slo_info"));
    }
    let raw = ours
        .iter()
        .find(|r| id(r, "checkout-api-payment-errors") && r.name == "slo:sli_error:ratio_rate5m")
        .unwrap();
    assert_eq!(
        canonical(&raw.expr),
        canonical("sum(rate(payments_failed_total[5m])) / sum(rate(payments_total[5m]))")
    );
    let files = files_ending(&out.join("prometheus"), ".rules.yml");
    validate("promtool", &["check", "rules"], &files);
}

#[test]
fn what_sloth_alone_can_generate_is_refused_by_name_and_nothing_is_written() {
    let cases = [
        (
            "plugin.yml",
            "version: prometheus/v1\nservice: s\nslos:\n- name: avail\n  objective: 99\n  sli:\n    plugin:\n      id: sloth-common/kubernetes/apiserver/availability\n  alerting: {name: A}\n",
            "a plugin",
        ),
        (
            "template.yml",
            "version: prometheus/v1\nservice: s\nslos:\n- name: avail\n  objective: 99\n  sli:\n    raw:\n      error_ratio_query: errors{{.service}}[{{.window}}]\n  alerting: {name: A}\n",
            "a template other than",
        ),
        (
            "typo.yml",
            "version: prometheus/v1\nservice: s\nslos:\n- name: avail\n  objectve: 99\n",
            "unknown field `objectve`",
        ),
        (
            "snake_case.yml",
            "version: prometheus/v1\nservice: my_service\nslos: []\n",
            "kebab-case",
        ),
    ];
    for (file, spec, expected) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join(file);
        std::fs::write(&path, spec).unwrap();
        let rules_dir = tmp.path().join("rules");
        let result = import(&[&path], &rules_dir);
        let stderr = one_line(&text(&result.stderr));
        assert_eq!(result.status.code(), Some(1), "{file}: {stderr}");
        assert!(stderr.contains(expected), "{file}: {stderr}");
        assert!(stderr.contains(file), "{file}: {stderr}");
        assert!(!rules_dir.exists(), "{file}: something was written");
    }
}

/// A routing tree for the imported receivers' routes to hang from.
const ROUTING: &str = "receiver fallback { webhook { url \"http://alerts.example.com/hook\" } }\nrouting { default fallback  group_by [alertname] }\n";

#[test]
fn openslo_v1_policies_alert_as_their_conditions_say_and_route_to_their_targets() {
    let tmp = tempfile::tempdir().unwrap();
    let rules_dir = tmp.path().join("rules");
    std::fs::create_dir_all(&rules_dir).unwrap();
    std::fs::write(rules_dir.join("routing.wb"), ROUTING).unwrap();
    let spec = common::root().join("tests/fixtures/import_openslo/web.yaml");
    let result = import_as("openslo", &[&spec], &rules_dir);
    let stderr = text(&result.stderr);
    assert!(result.status.success(), "{stderr}");
    assert!(
        stderr.contains("/etc/alertmanager/secrets/oncall-pager"),
        "the secrets to write are listed: {stderr}"
    );
    let source = std::fs::read_to_string(rules_dir.join("web.wb")).unwrap();
    insta::assert_snapshot!("import_openslo_v1", source);
    let out = tmp.path().join("out");
    compile(&rules_dir, &out);
    let prometheus = out.join("prometheus");
    validate(
        "promtool",
        &["check", "rules"],
        &files_ending(&prometheus, ".rules.yml"),
    );
    // 10% errors against a 0.5% budget burn at 20: above the page condition (14 over 1h,
    // for 5m) and the ticket one (2 over 1d, for 30m).
    let test = format!(
        r#"rule_files: [{}]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'http_requests_total{{job="web",code="500"}}'
        values: '0+600x120'
      - series: 'http_requests_total{{job="web",code="200"}}'
        values: '0+5400x120'
    promql_expr_test:
      - expr: count(ALERTS{{alertname="FastBurn",alertstate="pending"}})
        eval_time: 3m
        exp_samples: [{{labels: '{{}}', value: 1}}]
      - expr: count(ALERTS{{alertname="FastBurn",alertstate="firing",openslo_alert_policy="fast-burn",severity="page"}})
        eval_time: 10m
        exp_samples: [{{labels: '{{}}', value: 1}}]
      - expr: count(ALERTS{{alertname="SlowBurn",alertstate="pending"}})
        eval_time: 20m
        exp_samples: [{{labels: '{{}}', value: 1}}]
      - expr: count(ALERTS{{alertname="SlowBurn",alertstate="firing",openslo_alert_policy="slow-burn",severity="ticket"}})
        eval_time: 40m
        exp_samples: [{{labels: '{{}}', value: 1}}]
"#,
        prometheus.join("web.rules.yml").display()
    );
    let test_file = tmp.path().join("burn.test.yml");
    std::fs::write(&test_file, test).unwrap();
    validate("promtool", &["test", "rules"], &[test_file]);
    // Each policy's alerts reach its targets.
    let config = out.join("alertmanager/alertmanager.yml");
    validate("amtool", &["check-config"], std::slice::from_ref(&config));
    for (policy, receiver) in [("fast-burn", "oncall_pager"), ("slow-burn", "team_slack")] {
        let routed = std::process::Command::new("amtool")
            .args(["config", "routes", "test", "--config.file"])
            .arg(&config)
            .arg(format!("openslo_alert_policy={policy}"))
            .output()
            .expect("amtool runs");
        assert_eq!(text(&routed.stdout).trim(), receiver, "{policy}");
    }
}

#[test]
fn what_openslo_says_that_the_import_cannot_carry_is_refused_by_name() {
    let slo = |extra: &str| {
        format!("apiVersion: openslo/v1\nkind: SLO\nmetadata: {{name: avail}}\nspec:\n  service: web\n  indicator:\n    metadata: {{name: e}}\n    spec:\n      ratioMetric:\n        bad: {{metricSource: {{type: Prometheus, spec: {{query: 'sum(rate(errors[5m]))'}}}}}}\n        total: {{metricSource: {{type: Prometheus, spec: {{query: 'sum(rate(requests[5m]))'}}}}}}\n  objectives: [{{target: 0.99}}]\n{extra}")
    };
    let cases = [
        ("timeslices.yaml", slo("  budgetingMethod: Timeslices\n"), "a budgeting method other than"),
        ("calendar.yaml", slo("  timeWindow: [{duration: 1M, calendar: {startTime: '2022-01-01 00:00:00', timeZone: UTC}}]\n"), "calendar-aligned"),
        ("datadog.yaml", slo("").replace("type: Prometheus", "type: Datadog"), "`Datadog` metric source"),
        ("no-range.yaml", slo("").replace("[5m]", ""), "without a range"),
        ("missing-policy.yaml", slo("  alertPolicies: [{alertPolicyRef: nowhere}]\n"), "the alert policy `nowhere`"),
    ];
    for (file, spec, expected) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join(file);
        std::fs::write(&path, spec).unwrap();
        let rules_dir = tmp.path().join("rules");
        let result = import_as("openslo", &[&path], &rules_dir);
        let stderr = one_line(&text(&result.stderr));
        assert_eq!(result.status.code(), Some(1), "{file}: {stderr}");
        assert!(stderr.contains(expected), "{file}: {stderr}");
        assert!(!rules_dir.exists(), "{file}: something was written");
    }
}

#[test]
fn specs_of_one_service_in_several_files_share_its_declaration() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = |slo: &str, alert: &str| {
        format!("version: prometheus/v1\nservice: checkout\nslos:\n- name: {slo}\n  objective: 99\n  sli:\n    raw:\n      error_ratio_query: sum(rate(errors_total[{{{{.window}}}}])) / sum(rate(requests_total[{{{{.window}}}}]))\n  alerting:\n    name: {alert}\n")
    };
    let a = tmp.path().join("availability.yml");
    let b = tmp.path().join("latency.yml");
    std::fs::write(&a, spec("availability", "CheckoutErrors")).unwrap();
    std::fs::write(&b, spec("latency", "CheckoutSlow")).unwrap();
    let rules_dir = tmp.path().join("rules");
    let result = import(&[&a, &b], &rules_dir);
    assert!(result.status.success(), "{}", text(&result.stderr));
    let first = std::fs::read_to_string(rules_dir.join("availability.wb")).unwrap();
    let second = std::fs::read_to_string(rules_dir.join("latency.wb")).unwrap();
    assert!(first.contains("service checkout {}"), "{first}");
    assert!(!second.contains("service checkout"), "{second}");
    assert!(second.contains("import \"availability.wb\""), "{second}");
    let out = tmp.path().join("out");
    compile(&rules_dir, &out);
}
