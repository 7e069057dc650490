//! The generated dashboards: valid against Grafana's dashboard schema (in ../shared), the six
//! seed dashboards with their panels, namespace dashboards that differ only in environment,
//! and threshold steps that are the alerts' own numbers.

mod common;

use common::{copy_dir, files_ending, root, text, watchbook};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn schema_path() -> PathBuf {
    common::shared("schemas/grafana-dashboard.schema.json")
}

fn load(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn dashboards(dir: &Path) -> Vec<Value> {
    files_ending(&dir.join("grafana"), ".json")
        .iter()
        .map(|p| load(p))
        .collect()
}

fn dashboard(uid: &str) -> Value {
    load(&common::find_file(
        &root().join("generated/grafana"),
        &format!("{uid}.json"),
    ))
}

fn titles(d: &Value) -> Vec<String> {
    d["panels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_generated_dashboard_validates_against_the_shared_schema() {
    let schema = schema_path();
    let validator = jsonschema::validator_for(&load(&schema)).expect("the schema compiles");
    let files = files_ending(&root().join("generated/grafana"), ".json");
    assert_eq!(files.len(), 6, "{files:?}");
    for file in files {
        let instance = load(&file);
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{file:?}:\n{}", errors.join("\n"));
        assert_eq!(instance["schemaVersion"], 42);
    }
}

#[test]
fn the_schema_check_has_teeth() {
    let schema = schema_path();
    let validator = jsonschema::validator_for(&load(&schema)).unwrap();
    let mut broken = dashboard("octollm-service-health");
    broken["panels"][1]["fieldConfig"]
        .as_object_mut()
        .unwrap()
        .remove("overrides");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn the_six_seed_dashboards_have_the_panels_the_seed_lists() {
    let expected: [(&str, &str, &[&str]); 6] = [
        (
            "octollm-gke-cluster",
            "GKE Cluster Overview",
            &[
                "CPU Usage",
                "Memory Usage",
                "Nodes",
                "Pod Status",
                "Resource Utilization",
            ],
        ),
        (
            "octollm-namespace-dev",
            "Development Namespace",
            &[
                "Pod Status",
                "CPU Usage by Pod",
                "Memory Usage by Pod",
                "Container Restarts",
                "CPU Request Utilization",
                "Memory Limit Utilization",
            ],
        ),
        (
            "octollm-namespace-staging",
            "Staging Namespace",
            &["Pod Status", "CPU Usage by Pod"],
        ),
        (
            "octollm-namespace-prod",
            "Production Namespace",
            &["Pod Status", "CPU Usage by Pod"],
        ),
        (
            "octollm-service-health",
            "Service Health",
            &[
                "Request Rate by Service",
                "Error Rate by Service (5xx)",
                "Latency Metrics",
                "P50 Latency",
                "P95 Latency",
                "P99 Latency",
                "Database Connections",
                "PostgreSQL Active Connections",
                "Redis Connections",
            ],
        ),
        (
            "octollm-logs",
            "Logs Overview",
            &[
                "Log Volume by Service",
                "Error Rate",
                "Top 10 Error Messages",
                "Live Log Stream",
            ],
        ),
    ];
    for (uid, title, panels) in expected {
        let d = dashboard(uid);
        assert_eq!(d["title"], title);
        let found = titles(&d);
        for panel in panels {
            assert!(
                found.iter().any(|t| t == panel),
                "{uid} lacks `{panel}`: {found:?}"
            );
        }
    }
    let logs = dashboard("octollm-logs");
    let stream = logs["panels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["type"] == "logs")
        .unwrap();
    assert_eq!(stream["datasource"]["type"], "loki");
}

/// Replaces everything that names the environment, so that the rest can be compared.
fn without_environment(d: &Value, env: &str, title: &str) -> String {
    d.to_string()
        .replace(&format!("octollm-{env}"), "NS")
        .replace(&format!("\"{env}\""), "\"ENV\"")
        .replace(&format!("namespace-{env}"), "namespace-ENV")
        .replace(title, "TITLE")
}

#[test]
fn namespace_dashboards_differ_only_in_their_environment() {
    let dev = without_environment(&dashboard("octollm-namespace-dev"), "dev", "Development");
    let staging = without_environment(
        &dashboard("octollm-namespace-staging"),
        "staging",
        "Staging",
    );
    let prod = without_environment(&dashboard("octollm-namespace-prod"), "prod", "Production");
    assert_eq!(dev, staging);
    assert_eq!(dev, prod);
    assert!(dashboard("octollm-namespace-prod")
        .to_string()
        .contains(r#"namespace=\"octollm-prod\""#));
}

fn step_values(panel: &Value) -> Vec<f64> {
    panel["fieldConfig"]["defaults"]["thresholds"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["value"].as_f64())
        .collect()
}

fn panel<'a>(d: &'a Value, title: &str) -> &'a Value {
    d["panels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["title"] == title)
        .unwrap()
}

fn alert_threshold(rules_yaml: &str, alert: &str) -> f64 {
    let rules: yaml_serde::Value = yaml_serde::from_str(rules_yaml).unwrap();
    let rule = rules["groups"][0]["rules"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|r| r["alert"].as_str() == Some(alert))
        .unwrap();
    let expr = rule["expr"].as_str().unwrap();
    expr.rsplit(' ').next().unwrap().parse().unwrap()
}

#[test]
fn the_dashboard_step_is_the_alert_threshold_and_follows_it() {
    let generated = root().join("generated");
    let rules =
        std::fs::read_to_string(generated.join("prometheus/alerts/services.rules.yml")).unwrap();
    let health = dashboard("octollm-service-health");
    let error_rate = panel(&health, "Error Rate by Service (5xx)");
    assert_eq!(alert_threshold(&rules, "HighErrorRate"), 10.0);
    assert!(step_values(error_rate).contains(&10.0));
    assert_eq!(
        error_rate["fieldConfig"]["defaults"]["custom"]["thresholdsStyle"]["mode"],
        "line"
    );
    assert!(error_rate["links"][0]["url"]
        .as_str()
        .unwrap()
        .ends_with("#higherrorrate"));

    // Change the number once in rules/: the alert and the dashboard both move.
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&root().join("rules"), &tmp.path().join("rules"));
    let queries = tmp.path().join("rules/queries.wb");
    let source = std::fs::read_to_string(&queries).unwrap();
    std::fs::write(
        &queries,
        source.replacen("critical above 10%", "critical above 7%", 1),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let result = watchbook(&[
        "compile",
        tmp.path().join("rules").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(result.status.success(), "{}", text(&result.stderr));
    let rules = std::fs::read_to_string(out.join("prometheus/alerts/services.rules.yml")).unwrap();
    assert_eq!(alert_threshold(&rules, "HighErrorRate"), 7.0);
    let health = load(&common::find_file(
        &out.join("grafana"),
        "octollm-service-health.json",
    ));
    let steps = step_values(panel(&health, "Error Rate by Service (5xx)"));
    assert!(steps.contains(&7.0) && !steps.contains(&10.0), "{steps:?}");
    assert_eq!(dashboards(&out).len(), 6);
}

#[test]
fn panels_fit_the_grid_without_overlapping() {
    for d in dashboards(&root().join("generated")) {
        let grids: Vec<(u64, u64, u64, u64)> = d["panels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let g = &p["gridPos"];
                (
                    g["x"].as_u64().unwrap(),
                    g["y"].as_u64().unwrap(),
                    g["w"].as_u64().unwrap(),
                    g["h"].as_u64().unwrap(),
                )
            })
            .collect();
        for (i, a) in grids.iter().enumerate() {
            assert!(a.0 + a.2 <= 24, "{}: {a:?}", d["uid"]);
            for b in &grids[..i] {
                let overlap =
                    a.0 < b.0 + b.2 && b.0 < a.0 + a.2 && a.1 < b.1 + b.3 && b.1 < a.1 + a.3;
                assert!(!overlap, "{}: {a:?} overlaps {b:?}", d["uid"]);
            }
        }
    }
}
