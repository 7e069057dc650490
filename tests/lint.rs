//! `watchbook lint`: every lint fires on its bad fixture and not on its good one (with a
//! snapshot of what the user sees), `explain` documents every code, the output formats are what
//! GitHub and SARIF consumers expect, and suppressions need a reason and expire.

mod common;

use common::{root, text, watchbook};
use std::process::Command;

/// The lint's arguments for a fixture: a lint about changes compares with the `base`
/// directory beside `bad` and `good`.
fn args(dir: &str) -> Vec<String> {
    let mut args = vec!["lint".to_string(), dir.to_string()];
    let base = std::path::Path::new(dir).with_file_name("base");
    if root().join(&base).is_dir() {
        args.extend(["--base-dir".to_string(), base.display().to_string()]);
    }
    args
}

fn lint_json(dir: &str) -> serde_json::Value {
    let mut args = args(dir);
    args.extend(["--format".to_string(), "json".to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = watchbook(&args);
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{dir}: {e}: {}", text(&out.stdout)))
}

fn codes(findings: &serde_json::Value) -> Vec<String> {
    findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_lint_has_a_bad_and_a_good_fixture_and_a_snapshot() {
    for lint in watchbook::lint::LINTS {
        let dir = format!("tests/fixtures/lints/{}", lint.name);
        let bad = codes(&lint_json(&format!("{dir}/bad")));
        assert!(
            bad.contains(&lint.code.to_string()),
            "{}: bad fixture gives {bad:?}",
            lint.name
        );
        let good = codes(&lint_json(&format!("{dir}/good")));
        assert!(
            !good.contains(&lint.code.to_string()),
            "{}: good fixture gives {good:?}",
            lint.name
        );
        assert!(
            good.iter().all(|c| !c.starts_with('E')),
            "{}: good fixture has errors {good:?}",
            lint.name
        );
        let bad_args = args(&format!("{dir}/bad"));
        let bad_args: Vec<&str> = bad_args.iter().map(String::as_str).collect();
        let human = watchbook(&bad_args);
        insta::assert_snapshot!(format!("lint_{}", lint.name), text(&human.stdout));
    }
}

#[test]
fn error_level_findings_fail_and_deny_warnings_fails_on_warnings() {
    let error = watchbook(&[
        "lint",
        "tests/fixtures/lints/expression-without-comparison/bad",
    ]);
    assert_eq!(error.status.code(), Some(1));
    let warning = watchbook(&["lint", "tests/fixtures/lints/alert-without-summary/bad"]);
    assert_eq!(warning.status.code(), Some(0), "{}", text(&warning.stderr));
    let denied = watchbook(&[
        "lint",
        "tests/fixtures/lints/alert-without-summary/bad",
        "--deny",
        "warnings",
    ]);
    assert_eq!(denied.status.code(), Some(1));
}

#[test]
fn the_octollm_rules_lint_clean_even_with_warnings_denied() {
    let result = watchbook(&["lint", "--deny", "warnings"]);
    assert!(
        result.status.success(),
        "{}{}",
        text(&result.stdout),
        text(&result.stderr)
    );
}

#[test]
fn explain_documents_every_code_and_name() {
    for lint in watchbook::lint::LINTS {
        for key in [lint.code, lint.name] {
            let out = watchbook(&["explain", key]);
            assert!(out.status.success(), "{key}");
            let doc = text(&out.stdout);
            assert!(
                doc.contains(lint.name)
                    && doc.contains("**What it does:**")
                    && doc.contains("**Why it is bad:**")
                    && doc.contains("**Example:**"),
                "{key}: {doc}"
            );
        }
    }
    assert_eq!(watchbook(&["explain", "L999"]).status.code(), Some(2));
}

#[test]
fn the_lint_docs_in_generated_are_complete() {
    let docs = std::fs::read_to_string(root().join("generated/docs/lints.md")).unwrap();
    for lint in watchbook::lint::LINTS {
        assert!(
            docs.contains(&format!("## {}\n\nCode `{}`.", lint.name, lint.code)),
            "{}",
            lint.name
        );
    }
    // Staying in sync is `compile --check`'s job, tested in compile.rs.
}

#[test]
fn sarif_output_has_the_required_fields_and_one_result_per_finding() {
    let dir = "tests/fixtures/lints/duplicate-alert/bad";
    let findings = lint_json(dir).as_array().unwrap().len();
    let out = watchbook(&["lint", dir, "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(sarif["$schema"].as_str().unwrap().contains("sarif"));
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "watchbook");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), watchbook::lint::LINTS.len());
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), findings);
    for result in results {
        assert!(result["ruleId"].is_string() && result["message"]["text"].is_string());
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        let rule = &rules[result["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], result["ruleId"]);
        assert!(
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .ends_with("main.wb")
        );
    }
}

#[test]
fn github_output_is_workflow_annotations() {
    let out = watchbook(&[
        "lint",
        "tests/fixtures/lints/expression-without-comparison/bad",
        "--format",
        "github",
    ]);
    let lines = text(&out.stdout);
    let line = lines
        .lines()
        .find(|l| l.contains("title=L004"))
        .expect("an L004 annotation");
    assert!(
        line.starts_with(
            "::error file=tests/fixtures/lints/expression-without-comparison/bad/main.wb,line="
        ),
        "{line}"
    );
    assert!(
        line.contains("::the expression of alert `HighLoad` compares nothing"),
        "{line}"
    );
}

#[test]
fn suppressions_need_a_reason_and_expire() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let source = "severity warning { response 1h }\n\n# watchbook: allow alert-without-summary until 2026-06-30: summary lands with the next release\nalert HighLoad {\n  expr `node_load1 > 10`\n  for 5m\n  severity warning\n  investigate { step \"Look\" }\n}\n";
    std::fs::write(dir.join("main.wb"), source).unwrap();
    let run = |today: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_watchbook"))
            .args(["lint", dir.to_str().unwrap(), "--format", "json"])
            .env("WATCHBOOK_TODAY", today)
            .output()
            .unwrap();
        codes(&serde_json::from_slice(&out.stdout).unwrap())
    };
    let before = run("2026-06-01");
    assert!(
        !before.contains(&"L017".to_string()),
        "suppressed: {before:?}"
    );
    assert!(!before.contains(&"L900".to_string()), "{before:?}");
    let after = run("2026-07-01");
    assert!(
        after.contains(&"L017".to_string()),
        "expired, so the finding is back: {after:?}"
    );
    assert!(
        after.contains(&"L900".to_string()),
        "and the expiry is reported: {after:?}"
    );
}

