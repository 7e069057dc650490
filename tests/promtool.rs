//! The real validator: `promtool check rules` on every generated rule file and
//! `promtool test rules` on every generated unit test.

mod common;

use common::{files_ending, root, text, tool};
use std::process::Command;

/// Runs `promtool <args> FILE` on every generated file ending in `suffix`.
fn promtool_on_all(args: &[&str], suffix: &str) {
    let Some(promtool) = tool("promtool") else {
        return;
    };
    let files = files_ending(&root().join("generated/prometheus"), suffix);
    assert!(!files.is_empty());
    for file in files {
        let out = Command::new(&promtool)
            .args(args)
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{file:?}:\n{}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
    }
}

#[test]
fn promtool_accepts_every_generated_rule_file() {
    promtool_on_all(&["check", "rules"], ".rules.yml");
}

#[test]
fn promtool_passes_every_generated_unit_test() {
    promtool_on_all(&["test", "rules"], ".test.yml");
}

/// The unit tests have teeth: expecting an alert before its `for` has elapsed fails.
#[test]
fn promtool_rejects_a_wrong_expectation() {
    let Some(promtool) = tool("promtool") else {
        return;
    };
    let original = root().join("generated/prometheus/tests/alerts/services.test.yml");
    let source = std::fs::read_to_string(&original).unwrap();
    let broken = source.replacen(
        "eval_time: 10m\n    alertname: HighErrorRate",
        "eval_time: 3m\n    alertname: HighErrorRate",
        1,
    );
    assert_ne!(source, broken);
    let copy = original.with_file_name("broken-copy.test.yml");
    let tmp = tempfile::Builder::new()
        .suffix(".test.yml")
        .tempfile_in(copy.parent().unwrap())
        .unwrap();
    std::fs::write(tmp.path(), broken).unwrap();
    let out = Command::new(&promtool)
        .arg("test")
        .arg("rules")
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(!out.status.success(), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("FAILED") || text(&out.stderr).contains("FAILED"));
}

/// The output is for the Prometheus and Alertmanager the tests run, so that the validators
/// and the compiler agree on what exists.
#[test]
fn the_default_versions_are_those_of_the_installed_validators() {
    let (prometheus, alertmanager) = watchbook::compile::default_versions();
    for (tool_name, expected) in [("promtool", prometheus), ("amtool", alertmanager)] {
        let Some(program) = tool(tool_name) else {
            continue;
        };
        let out = Command::new(program).arg("--version").output().unwrap();
        let version = text(&out.stdout) + &text(&out.stderr);
        assert!(
            version.contains(&format!("version {expected}.")),
            "{tool_name}: {version}"
        );
    }
}
