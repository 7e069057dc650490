//! `watchbook init`: the starter project compiles, lints clean with warnings denied, and its
//! output passes promtool (rules and unit tests), amtool (configuration and route tests);
//! `init` never writes into a directory that holds anything.

mod common;

use common::{compile_command, files_ending, text, tool, validate, watchbook};
use std::process::Command;

#[test]
fn a_new_project_compiles_lints_clean_and_passes_the_real_validators() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules");
    let init = watchbook(&["init", rules.to_str().unwrap()]);
    assert!(init.status.success(), "{}", text(&init.stderr));
    let out = tmp.path().join("generated");
    let compiled = compile_command(&rules, &out).output().unwrap();
    assert!(compiled.status.success(), "{}", text(&compiled.stderr));
    let lint = watchbook(&["lint", rules.to_str().unwrap(), "--deny", "warnings"]);
    assert!(
        lint.status.success(),
        "{}{}",
        text(&lint.stdout),
        text(&lint.stderr)
    );
    let rule_files = files_ending(&out.join("prometheus"), ".rules.yml");
    assert!(!rule_files.is_empty());
    if !validate("promtool", &["check", "rules"], &rule_files) {
        return;
    }
    let tests = files_ending(&out.join("prometheus/tests"), ".test.yml");
    assert!(!tests.is_empty(), "the starter alert has examples");
    let Some(promtool) = tool("promtool") else {
        return;
    };
    let run = Command::new(promtool)
        .args(["test", "rules"])
        .args(&tests)
        .current_dir(out.join("prometheus"))
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", text(&run.stdout));
    if !validate(
        "amtool",
        &["check-config"],
        &[out.join("alertmanager/alertmanager.yml")],
    ) {
        return;
    }
    let routes = Command::new("sh")
        .arg(out.join("alertmanager/route-tests.sh"))
        .output()
        .unwrap();
    assert!(routes.status.success(), "{}", text(&routes.stderr));
}

#[test]
fn init_never_writes_into_a_directory_that_holds_something() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("mine.wb"), "# mine\n").unwrap();
    let init = watchbook(&["init", tmp.path().to_str().unwrap()]);
    assert_eq!(init.status.code(), Some(1));
    assert!(
        text(&init.stderr).contains("is not empty"),
        "{}",
        text(&init.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("mine.wb")).unwrap(),
        "# mine\n"
    );
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
}
