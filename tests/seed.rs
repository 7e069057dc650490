//! The generated rules say what the seed runbook says: every alert with its threshold,
//! duration and severity, and every seed alert has a firing and a quiet example.

mod common;

use common::{files_ending, root};
use yaml_serde::Value;

/// (alert, severity, what the expression must end with, `for`) as the seed runbook states them.
/// P99 latency warns above 10 seconds and pages above 30: one alert at two severities.
const SEED: [(&str, &str, &str, Option<&str>); 11] = [
    ("PodCrashLoopBackOff", "critical", ") > 3", None),
    ("NodeNotReady", "critical", "== 0", Some("5m")),
    ("HighErrorRate", "critical", ") > 10", Some("5m")),
    ("ServiceDown", "critical", "== 0", Some("2m")),
    (
        "DatabaseConnectionPoolExhausted",
        "critical",
        ") > 95",
        Some("5m"),
    ),
    ("HighNodeCPUUsage", "warning", ") > 80", Some("10m")),
    ("HighNodeMemoryUsage", "warning", ") > 85", Some("10m")),
    ("HighLatencyP95", "warning", "> 2", Some("5m")),
    ("HighLatencyP99", "warning", "> 10", Some("5m")),
    ("HighLatencyP99", "critical", "> 30", Some("5m")),
    ("CertificateExpiringSoon", "warning", "< 604800", Some("1h")),
];

fn load(path: &std::path::Path) -> Value {
    yaml_serde::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn generated_rules() -> Vec<Value> {
    files_ending(&root().join("generated/prometheus"), ".rules.yml")
        .iter()
        .map(|p| load(p))
        .flat_map(|file| {
            file["groups"]
                .as_sequence()
                .unwrap()
                .iter()
                .flat_map(|g| g["rules"].as_sequence().unwrap().clone())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn every_seed_alert_has_its_threshold_duration_and_severity() {
    let rules = generated_rules();
    for (name, severity, ending, for_) in SEED {
        let matching: Vec<&Value> = rules
            .iter()
            .filter(|r| {
                r["alert"].as_str() == Some(name)
                    && r["labels"]["severity"].as_str() == Some(severity)
            })
            .collect();
        assert!(!matching.is_empty(), "{name} is not generated");
        for rule in matching {
            let expr = rule["expr"].as_str().unwrap();
            if name == "PodCrashLoopBackOff" {
                assert!(
                    expr.contains("restarts_total{") && expr.contains("[10m])"),
                    "restarts in 10 minutes: {expr}"
                );
            }
            assert!(
                expr.trim_end().ends_with(ending),
                "{name}: `{expr}` does not end with `{ending}`"
            );
            if rule["labels"]["escalated"].as_str() == Some("true") {
                // "Warning: escalate after 4 hours": the twin waits 4h longer than the alert.
                assert_eq!(severity, "warning", "{name}: only warnings escalate later");
                let expected = escalated_for(for_.unwrap_or("0s"));
                assert_eq!(rule["for"].as_str(), Some(expected.as_str()), "{name}");
                continue;
            }
            assert_eq!(rule["for"].as_str(), for_, "{name}");
            assert_eq!(
                rule["labels"]["severity"].as_str(),
                Some(severity),
                "{name}"
            );
            let url = rule["annotations"]["runbook_url"].as_str().unwrap();
            assert!(
                url.ends_with(&format!("#{}", name.to_lowercase())),
                "{name}: {url}"
            );
        }
    }
}

/// The seed's `for` plus four hours, spelled as Prometheus spells durations.
fn escalated_for(for_: &str) -> String {
    match for_ {
        "1h" => "5h".to_string(),
        other => format!("4h{other}"),
    }
}

#[test]
fn every_seed_warning_escalates_after_four_hours() {
    let rules = generated_rules();
    for (name, severity, ..) in SEED.iter().filter(|s| s.1 == "warning") {
        let twins = rules
            .iter()
            .filter(|r| {
                r["alert"].as_str() == Some(name)
                    && r["labels"]["severity"].as_str() == Some(severity)
                    && r["labels"]["escalated"].as_str() == Some("true")
            })
            .count();
        assert!(twins > 0, "{name} ({severity}) has no escalation");
    }
    let critical_twins = rules
        .iter()
        .filter(|r| {
            r["labels"]["severity"].as_str() == Some("critical")
                && !r["labels"]["escalated"].is_null()
        })
        .count();
    assert_eq!(
        critical_twins, 0,
        "critical alerts page at once and need no escalation twin"
    );
}

#[test]
fn service_alerts_cover_every_environment_with_its_namespace() {
    let rules = generated_rules();
    for env in ["dev", "staging", "prod"] {
        let rule = rules
            .iter()
            .find(|r| {
                r["alert"].as_str() == Some("HighErrorRate")
                    && r["labels"]["environment"].as_str() == Some(env)
            })
            .unwrap_or_else(|| panic!("no HighErrorRate for {env}"));
        assert!(rule["expr"]
            .as_str()
            .unwrap()
            .contains(&format!("namespace=\"octollm-{env}\"")));
    }
}

#[test]
fn every_seed_alert_has_a_firing_and_a_quiet_example() {
    let tests: Vec<Value> = files_ending(&root().join("generated/prometheus/tests"), ".test.yml")
        .iter()
        .flat_map(|p| load(p)["tests"].as_sequence().unwrap().clone())
        .collect();
    for (name, severity, ..) in SEED {
        let checks: Vec<&Value> = tests
            .iter()
            .flat_map(|t| t["alert_rule_test"].as_sequence().unwrap())
            .filter(|c| c["alertname"].as_str() == Some(name))
            .collect();
        // Whether a check expects this severity's rule to fire.
        let expects = |c: &&Value| {
            c["exp_alerts"]
                .as_sequence()
                .unwrap()
                .iter()
                .any(|a| a["exp_labels"]["severity"].as_str() == Some(severity))
        };
        let fires = checks.iter().any(expects);
        let quiet = checks.iter().any(|c| !expects(c));
        assert!(
            fires && quiet,
            "{name} ({severity}): fires {fires}, quiet {quiet}"
        );
    }
}
