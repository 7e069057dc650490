//! `watchbook import prometheus`, through the real binary: the sources it writes (snapshots),
//! the round trip checked here independently of the importer's own check (the rule files
//! `compile` makes from the import against the input, expressions compared as promql-parser
//! parses them), promtool on the result, and the errors for what cannot be imported.

mod common;

use common::{compile_command, files_ending, root, text, validate, watchbook};
use promql_parser::parser::Expr;
use std::collections::BTreeMap;
use std::path::Path;

fn import(inputs: &[&str], out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["import", "prometheus"];
    args.extend_from_slice(inputs);
    args.extend_from_slice(&["--out", out.to_str().unwrap()]);
    args.extend_from_slice(extra);
    watchbook(&args)
}

/// A rule as the round trip must keep it: kind and name, labels, annotations, `for` and
/// `keep_firing_for` in seconds, and the expression.
#[derive(Debug, Clone, PartialEq)]
struct Rule {
    key: String,
    labels: BTreeMap<String, String>,
    annotations: BTreeMap<String, String>,
    for_: u64,
    keep_firing_for: u64,
    expr: String,
}

/// Group name, settings and rules of every rule group in a file (plain or PrometheusRule).
fn groups(text: &str) -> Vec<(String, String, Vec<Rule>)> {
    let mut out = Vec::new();
    for doc in yaml_serde::Deserializer::from_str(text) {
        let value: yaml_serde::Value = serde::Deserialize::deserialize(doc).unwrap();
        let groups = value
            .get("spec")
            .and_then(|s| s.get("groups"))
            .or_else(|| value.get("groups"))
            .and_then(|g| g.as_sequence())
            .cloned()
            .unwrap_or_default();
        for g in groups {
            let name = g["name"].as_str().unwrap().to_string();
            let settings = ["interval", "limit", "query_offset"]
                .iter()
                .map(|k| format!("{k}={:?}", g.get(*k).map(scalar)))
                .collect::<Vec<_>>()
                .join(" ");
            let rules = g
                .get("rules")
                .and_then(|r| r.as_sequence())
                .cloned()
                .unwrap_or_default()
                .iter()
                .map(rule)
                .collect();
            out.push((name, settings, rules));
        }
    }
    out
}

fn scalar(v: &yaml_serde::Value) -> String {
    match v {
        yaml_serde::Value::String(s) => s.clone(),
        yaml_serde::Value::Number(n) => n.to_string(),
        yaml_serde::Value::Bool(b) => b.to_string(),
        other => format!("{other:?}"),
    }
}

fn map(v: Option<&yaml_serde::Value>) -> BTreeMap<String, String> {
    v.and_then(|m| m.as_mapping())
        .map(|m| m.iter().map(|(k, v)| (scalar(k), scalar(v))).collect())
        .unwrap_or_default()
}

/// Seconds of a Prometheus duration such as `1h30m` (0 when absent).
fn seconds(v: Option<&yaml_serde::Value>) -> u64 {
    let Some(text) = v.map(scalar) else { return 0 };
    let mut total = 0;
    let mut number = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: u64 = number.parse().unwrap();
        number.clear();
        total += n * match c {
            'y' => 365 * 86_400,
            'w' => 7 * 86_400,
            'd' => 86_400,
            'h' => 3_600,
            'm' if chars.peek() == Some(&'s') => {
                chars.next();
                0
            }
            'm' => 60,
            's' => 1,
            other => panic!("unit {other} in {text}"),
        };
    }
    total
}

fn rule(r: &yaml_serde::Value) -> Rule {
    let key = match (r.get("alert"), r.get("record")) {
        (Some(a), _) => format!("alert {}", scalar(a)),
        (_, Some(n)) => format!("record {}", scalar(n)),
        _ => panic!("{r:?}"),
    };
    Rule {
        key,
        labels: map(r.get("labels")),
        annotations: map(r.get("annotations")),
        for_: seconds(r.get("for")),
        keep_firing_for: seconds(r.get("keep_firing_for")),
        expr: scalar(&r["expr"]),
    }
}

/// An expression without the parentheses that only restate precedence; backtick strings
/// read as the raw strings Prometheus makes of them.
fn normal(text: &str) -> Expr {
    let mut quoted = String::new();
    let mut raw = false;
    for c in text.chars() {
        match (c, raw) {
            ('`', _) => {
                raw = !raw;
                quoted.push('"');
            }
            ('\\', true) => quoted.push_str("\\\\"),
            ('"', true) => quoted.push_str("\\\""),
            (c, _) => quoted.push(c),
        }
    }
    strip(&promql_parser::parser::parse(&quoted).unwrap_or_else(|e| panic!("{e}: {text}")))
}

