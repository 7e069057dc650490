//! The rule-file features of the language (variants, rule groups, `keep_firing_for`, labels
//! and annotations per alert, `runbook_url` overrides, every comparison and bands, `${query}`
//! references, fenced backtick text), compiled from `tests/fixtures/language` and checked by
//! the real promtool: the rule files load and the examples' unit tests pass.

mod common;

use common::{compile_command, files_ending, root, text, validate};

fn compiled() -> tempfile::TempDir {
    let out = tempfile::tempdir().expect("tempdir");
    let result = compile_command(
        &root().join("tests/fixtures/language"),
        &out.path().join("g"),
    )
    .output()
    .expect("compile runs");
    assert!(result.status.success(), "{}", text(&result.stderr));
    out
}

#[test]
fn promtool_loads_the_rules_and_passes_their_tests() {
    let out = compiled();
    let prometheus = out.path().join("g/prometheus");
    let rules = files_ending(&prometheus, ".rules.yml");
    assert_eq!(rules.len(), 3, "{rules:?}");
    validate("promtool", &["check", "rules"], &rules);
    let tests = files_ending(&prometheus, ".test.yml");
    assert_eq!(tests.len(), 2, "{tests:?}");
    validate("promtool", &["test", "rules"], &tests);
}

#[test]
fn rule_files_read_as_the_snapshot_shows() {
    let out = compiled();
    for file in files_ending(&out.path().join("g/prometheus"), ".rules.yml") {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(name, std::fs::read_to_string(&file).unwrap());
    }
}

/// The variants of one alert share one runbook section, which lists each level.
#[test]
fn variants_share_one_runbook_section() {
    let out = compiled();
    let runbook = std::fs::read_to_string(out.path().join("g/runbook/runbook.md")).unwrap();
    assert_eq!(runbook.matches("#### NodeFilesystemAlmostFull").count(), 1);
    let section = &runbook[runbook.find("#### NodeFilesystemAlmostFull").unwrap()..];
    let section = &section[..section[4..].find("#### ").map_or(section.len(), |i| i + 4)];
    assert!(
        section.contains("**Warning:** Fires when free filesystem space is at or below 15%"),
        "{section}"
    );
    assert!(
        section.contains("**Critical:** Fires when free filesystem space is below 5%"),
        "{section}"
    );
}
