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

/// Enough alerts or recording rules (`kind`), over several files and groups, to be resolved in
/// runs on several cores; those numbered in `broken` use an unknown service.
fn many_rules_in_groups(rules: &Path, kind: &str, broken: &[usize]) {
    std::fs::create_dir_all(rules).unwrap();
    let mut files = vec![String::from(
        "severity critical {}\nservice api { selector { job = \"api\" } }\ngroup slow \"slow\" { interval 5m }\n",
    )];
    files.extend(["", ""].map(String::from));
    for i in 0..150 {
        let group = if i % 4 == 0 { "  group slow\n" } else { "" };
        let service = if broken.contains(&i) { "nosuch" } else { "api" };
        let rule = match kind {
            "alert" => format!(
                "alert A{i} {{\n{group}  expr `up{{job=\"a{i}\"}} == 0`\n  severity critical\n  services [{service}]\n}}\n"
            ),
            _ => format!(
                "record \"rec:r{i}\" {{\n{group}  expr `sum(up{{job=\"r{i}\"}})`\n  services [{service}]\n}}\n"
            ),
        };
        files[i % 3].push_str(&rule);
    }
    for (n, text) in files.iter().enumerate() {
        let import = if n == 0 { "" } else { "import \"f0.wb\"\n" };
        std::fs::write(rules.join(format!("f{n}.wb")), format!("{import}{text}")).unwrap();
    }
}

/// Alerts or recording rules resolved on several cores keep their order and groups.
fn rules_keep_their_order_and_groups(kind: &str, listed_as: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules");
    many_rules_in_groups(&rules, kind, &[]);
    let out = tmp.path().join("out");
    common::compile_ok(&rules, &out);
    let read = |n: usize| std::fs::read_to_string(out.join(format!("prometheus/f{n}.rules.yml")));
    // The rules of one group, in the order the rule file lists them.
    let listed = |text: &str, group: &str| -> Vec<usize> {
        let start = text.find(&format!("- name: {group}\n")).expect(group);
        let rest = &text[start + 1..];
        let end = rest.find("\n- name: ").unwrap_or(rest.len());
        rest[..end]
            .lines()
            .filter_map(|l| l.trim().strip_prefix(listed_as))
            .map(|i| i.parse().unwrap())
            .collect()
    };
    let first = read(0).unwrap();
    // Each file's own group holds its rules in order; the declared group, in the file that
    // declares it, every file's rules that name it, in declaration order (file by file).
    for n in 0..3 {
        let text = read(n).unwrap();
        let own: Vec<usize> = (0..150).filter(|i| i % 3 == n && i % 4 != 0).collect();
        assert_eq!(listed(&text, &format!("f{n}")), own, "{text}");
    }
    let slow: Vec<usize> = (0..3)
        .flat_map(|n| (0..150).filter(move |i| i % 3 == n && i % 4 == 0))
        .collect();
    assert_eq!(listed(&first, "slow"), slow, "{first}");
}

#[test]
fn alerts_resolved_on_several_cores_keep_their_order_and_groups() {
    rules_keep_their_order_and_groups("alert", "- alert: A");
}

#[test]
fn recording_rules_resolved_on_several_cores_keep_their_order_and_groups() {
    rules_keep_their_order_and_groups("record", "- record: rec:r");
}

/// Compiles `many_rules_in_groups` with A5, A7 and A140 (or their recording rules) broken:
/// the unknown service must be reported once, at the first use in declaration order.
fn unknown_name_reported_once_at_its_first_use(kind: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules");
    // 5 and 140 are in f2.wb, 7 in f1.wb: resolved in different runs.
    many_rules_in_groups(&rules, kind, &[5, 7, 140]);
    let result = common::compile_command(&rules, &tmp.path().join("out"))
        .output()
        .unwrap();
    assert!(!result.status.success());
    let stderr = text(&result.stderr);
    // Reported at 7 in f1.wb, the first in declaration order, with the later uses counted.
    assert_eq!(stderr.matches("`nosuch`").count(), 1, "{stderr}");
    assert!(stderr.contains("f1.wb:"), "{stderr}");
    assert!(stderr.contains("used again below"), "{stderr}");
}

#[test]
fn an_unknown_name_used_by_alerts_on_several_cores_is_reported_once_at_its_first_use() {
    unknown_name_reported_once_at_its_first_use("alert");
}

#[test]
fn an_unknown_name_used_by_recording_rules_on_several_cores_is_reported_once_at_its_first_use() {
    unknown_name_reported_once_at_its_first_use("record");
}
