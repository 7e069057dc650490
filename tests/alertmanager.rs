//! The generated Alertmanager configuration, checked by amtool, and the seed's severity table:
//! critical alerts page and reach Slack, warnings reach Slack only until they escalate, info
//! reaches Slack.

mod common;

use common::{copy_dir, files_ending, root, text, tool, watchbook};
use std::collections::BTreeMap;
use std::process::Command;
use yaml_serde::Value;

fn config_path() -> std::path::PathBuf {
    root().join("generated/alertmanager/alertmanager.yml")
}

fn load(path: &std::path::Path) -> Value {
    yaml_serde::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn amtool_accepts_the_generated_config() {
    let Some(amtool) = tool("amtool") else { return };
    let out = Command::new(amtool)
        .arg("check-config")
        .arg(config_path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(text(&out.stdout).contains("SUCCESS"));
}

#[test]
fn every_declared_route_test_passes_through_amtool() {
    if tool("amtool").is_none() {
        return;
    }
    let script = root().join("generated/alertmanager/route-tests.sh");
    let out = Command::new("sh").arg(&script).output().unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let calls = std::fs::read_to_string(&script)
        .unwrap()
        .matches("--verify.receivers")
        .count();
    assert!(calls >= 6, "only {calls} route tests");
}

/// The integrations behind each receiver name: "pagerduty", "slack", ...
fn receiver_kinds() -> BTreeMap<String, Vec<String>> {
    let config = load(&config_path());
    config["receivers"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|r| {
            let kinds = r
                .as_mapping()
                .unwrap()
                .keys()
                .filter_map(|k| k.as_str()?.strip_suffix("_configs").map(str::to_string))
                .collect();
            (r["name"].as_str().unwrap().to_string(), kinds)
        })
        .collect()
}

#[test]
fn every_generated_alert_reaches_what_the_seed_severity_table_says_in_staging_and_prod() {
    let Some(amtool) = tool("amtool") else { return };
    let kinds = receiver_kinds();
    let mut checked = 0;
    for file in files_ending(&root().join("generated/prometheus"), ".rules.yml") {
        for group in load(&file)["groups"].as_sequence().unwrap() {
            for rule in group["rules"].as_sequence().unwrap() {
                let Some(alert) = rule["alert"].as_str() else {
                    continue;
                };
                let mut args = vec![format!("alertname={alert}")];
                for (k, v) in rule["labels"].as_mapping().unwrap() {
                    args.push(format!("{}={}", k.as_str().unwrap(), v.as_str().unwrap()));
                }
                let out = Command::new(&amtool)
                    .args(["config", "routes", "test", "--config.file"])
                    .arg(config_path())
                    .args(&args)
                    .output()
                    .unwrap();
                assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
                let receivers: Vec<String> = text(&out.stdout)
                    .trim()
                    .split(',')
                    .map(str::to_string)
                    .collect();
                let reached: Vec<&str> = receivers
                    .iter()
                    .flat_map(|r| kinds[r].iter().map(String::as_str))
                    .collect();
                let pages = reached.contains(&"pagerduty");
                let slack = reached.contains(&"slack");
                let escalated = rule["labels"]["escalated"].as_str() == Some("true");
                // Development alerts never page: they reach the dev channel only.
                if rule["labels"]["environment"].as_str() == Some("dev") {
                    assert!(slack && !pages, "{args:?} reaches {receivers:?}");
                    checked += 1;
                    continue;
                }
                match rule["labels"]["severity"].as_str().unwrap() {
                    "critical" => assert!(pages && slack, "{args:?} reaches {receivers:?}"),
                    "warning" if escalated => assert!(pages, "{args:?} reaches {receivers:?}"),
                    "warning" | "info" => {
                        assert!(slack && !pages, "{args:?} reaches {receivers:?}")
                    }
                    other => panic!("unexpected severity {other}"),
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 20, "only {checked} alerts checked");
}

/// A copy of rules/ with one edit, compiled into a temporary directory.
fn compile_edited(file: &str, from: &str, to: &str) -> std::process::Output {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules");
    copy_dir(&root().join("rules"), &rules);
    let path = rules.join(file);
    let source = std::fs::read_to_string(&path).unwrap();
    let edited = source.replacen(from, to, 1);
    assert_ne!(source, edited, "`{from}` is not in {file}");
    std::fs::write(&path, edited).unwrap();
    let out = tmp.path().join("out");
    watchbook(&[
        "compile",
        rules.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

#[test]
fn removing_the_warning_route_fails_at_an_alert_that_needs_it() {
    let result = compile_edited("routing.wb", "  notify [slack_sre]\n", "");
    assert_eq!(result.status.code(), Some(1));
    let stderr = text(&result.stderr);
    assert!(stderr.contains("E0205"), "{stderr}");
    assert!(
        stderr.contains("severity `warning`, which no route sends anywhere"),
        "{stderr}"
    );
    assert!(
        stderr.contains("rules/alerts/"),
        "the diagnostic points at an alert: {stderr}"
    );
}

#[test]
fn an_inline_slack_webhook_fails_with_a_hint() {
    let result = compile_edited(
        "routing.wb",
        "channel \"#incidents\"",
        "api_url \"https://hooks.slack.com/services/T0/B0/secret\"\n    channel \"#incidents\"",
    );
    assert_eq!(result.status.code(), Some(1));
    let stderr = text(&result.stderr);
    assert!(
        stderr.contains("E0123") && stderr.contains("secret `api_url` is written inline"),
        "{stderr}"
    );
    assert!(stderr.contains("use `api_url_file"), "{stderr}");
}

#[test]
fn a_false_route_test_fails_the_compile_at_the_test() {
    let result = compile_edited(
        "routing.wb",
        "expect [slack_platform]",
        "expect [slack_sre]",
    );
    assert_eq!(result.status.code(), Some(1));
    let stderr = text(&result.stderr);
    assert!(
        stderr.contains("E0207") && stderr.contains("rules/routing.wb"),
        "{stderr}"
    );
}

#[test]
fn an_unused_receiver_is_a_warning_that_does_not_stop_the_compile() {
    let result = compile_edited(
        "routing.wb",
        "routing {",
        "receiver slack_unused {\n  slack { api_url_file \"/x\" }\n}\n\nrouting {",
    );
    assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
    let stderr = text(&result.stderr);
    assert!(
        stderr.contains("W0201") && stderr.contains("`slack_unused` is never notified"),
        "{stderr}"
    );
}
