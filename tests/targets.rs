//! Every `target`, compiled from `tests/fixtures/targets` and checked by the real tools and
//! schemas: `PrometheusRule` resources against prometheus-operator's strict schema and their
//! `spec` through promtool; Mimir and Cortex namespaces in mimirtool's layout with their groups
//! through promtool; Thanos files with `partial_response_strategy` (promtool after removing
//! it, as Thanos reads the rest as Prometheus does); Loki files holding only LogQL metric
//! queries our checker accepts; Grafana provisioning in the documented provider format with
//! dashboards in folder directories, ConfigMaps and grafana-operator resources.

mod common;

use common::{compile_command, files_ending, root, shared, text, validate};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn compiled() -> tempfile::TempDir {
    let out = tempfile::tempdir().expect("tempdir");
    let result = compile_command(
        &root().join("tests/fixtures/targets"),
        &out.path().join("g"),
    )
    .output()
    .expect("compile runs");
    assert!(result.status.success(), "{}", text(&result.stderr));
    out
}

fn yaml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    yaml_serde::from_str(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

/// Writes `{groups: ...}` to a rule file in `dir` for promtool; returns its path.
fn rule_file(dir: &Path, name: &str, groups: &Value) -> PathBuf {
    let path = dir.join(format!("{name}.rules.yml"));
    let text = yaml_serde::to_string(&serde_json::json!({ "groups": groups })).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

fn rule_exprs(groups: &Value) -> Vec<String> {
    groups
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["rules"].as_array().cloned().unwrap_or_default())
        .map(|r| r["expr"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn prometheus_rule_resources_validate_against_the_strict_schema_and_promtool() {
    let out = compiled();
    let schema = yaml(&shared("schemas/prometheusrule.schema.json"));
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let files = files_ending(&out.path().join("g/prometheus-operator"), ".yaml");
    assert_eq!(files.len(), 1, "{files:?}");
    let scratch = tempfile::tempdir().unwrap();
    let mut specs = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let resource = yaml(file);
        let errors: Vec<String> = validator
            .iter_errors(&resource)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{file:?}:\n{}", errors.join("\n"));
        assert_eq!(resource["metadata"]["namespace"], "monitoring");
        assert_eq!(resource["metadata"]["labels"]["role"], "alert-rules");
        specs.push(rule_file(
            scratch.path(),
            &format!("spec{i}"),
            &resource["spec"]["groups"],
        ));
    }
    validate("promtool", &["check", "rules"], &specs);
    // The schema has teeth: an unknown field is refused, as `kubectl --validate=strict` does.
    let mut broken = yaml(&files[0]);
    broken["spec"]["groups"][0]["evaluation"] = Value::from("1m");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn mimir_and_cortex_namespaces_are_what_mimirtool_reads() {
    let out = compiled();
    let scratch = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (kind, expected) in [
        ("mimir", "shop/main.yaml"),
        ("cortex", "shop/shop-rules.yaml"),
    ] {
        let dir = out.path().join("g").join(kind);
        let found = files_ending(&dir, ".yaml");
        assert_eq!(found, vec![dir.join(expected)], "{kind}");
        let namespace = yaml(&found[0]);
        let keys: Vec<&String> = namespace.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["groups", "namespace"], "{kind}");
        files.push(rule_file(scratch.path(), kind, &namespace["groups"]));
        // PromQL only: the LogQL rules are Loki's.
        assert!(rule_exprs(&namespace["groups"])
            .iter()
            .all(|e| watchbook::fuzz::promql(e)));
    }
    validate("promtool", &["check", "rules"], &files);
}

#[test]
fn thanos_files_carry_the_partial_response_strategy() {
    let out = compiled();
    let files = files_ending(&out.path().join("g/thanos"), ".rules.yml");
    assert_eq!(files.len(), 1);
    let scratch = tempfile::tempdir().unwrap();
    let mut stripped = Vec::new();
    for file in &files {
        let mut doc = yaml(file);
        for group in doc["groups"].as_array_mut().unwrap() {
            let strategy = group
                .as_object_mut()
                .unwrap()
                .remove("partial_response_strategy");
            assert_eq!(strategy, Some(Value::from("warn")));
        }
        stripped.push(rule_file(scratch.path(), "thanos", &doc["groups"]));
    }
    validate("promtool", &["check", "rules"], &stripped);
}

#[test]
fn loki_files_hold_the_logql_rules_and_only_them() {
    let out = compiled();
    let files = files_ending(&out.path().join("g/loki/shop"), ".yaml");
    assert_eq!(files.len(), 1, "{files:?}");
    let doc = yaml(&files[0]);
    let exprs = rule_exprs(&doc["groups"]);
    assert_eq!(exprs.len(), 4, "{exprs:?}");
    for e in &exprs {
        assert!(watchbook::fuzz::logql(e), "{e}");
        assert!(
            !e.trim_start().starts_with('{'),
            "a log query cannot be a rule: {e}"
        );
        assert!(
            e.contains(r#"app="checkout", namespace="shop-prod""#),
            "{e}"
        );
    }
    // The plain Prometheus file has the PromQL rules only.
    let plain = yaml(&out.path().join("g/prometheus/main.rules.yml"));
    assert!(rule_exprs(&plain["groups"])
        .iter()
        .all(|e| watchbook::fuzz::promql(e)));
    insta::assert_snapshot!(std::fs::read_to_string(&files[0]).unwrap());
}

#[test]
fn grafana_provisioning_loads_the_dashboards_into_their_folders() {
    let out = compiled();
    let g = out.path().join("g/grafana");
    let provisioning = yaml(&g.join("provisioning/dashboards.yaml"));
    assert_eq!(provisioning["apiVersion"], 1);
    let providers = provisioning["providers"].as_array().unwrap();
    assert_eq!(providers.len(), 1);
    let p = &providers[0];
    assert_eq!(p["type"], "file");
    assert_eq!(p["name"], "shop");
    assert_eq!(p["options"]["path"], "/var/lib/grafana/dashboards/shop");
    assert_eq!(p["options"]["foldersFromFilesStructure"], true);
    // A folder is a directory; a dashboard without one sits at the top (General).
    let dashboards = files_ending(&g.join("dashboards"), ".json");
    assert_eq!(
        dashboards,
        vec![
            g.join("dashboards/Shop/shop-checkout.json"),
            g.join("dashboards/shop-overview.json"),
        ]
    );
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(shared("schemas/grafana-dashboard.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for file in &dashboards {
        let d: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        assert!(validator.is_valid(&d), "{file:?}");
    }
    // The sidecar's ConfigMap and the operator's resource carry the same dashboard.
    let map = yaml(&g.join("configmaps/shop-checkout.yaml"));
    assert_eq!(map["kind"], "ConfigMap");
    assert_eq!(map["metadata"]["labels"]["grafana_dashboard"], "1");
    assert_eq!(map["metadata"]["annotations"]["grafana_folder"], "Shop");
    let embedded: Value =
        serde_json::from_str(map["data"]["shop-checkout.json"].as_str().unwrap()).unwrap();
    assert_eq!(embedded["uid"], "shop-checkout");
    let cr = yaml(&g.join("operator/shop-checkout.yaml"));
    assert_eq!(cr["apiVersion"], "grafana.integreatly.org/v1beta1");
    assert_eq!(cr["kind"], "GrafanaDashboard");
    assert_eq!(cr["spec"]["folder"], "Shop");
    assert_eq!(
        cr["spec"]["instanceSelector"]["matchLabels"]["dashboards"],
        "grafana"
    );
    let embedded: Value = serde_json::from_str(cr["spec"]["json"].as_str().unwrap()).unwrap();
    assert_eq!(embedded["title"], "Checkout");
}

#[test]
fn without_targets_the_output_is_the_plain_one() {
    // The OctoLLM source declares its targets; a source without any gets plain rule files
    // and flat dashboards, as before targets existed.
    let out = tempfile::tempdir().unwrap();
    let result = compile_command(
        &root().join("tests/fixtures/language"),
        &out.path().join("g"),
    )
    .output()
    .unwrap();
    assert!(result.status.success(), "{}", text(&result.stderr));
    for absent in [
        "prometheus-operator",
        "mimir",
        "thanos",
        "loki",
        "grafana/provisioning",
    ] {
        assert!(!out.path().join("g").join(absent).exists(), "{absent}");
    }
    assert!(out.path().join("g/prometheus/node.rules.yml").is_file());
}

/// rules/ deploys through prometheus-operator, Grafana's provisioning and sidecar, and Loki:
/// the committed outputs pass the same checks.
#[test]
fn the_octollm_outputs_for_each_target_pass_their_checks() {
    let generated = root().join("generated");
    let schema = yaml(&shared("schemas/prometheusrule.schema.json"));
    let validator = jsonschema::validator_for(&schema).unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let resources = files_ending(&generated.join("prometheus-operator"), ".yaml");
    assert_eq!(resources.len(), 3, "{resources:?}");
    let mut specs = Vec::new();
    for (i, file) in resources.iter().enumerate() {
        let resource = yaml(file);
        assert!(validator.is_valid(&resource), "{file:?}");
        assert_eq!(resource["metadata"]["namespace"], "octollm-monitoring");
        specs.push(rule_file(
            scratch.path(),
            &format!("r{i}"),
            &resource["spec"]["groups"],
        ));
    }
    validate("promtool", &["check", "rules"], &specs);
    let loki = files_ending(&generated.join("loki/octollm"), ".yaml");
    assert!(!loki.is_empty());
    for file in loki {
        for e in rule_exprs(&yaml(&file)["groups"]) {
            assert!(watchbook::fuzz::logql(&e), "{e}");
            assert!(
                e.contains("service=~") && e.contains("level=\"error\""),
                "{e}"
            );
        }
    }
    let provisioning = yaml(&generated.join("grafana/provisioning/dashboards.yaml"));
    assert_eq!(
        provisioning["providers"][0]["options"]["foldersFromFilesStructure"],
        true
    );
    assert_eq!(
        files_ending(&generated.join("grafana/dashboards/OctoLLM"), ".json").len(),
        6
    );
    assert_eq!(
        files_ending(&generated.join("grafana/configmaps"), ".yaml").len(),
        6
    );
}
