//! `watchbook import alertmanager`: an Alertmanager configuration becomes a source that
//! compiles back into a configuration amtool accepts and that routes every label set the
//! original's matchers mention exactly as the original does, as amtool itself sees both.
//! Inline secrets become files, named on stderr and never printed or written.

mod common;

use common::{compile_command, root, text, tool, watchbook};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

const FIXTURE: &str = "tests/fixtures/import_alertmanager/alertmanager.yml";

/// The fake secrets of the fixture: none may reach the output or the terminal.
const SECRETS: [&str; 7] = [
    "fake-smtp-password-1234",
    "fake-global-token",
    "fake-audit-password",
    "fake-routing-key-0123456789",
    "fake-opsgenie-key",
    "fake-db-token",
    "fake-service-key-abc",
];

fn import(input: &str, out: &Path) -> std::process::Output {
    watchbook(&[
        "import",
        "alertmanager",
        input,
        "--out",
        out.to_str().unwrap(),
    ])
}

/// `label=value` pairs the routes' matchers mention, read by this test on its own from the
/// YAML: equality values, regex alternatives, plus no value and a value nothing matches.
fn mentioned(config: &str) -> Vec<(String, Vec<String>)> {
    let yaml: yaml_serde::Value = yaml_serde::from_str(config).unwrap();
    let mut values: std::collections::BTreeMap<String, BTreeSet<String>> = Default::default();
    walk(&yaml["route"], &mut values);
    values
        .into_iter()
        .map(|(k, v)| {
            let mut v: Vec<String> = v.into_iter().filter(|x| !x.is_empty()).collect();
            v.push(String::new());
            v.push("zz-none".into());
            (k, v)
        })
        .collect()
}

fn walk(
    route: &yaml_serde::Value,
    values: &mut std::collections::BTreeMap<String, BTreeSet<String>>,
) {
    let one =
        regex::Regex::new(r#"([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"?([^",}]*)"?"#).unwrap();
    let mut add = |label: &str, value: &str, regex: bool| {
        let set = values.entry(label.to_string()).or_default();
        if regex {
            for alt in value.split('|') {
                set.insert(alt.trim_matches(|c| "^$().*".contains(c)).to_string());
            }
        } else {
            set.insert(value.to_string());
        }
    };
    for (key, regex) in [("match", false), ("match_re", true)] {
        if let Some(map) = route[key].as_mapping() {
            for (k, v) in map {
                add(k.as_str().unwrap(), v.as_str().unwrap(), regex);
            }
        }
    }
    for m in route["matchers"].as_sequence().into_iter().flatten() {
        for c in one.captures_iter(m.as_str().unwrap()) {
            add(&c[1], c[3].trim(), c[2].contains('~'));
        }
    }
    for child in route["routes"].as_sequence().into_iter().flatten() {
        walk(child, values);
    }
}

fn label_sets(axes: &[(String, Vec<String>)], cap: usize) -> Vec<Vec<String>> {
    let total: usize = axes.iter().map(|(_, v)| v.len()).product();
    let stride = (total / cap).max(1);
    (0..total)
        .step_by(stride)
        .map(|mut n| {
            let mut labels = Vec::new();
            for (k, values) in axes {
                let v = &values[n % values.len()];
                n /= values.len();
                if !v.is_empty() {
                    labels.push(format!("{k}={v}"));
                }
            }
            labels
        })
        .collect()
}

fn routes(amtool: &Path, config: &Path, labels: &[String]) -> String {
    let out = Command::new(amtool)
        .args(["config", "routes", "test", "--config.file"])
        .arg(config)
        .args(labels)
        .output()
        .unwrap();
    text(&out.stdout).trim().to_string()
}

#[test]
fn an_imported_configuration_routes_every_label_set_as_the_original_in_amtool() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules");
    let result = import(FIXTURE, &rules);
    let stderr = text(&result.stderr);
    assert!(result.status.success(), "{stderr}");
    assert!(
        stderr.contains("7 receivers, 7 routes, 2 inhibitions, 2 time intervals"),
        "{stderr}"
    );
    assert!(stderr.contains("round trip checked"), "{stderr}");
    assert!(rules.join("templates/team.tmpl").is_file());
    // Every secret is named with its new file; none is shown or written.
    assert!(stderr.contains(
        "`receivers[storage-pager].pagerduty_configs[0].routing_key` to /etc/alertmanager/secrets/storage-pager-pagerduty-routing-key"
    ), "{stderr}");
    let source = std::fs::read_to_string(rules.join("alertmanager.wb")).unwrap();
    for secret in SECRETS {
        assert!(
            !stderr.contains(secret) && !source.contains(secret),
            "{secret} leaked"
        );
    }
    let out = tmp.path().join("generated");
    let compiled = compile_command(&rules, &out).output().unwrap();
    assert!(compiled.status.success(), "{}", text(&compiled.stderr));
    let Some(amtool) = tool("amtool") else { return };
    let config = out.join("alertmanager/alertmanager.yml");
    let check = Command::new(&amtool)
        .arg("check-config")
        .arg(&config)
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", text(&check.stdout));
    let original = root().join(FIXTURE);
    let axes = mentioned(&std::fs::read_to_string(&original).unwrap());
    let labels: Vec<&str> = axes.iter().map(|(k, _)| k.as_str()).collect();
    for expected in ["alertname", "severity", "team", "service", "env"] {
        assert!(labels.contains(&expected), "{expected} not in {labels:?}");
    }
    let sets = label_sets(&axes, 300);
    assert!(sets.len() >= 200, "{}", sets.len());
    for set in &sets {
        let before = routes(&amtool, &original, set);
        let after = routes(&amtool, &config, set);
        assert!(!before.is_empty(), "{set:?}");
        assert_eq!(before, after, "{set:?}");
    }
}