fn strip(e: &Expr) -> Expr {
    match e {
        Expr::Paren(p) => strip(&p.expr),
        Expr::Binary(b) => {
            let mut b = b.clone();
            b.lhs = Box::new(strip(&b.lhs));
            b.rhs = Box::new(strip(&b.rhs));
            Expr::Binary(b)
        }
        Expr::Aggregate(a) => {
            let mut a = a.clone();
            a.expr = Box::new(strip(&a.expr));
            a.param = a.param.as_deref().map(|p| Box::new(strip(p)));
            Expr::Aggregate(a)
        }
        Expr::Call(c) => {
            let mut c = c.clone();
            c.args.args = c.args.args.iter().map(|a| Box::new(strip(a))).collect();
            Expr::Call(c)
        }
        Expr::Unary(u) => {
            let mut u = u.clone();
            u.expr = Box::new(strip(&u.expr));
            Expr::Unary(u)
        }
        Expr::Subquery(s) => {
            let mut s = s.clone();
            s.expr = Box::new(strip(&s.expr));
            Expr::Subquery(s)
        }
        other => other.clone(),
    }
}

/// Asserts that `compiled` holds the groups of `original`: same names and settings, the
/// recording rules in order, every alert rule (matched by name and labels) the same.
fn assert_round_trip(original: &str, compiled: &str, what: &str) {
    let (a, b) = (groups(original), groups(compiled));
    let names = |g: &[(String, String, Vec<Rule>)]| {
        g.iter()
            .map(|(n, s, _)| format!("{n} {s}"))
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&a), names(&b), "{what}");
    for ((group, _, x), (_, _, y)) in a.iter().zip(&b) {
        let records = |rules: &[Rule]| -> Vec<Rule> {
            rules
                .iter()
                .filter(|r| r.key.starts_with("record"))
                .cloned()
                .collect()
        };
        let (rx, ry) = (records(x), records(y));
        assert_eq!(rx.len(), ry.len(), "{what}: {group}");
        let mut alerts: Vec<&Rule> = y.iter().filter(|r| r.key.starts_with("alert")).collect();
        assert_eq!(x.len(), y.len(), "{what}: {group}");
        for (r, s) in rx.iter().zip(&ry) {
            assert_same(r, s, what);
        }
        for r in x.iter().filter(|r| r.key.starts_with("alert")) {
            let i = alerts
                .iter()
                .position(|s| s.key == r.key && s.labels == r.labels)
                .unwrap_or_else(|| panic!("{what}: {group}: {} {:?} is missing", r.key, r.labels));
            assert_same(r, alerts.remove(i), what);
        }
    }
}

fn assert_same(r: &Rule, s: &Rule, what: &str) {
    let context = format!("{what}: {}", r.key);
    assert_eq!(r.key, s.key, "{context}");
    assert_eq!(r.labels, s.labels, "{context}");
    assert_eq!(r.annotations, s.annotations, "{context}");
    assert_eq!(r.for_, s.for_, "{context}");
    assert_eq!(r.keep_firing_for, s.keep_firing_for, "{context}");
    assert_eq!(
        normal(&r.expr),
        normal(&s.expr),
        "{context}: {} vs {}",
        r.expr,
        s.expr
    );
}

/// Every group of every rule file below `dir`, by name.
fn compiled_groups(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for file in files_ending(dir, ".rules.yml") {
        let text = std::fs::read_to_string(&file).unwrap();
        for doc in yaml_serde::Deserializer::from_str(&text) {
            let value: yaml_serde::Value = serde::Deserialize::deserialize(doc).unwrap();
            for g in value["groups"].as_sequence().cloned().unwrap_or_default() {
                let name = g["name"].as_str().unwrap().to_string();
                let single = yaml_serde::to_string(&serde_json::json!({ "groups": [g] })).unwrap();
                out.push((name, single));
            }
        }
    }
    out
}

/// Asserts that the groups of `original` (a rule file) are among the compiled groups.
fn assert_groups_compiled(original: &str, compiled: &[(String, String)], what: &str) {
    for (name, _, _) in groups(original) {
        let (_, text) = compiled
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("{what}: group {name} was not compiled"));
        let single = groups(original)
            .into_iter()
            .find(|(n, _, _)| *n == name)
            .unwrap();
        let original_group = format!(
            "groups: {}",
            serde_json::to_string(&group_json(original, &single.0)).unwrap()
        );
        assert_round_trip(&original_group, text, &format!("{what}: {name}"));
    }
}

/// The group called `name` of a rule file (plain or PrometheusRule) as JSON.
fn group_json(text: &str, name: &str) -> serde_json::Value {
    for doc in yaml_serde::Deserializer::from_str(text) {
        let value: serde_json::Value = serde::Deserialize::deserialize(doc).unwrap();
        let groups = value
            .get("spec")
            .and_then(|s| s.get("groups"))
            .or_else(|| value.get("groups"))
            .and_then(|g| g.as_array())
            .cloned()
            .unwrap_or_default();
        if let Some(g) = groups.into_iter().find(|g| g["name"] == name) {
            return serde_json::json!([g]);
        }
    }
    panic!("no group {name}")
}

