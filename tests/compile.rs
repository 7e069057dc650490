//! The compile command end to end: `--check`, staleness diffs, determinism, atomic and
//! complete writes, stale file removal, and no panic on any truncation of the real sources.

mod common;

use common::{copy_dir, root, snapshot_dir, text, watchbook};
use std::path::Path;

fn compile_into(rules: &Path, out: &Path) -> std::process::Output {
    watchbook(&[
        "compile",
        rules.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

#[test]
fn generated_is_up_to_date_with_rules() {
    let result = watchbook(&["compile", "--check"]);
    assert_eq!(
        result.status.code(),
        Some(0),
        "generated/ is stale; run `cargo run -- compile`:\n{}{}",
        text(&result.stdout),
        text(&result.stderr)
    );
}

#[test]
fn changing_a_threshold_makes_check_fail_with_a_diff_of_that_line() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules");
    let generated = tmp.path().join("generated");
    copy_dir(&root().join("rules"), &rules);
    copy_dir(&root().join("generated"), &generated);
    let queries = rules.join("queries.wb");
    let source = std::fs::read_to_string(&queries).unwrap();
    let changed = source.replacen("critical above 10%", "critical above 12%", 1);
    assert_ne!(source, changed, "the fixture threshold exists");
    std::fs::write(&queries, changed).unwrap();

    let result = watchbook(&[
        "compile",
        rules.to_str().unwrap(),
        "--out",
        generated.to_str().unwrap(),
        "--check",
    ]);
    assert_eq!(result.status.code(), Some(1));
    let diff = text(&result.stdout);
    assert!(diff.contains("-      ) > 10\n"), "{diff}");
    assert!(diff.contains("+      ) > 12\n"), "{diff}");
    assert!(diff.contains("alerts/services.rules.yml"), "{diff}");
    assert!(text(&result.stderr).contains("is stale"));
}

#[test]
fn compiling_twice_gives_byte_identical_output() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    assert!(compile_into(&root().join("rules"), &a).status.success());
    assert!(compile_into(&root().join("rules"), &b).status.success());
    let first = snapshot_dir(&a);
    assert!(first.len() > 3);
    assert_eq!(first, snapshot_dir(&b));
    // A second compile into the same directory changes nothing.
    let again = compile_into(&root().join("rules"), &a);
    assert!(
        text(&again.stderr).contains("0 written"),
        "{}",
        text(&again.stderr)
    );
    assert_eq!(first, snapshot_dir(&a));
}

#[test]
fn a_failed_compile_leaves_the_output_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules");
    let generated = tmp.path().join("generated");
    copy_dir(&root().join("rules"), &rules);
    copy_dir(&root().join("generated"), &generated);
    let before = snapshot_dir(&generated);
    // One good change (that would rewrite a file) and one error elsewhere.
    let queries = rules.join("queries.wb");
    let source = std::fs::read_to_string(&queries).unwrap();
    std::fs::write(
        &queries,
        source.replacen("critical above 10%", "critical above 12%", 1),
    )
    .unwrap();
    std::fs::write(rules.join("broken.wb"), "alert Broken {\n  for 5x\n}\n").unwrap();
    let result = compile_into(&rules, &generated);
    assert_eq!(result.status.code(), Some(1));
    assert!(text(&result.stderr).contains("nothing was written"));
    assert_eq!(before, snapshot_dir(&generated));
}

#[test]
fn files_we_no_longer_generate_are_removed_and_foreign_directories_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let (rules, out) = (tmp.path().join("rules"), tmp.path().join("out"));
    copy_dir(&root().join("rules"), &rules);
    std::fs::create_dir_all(rules.join("old")).unwrap();
    std::fs::write(
        rules.join("old/removed.wb"),
        "import \"../project.wb\"\nrecord \"job:up:sum\" { expr `sum by (job) (up)` }\n",
    )
    .unwrap();
    assert!(compile_into(&rules, &out).status.success());
    // The plain rule file and its PrometheusRule twin (rules/ declares both targets).
    let stale = out.join("prometheus/old/removed.rules.yml");
    let twin = out.join("prometheus-operator/old/removed.yaml");
    assert!(stale.is_file() && twin.is_file());
    std::fs::remove_dir_all(rules.join("old")).unwrap();
    let result = compile_into(&rules, &out);
    assert!(
        text(&result.stderr).contains("2 removed"),
        "{}",
        text(&result.stderr)
    );
    assert!(!stale.exists() && !stale.parent().unwrap().exists());
    assert!(!twin.exists() && !twin.parent().unwrap().exists());

    let foreign = tmp.path().join("foreign");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("notes.txt"), "mine").unwrap();
    let result = compile_into(&root().join("rules"), &foreign);
    assert_eq!(result.status.code(), Some(1));
    assert!(text(&result.stderr).contains("E0301"));
    assert_eq!(
        std::fs::read_to_string(foreign.join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn no_truncation_of_the_real_sources_makes_the_compiler_panic() {
    let files = common::files_ending(&root().join("rules"), ".wb");
    let tmp = tempfile::tempdir().unwrap();
    let mut compiles = 0;
    for file in &files {
        let source = std::fs::read_to_string(file).unwrap();
        let cuts = (0..source.len())
            .step_by(11)
            .filter(|i| source.is_char_boundary(*i));
        for cut in cuts {
            let dir = tmp.path().join(format!("case{compiles}"));
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join("main.wb"), &source[..cut]).unwrap();
            // Any panic fails this test; the result itself may be an error or not.
            let compilation = watchbook::compile::compile(&dir);
            if let Err(diagnostics) = &compilation.result {
                assert!(!diagnostics.is_empty());
                let rendered =
                    watchbook::diagnostic::render_human(diagnostics, &compilation.sources, false);
                assert!(rendered.contains("main.wb"), "{rendered}");
            }
            compiles += 1;
        }
    }
    assert!(compiles > 100, "only {compiles} cases");
}
