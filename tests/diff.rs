//! `watchbook diff` and `lint --base` on real git histories built in temporary directories:
//! the base is `tests/fixtures/diff/v1`, the change `v2` (a looser threshold, a renamed
//! alert, an alert that stops paging, a new alert, a deleted SLO, a reworked dashboard, an
//! edited step). The reports a reviewer reads are snapshots.

mod common;

use common::{root, text};
use std::path::Path;
use std::process::{Command, Output};

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
        .args(args)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", text(&out.stderr));
}

/// A repository whose last commit has v1 in `rules/`, and v2 in the working tree.
fn repository() -> tempfile::TempDir {
    let repo = tempfile::tempdir().unwrap();
    let rules = repo.path().join("rules");
    std::fs::create_dir_all(&rules).unwrap();
    git(repo.path(), &["init", "-q"]);
    std::fs::copy(
        root().join("tests/fixtures/diff/v1/main.wb"),
        rules.join("main.wb"),
    )
    .unwrap();
    git(repo.path(), &["add", "."]);
    git(repo.path(), &["commit", "-q", "-m", "v1"]);
    std::fs::copy(
        root().join("tests/fixtures/diff/v2/main.wb"),
        rules.join("main.wb"),
    )
    .unwrap();
    repo
}

fn run(repo: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_watchbook"))
        .args(args)
        .current_dir(repo)
        .env("NO_COLOR", "1")
        .env("WATCHBOOK_TODAY", "2026-12-04")
        .output()
        .expect("the watchbook binary runs")
}

#[test]
fn the_report_says_what_a_reviewer_asks() {
    let repo = repository();
    let human = run(repo.path(), &["diff", "rules", "--base", "HEAD"]);
    assert_eq!(human.status.code(), Some(0), "{}", text(&human.stderr));
    let human = text(&human.stdout);
    for expected in [
        "~ CheckoutDown → CheckoutUnavailable (critical)",
        "threshold error_rate (critical): 5% → 10% (looser)",
        "PaymentsSlow (warning): pager, chat → chat — no longer pages",
        "- checkout_availability",
        "+ PaymentsFailing (critical)",
    ] {
        assert!(human.contains(expected), "`{expected}` not in\n{human}");
    }
    insta::assert_snapshot!("diff_human", human);
    let markdown = text(
        &run(
            repo.path(),
            &["diff", "rules", "--base", "HEAD", "--format", "markdown"],
        )
        .stdout,
    );
    assert!(markdown.contains("| Paging changes | 1 ⚠️ |"), "{markdown}");
    insta::assert_snapshot!("diff_markdown", markdown);
    let json = run(
        repo.path(),
        &["diff", "rules", "--base", "HEAD", "--format", "json"],
    );
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(json["summary"]["loosened"], 2);
    assert_eq!(json["summary"]["paging_changes"], 1);
    assert_eq!(json["alerts"]["renamed"][0]["to"], "CheckoutUnavailable");
    assert_eq!(json["slos"]["removed"][0], "checkout_availability");
    insta::assert_snapshot!("diff_json", serde_json::to_string_pretty(&json).unwrap());
}

#[test]
fn fail_on_turns_a_loosening_or_a_paging_change_into_a_failure() {
    let repo = repository();
    for flag in ["loosened", "paging-change"] {
        let out = run(
            repo.path(),
            &["diff", "rules", "--base", "HEAD", "--fail-on", flag],
        );
        assert_eq!(out.status.code(), Some(1), "{flag}");
        assert!(
            text(&out.stderr).contains("loosens 2 alert or SLO settings"),
            "{}",
            text(&out.stderr)
        );
    }
    // The same history, committed: the base is the previous commit.
    git(repo.path(), &["commit", "-q", "-am", "v2"]);
    let out = run(
        repo.path(),
        &["diff", "rules", "--base", "HEAD~1", "--format", "json"],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["base"], "HEAD~1");
    assert_eq!(json["summary"]["alerts_renamed"], 1);
    // Against itself, nothing changed, and nothing fails.
    let out = run(
        repo.path(),
        &["diff", "rules", "--base", "HEAD", "--fail-on", "loosened"],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stdout).contains("No change to alerts"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn change_policies_need_a_new_reason() {
    let repo = repository();
    let lint = run(repo.path(), &["lint", "rules", "--base", "HEAD"]);
    let stderr = text(&lint.stdout) + &text(&lint.stderr);
    assert_eq!(lint.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.matches("L101").count(), 3, "{stderr}");
    assert!(
        stderr.contains("`HighErrorRate` is loosened without"),
        "{stderr}"
    );
    assert!(
        stderr.contains("`PaymentsSlow` is taken off the pager"),
        "{stderr}"
    );
    // With the reasons written, the change passes.
    let path = repo.path().join("rules/main.wb");
    let source = std::fs::read_to_string(&path)
        .unwrap()
        .replace(
            "critical above 10% }",
            "critical above 10%\n  reason \"5% paged on every deploy; 10% is a real outage\" }",
        )
        .replace(
            "  severity warning\n  for 10m",
            "  severity warning\n  for 10m\n  reason \"slow payments are a ticket, not a page\"",
        );
    std::fs::write(&path, source).unwrap();
    let lint = run(repo.path(), &["lint", "rules", "--base", "HEAD"]);
    let all = text(&lint.stdout) + &text(&lint.stderr);
    assert!(!all.contains("L101"), "{all}");
    let report = text(&run(repo.path(), &["diff", "rules", "--base", "HEAD"]).stdout);
    assert!(
        report.contains("reason: 5% paged on every deploy"),
        "{report}"
    );
}

#[test]
fn a_directory_can_be_the_base_and_a_bad_base_is_a_clear_error() {
    let out = run(
        &root(),
        &[
            "diff",
            "tests/fixtures/diff/v2",
            "--base-dir",
            "tests/fixtures/diff/v1",
            "--format",
            "json",
        ],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["summary"]["alerts_added"], 1);
    let outside = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(outside.path().join("rules")).unwrap();
    let out = run(outside.path(), &["diff", "rules", "--base", "main"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("is not in a git repository"),
        "{}",
        text(&out.stderr)
    );
    let repo = repository();
    let out = run(repo.path(), &["diff", "rules", "--base", "no-such-branch"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("`no-such-branch` names no commit"),
        "{}",
        text(&out.stderr)
    );
}