#[test]
fn tightening_the_policy_below_the_rules_fails_at_both_places() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules");
    common::copy_dir(&root().join("rules"), &rules);
    let policy = rules.join("policy.wb");
    let source = std::fs::read_to_string(&policy).unwrap();
    std::fs::write(
        &policy,
        source.replacen("critical at_most 10%", "critical at_most 5%", 1),
    )
    .unwrap();
    let result = watchbook(&["lint", rules.to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(1));
    let out = text(&result.stdout);
    assert!(out.contains("L100"), "{out}");
    // The threshold's line and the policy's line are both shown.
    assert!(
        out.contains("queries.wb") && out.contains("critical above 10%"),
        "{out}"
    );
    assert!(
        out.contains("policy.wb") && out.contains("threshold error_rate critical at_most 5%"),
        "{out}"
    );

    let json = watchbook(&["lint", rules.to_str().unwrap(), "--format", "json"]);
    let findings: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let finding = findings
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "L100")
        .unwrap();
    assert_eq!(
        finding["message"],
        "policy `critical error rate pages at 10% or less`: the critical level of `error_rate` is above 10%, above the policy's maximum of 5%"
    );
    assert!(finding["location"]["file"]
        .as_str()
        .unwrap()
        .ends_with("queries.wb"));
    assert!(finding["related"][0]["location"]["file"]
        .as_str()
        .unwrap()
        .ends_with("policy.wb"));
}