/// Imports `inputs`, compiles the result, runs promtool on it, and compares every group of
/// every input with the group compiled from the import.
fn round_trip(inputs: &[&str], what: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    let result = import(inputs, &rules, &[]);
    assert!(result.status.success(), "{what}: {}", text(&result.stderr));
    let out = dir.path().join("generated");
    let compiled = compile_command(&rules, &out).output().unwrap();
    assert!(
        compiled.status.success(),
        "{what}: {}",
        text(&compiled.stderr)
    );
    let rule_files = files_ending(&out.join("prometheus"), ".rules.yml");
    validate("promtool", &["check", "rules"], &rule_files);
    let compiled = compiled_groups(&out.join("prometheus"));
    for input in inputs {
        let input = root().join(input);
        let inputs = if input.is_dir() {
            files_ending(&input, ".yml")
                .into_iter()
                .chain(files_ending(&input, ".yaml"))
                .filter(|f| !f.to_string_lossy().contains("/tests/"))
                .collect()
        } else {
            vec![input]
        };
        for file in inputs {
            let original = std::fs::read_to_string(&file).unwrap();
            assert_groups_compiled(&original, &compiled, &file.display().to_string());
        }
    }
    dir
}

#[test]
fn the_fixtures_round_trip_and_read_as_the_snapshots_show() {
    let dir = round_trip(
        &[
            "tests/fixtures/import/api.rules.yml",
            "tests/fixtures/import/operator.yaml",
        ],
        "fixtures",
    );
    for name in ["api.wb", "operator.wb", "severities.wb"] {
        let source = std::fs::read_to_string(dir.path().join("rules").join(name)).unwrap();
        insta::assert_snapshot!(format!("import_{name}"), source);
    }
}

#[test]
fn our_own_generated_rules_round_trip() {
    round_trip(&["generated/prometheus"], "generated/prometheus");
    // The unit-test files of the directory are not rule files, and are said to be skipped.
    let dir = tempfile::tempdir().unwrap();
    let result = import(&["generated/prometheus"], &dir.path().join("rules"), &[]);
    assert!(text(&result.stderr).contains("skipped generated/prometheus/tests/slos.test.yml"));
}

#[test]
fn what_cannot_be_expressed_is_an_error_that_names_the_rule() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    let result = import(&["tests/fixtures/import/errors"], &rules, &[]);
    assert_eq!(result.status.code(), Some(1));
    let stderr = text(&result.stderr);
    assert!(stderr.contains("E0504"), "{stderr}");
    assert!(stderr.contains("group `thanos-extra`"), "{stderr}");
    assert!(stderr.contains("partial_response_strategy"), "{stderr}");
    assert!(
        stderr.contains("alert `Watchdog` of group `misc`"),
        "{stderr}"
    );
    assert!(!rules.exists(), "a failed import wrote {rules:?}");
}

#[test]
fn an_existing_source_is_replaced_only_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    let input = "tests/fixtures/import/operator.yaml";
    assert!(import(&[input], &rules, &[]).status.success());
    let again = import(&[input], &rules, &[]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        text(&again.stderr).contains("E0508"),
        "{}",
        text(&again.stderr)
    );
    let forced = import(&[input], &rules, &["--force"]);
    assert!(forced.status.success(), "{}", text(&forced.stderr));
    let mut names: Vec<String> = std::fs::read_dir(&rules)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["operator.wb", "severities.wb"]);
}

/// Real public rule sets, when `WATCHBOOK_REAL_RULES` names files or directories of them
/// (separated by `:`): each one imports, compiles, passes promtool and round-trips. The sets
/// are fetched by hand (see the README's migration section); nothing of them is committed.
#[test]
fn real_rule_sets_round_trip_when_given() {
    let Ok(sets) = std::env::var("WATCHBOOK_REAL_RULES") else {
        eprintln!("not run: set WATCHBOOK_REAL_RULES to directories of real rule files");
        return;
    };
    for set in sets.split(':').filter(|s| !s.is_empty()) {
        round_trip(&[set], set);
    }
}

/// The comparison above fails on a changed threshold, `for`, label or a lost rule.
#[test]
fn the_comparison_has_teeth() {
    let original = "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up == 0\n    for: 5m\n    labels: {severity: critical}\n  - record: r\n    expr: sum(up)\n";
    assert_round_trip(
        original,
        &original.replace("up == 0", "(up) == 0"),
        "parens",
    );
    for changed in [
        original.replace("up == 0", "up == 1"),
        original.replace("for: 5m", "for: 6m"),
        original.replace("critical", "warning"),
        original.replace("sum(up)", "max(up)"),
        original.replace("  - record: r\n    expr: sum(up)\n", ""),
    ] {
        let caught = std::panic::catch_unwind(|| assert_round_trip(original, &changed, "x"));
        assert!(caught.is_err(), "{changed}");
    }
}