#[test]
fn a_kubernetes_secret_holding_the_configuration_imports_too() {
    let tmp = tempfile::tempdir().unwrap();
    let original = std::fs::read_to_string(root().join(FIXTURE)).unwrap();
    let indented: String = original.lines().map(|l| format!("    {l}\n")).collect();
    let secret = format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: alertmanager-main\nstringData:\n  alertmanager.yaml: |-\n{indented}"
    );
    std::fs::create_dir_all(tmp.path().join("in/templates")).unwrap();
    std::fs::copy(
        root().join("tests/fixtures/import_alertmanager/templates/team.tmpl"),
        tmp.path().join("in/templates/team.tmpl"),
    )
    .unwrap();
    let input = tmp.path().join("in/secret.yaml");
    std::fs::write(&input, secret).unwrap();
    let result = import(input.to_str().unwrap(), &tmp.path().join("rules"));
    assert!(result.status.success(), "{}", text(&result.stderr));
}

#[test]
fn what_the_language_cannot_carry_is_refused_by_name_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("am.yml");
    std::fs::write(
        &input,
        "route:\n  receiver: chat\nreceivers:\n  - name: chat\n    slack_configs:\n      - channel: '#a'\n        api_url_file: /s\n        actions:\n          - type: button\n            text: Go\n            url: http://x\n",
    )
    .unwrap();
    let rules = tmp.path().join("rules");
    let result = import(input.to_str().unwrap(), &rules);
    assert_eq!(result.status.code(), Some(1));
    let stderr = text(&result.stderr);
    assert!(
        stderr.contains("E0512")
            && stderr.contains("receivers[chat].slack_configs[0]")
            && stderr.contains("`actions`"),
        "{stderr}"
    );
    assert!(!rules.exists(), "a refused import wrote {rules:?}");
    // Not a configuration at all.
    std::fs::write(&input, "groups: []\n").unwrap();
    let result = import(input.to_str().unwrap(), &rules);
    assert!(
        text(&result.stderr).contains("E0510"),
        "{}",
        text(&result.stderr)
    );
}

#[test]
fn a_directory_that_routes_already_is_not_given_a_second_tree() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules");
    std::fs::create_dir_all(&rules).unwrap();
    std::fs::write(
        rules.join("routing.wb"),
        "receiver chat { webhook { url \"http://127.0.0.1:9/\" } }\nrouting { default chat }\n",
    )
    .unwrap();
    let result = import(FIXTURE, &rules);
    assert_eq!(result.status.code(), Some(1));
    assert!(
        text(&result.stderr).contains("E0511"),
        "{}",
        text(&result.stderr)
    );
    assert!(!rules.join("alertmanager.wb").exists());
}

#[test]
fn importing_twice_needs_force() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules");
    assert!(import(FIXTURE, &rules).status.success());
    let again = import(FIXTURE, &rules);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        text(&again.stderr).contains("E0508"),
        "{}",
        text(&again.stderr)
    );
    let forced = watchbook(&[
        "import",
        "alertmanager",
        FIXTURE,
        "--out",
        rules.to_str().unwrap(),
        "--force",
    ]);
    assert!(forced.status.success(), "{}", text(&forced.stderr));
}
