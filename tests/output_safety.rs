//! The output directory is owned, switched atomically and never escaped: foreign files are
//! kept, links are not followed out, concurrent and killed compiles leave the old tree or the
//! new one, and modes follow the umask.

mod common;

use common::{compile_command, copy_dir, root, snapshot_dir, text};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn compile(rules: &Path, out: &Path, extra: &[&str]) -> Output {
    compile_command(rules, out)
        .args(extra)
        .output()
        .expect("the watchbook binary runs")
}

/// A temp dir with a copy of `rules/` and a compiled `out/`.
fn compiled() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let (rules, out) = (tmp.path().join("rules"), tmp.path().join("out"));
    copy_dir(&root().join("rules"), &rules);
    let result = compile(&rules, &out, &[]);
    assert!(result.status.success(), "{}", text(&result.stderr));
    (tmp, rules, out)
}

/// Changes one threshold, so that a compile rewrites a rule file.
fn change_threshold(rules: &Path, to: &str) {
    let queries = rules.join("queries.wb");
    let source = std::fs::read_to_string(&queries).unwrap();
    let at = source
        .find("critical above ")
        .expect("a critical threshold");
    let end = at + source[at..].find('%').unwrap();
    let changed = format!("{}critical above {to}{}", &source[..at], &source[end..]);
    std::fs::write(&queries, changed).unwrap();
}

/// Entries beside `out` that a writer left (`.out.watchbook-*`).
fn leftovers(out: &Path) -> Vec<String> {
    let prefix = format!(".{}.watchbook-", out.file_name().unwrap().to_string_lossy());
    std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&prefix))
        .collect()
}

#[test]
fn foreign_files_in_the_output_are_never_deleted() {
    let (_tmp, rules, out) = compiled();
    let foreign = [
        "README.md",
        ".git/config",
        ".git/objects/ab/cdef",
        "prometheus/notes.txt",
    ];
    for f in foreign {
        std::fs::create_dir_all(out.join(f).parent().unwrap()).unwrap();
        std::fs::write(out.join(f), format!("mine: {f}")).unwrap();
    }
    std::fs::create_dir_all(out.join("empty-dir")).unwrap();
    change_threshold(&rules, "12");
    let result = compile(&rules, &out, &[]);
    assert!(result.status.success(), "{}", text(&result.stderr));
    assert!(
        !text(&result.stderr).contains(" 0 written"),
        "{}",
        text(&result.stderr)
    );
    for f in foreign {
        assert_eq!(
            std::fs::read_to_string(out.join(f)).unwrap(),
            format!("mine: {f}")
        );
    }
    assert!(out.join("empty-dir").is_dir());
    assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
}

#[test]
fn a_foreign_file_where_a_generated_one_goes_is_an_error_that_names_it() {
    let (_tmp, rules, out) = compiled();
    let before = snapshot_dir(&out);
    std::fs::create_dir_all(rules.join("extra")).unwrap();
    std::fs::write(
        rules.join("extra/new.wb"),
        "import \"../project.wb\"\nrecord \"job:up:sum\" { expr `sum by (job) (up)` }\n",
    )
    .unwrap();
    std::fs::create_dir_all(out.join("prometheus/extra")).unwrap();
    std::fs::write(out.join("prometheus/extra/new.rules.yml"), "not ours\n").unwrap();
    let result = compile(&rules, &out, &[]);
    assert_eq!(result.status.code(), Some(1));
    let stderr = text(&result.stderr);
    assert!(stderr.contains("E0303"), "{stderr}");
    assert!(
        stderr.contains("prometheus/extra/new.rules.yml"),
        "{stderr}"
    );
    let mut expected = before;
    expected.push((
        "prometheus/extra/new.rules.yml".into(),
        b"not ours\n".to_vec(),
    ));
    expected.sort();
    assert_eq!(snapshot_dir(&out), expected);
}

#[test]
fn links_out_of_the_output_are_neither_followed_nor_printed() {
    let (tmp, rules, out) = compiled();
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("alertmanager.yml"), "SECRET-OUTSIDE\n").unwrap();
    std::fs::remove_dir_all(out.join("alertmanager")).unwrap();
    std::os::unix::fs::symlink(&outside, out.join("alertmanager")).unwrap();
    for extra in [&[][..], &["--check"][..]] {
        let result = compile(&rules, &out, extra);
        assert_eq!(result.status.code(), Some(1));
        let all = text(&result.stdout) + &text(&result.stderr);
        assert!(
            all.contains("E0303") && all.contains("symbolic link"),
            "{all}"
        );
        assert!(!all.contains("SECRET-OUTSIDE"), "{all}");
    }
    assert_eq!(
        std::fs::read_to_string(outside.join("alertmanager.yml")).unwrap(),
        "SECRET-OUTSIDE\n"
    );
    assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 1);
}

#[test]
fn an_edited_file_that_is_no_longer_generated_is_kept_with_a_warning() {
    let (_tmp, rules, out) = compiled();
    std::fs::write(
        rules.join("extra.wb"),
        "import \"project.wb\"\nrecord \"job:up:sum\" { expr `sum by (job) (up)` }\n",
    )
    .unwrap();
    assert!(compile(&rules, &out, &[]).status.success());
    let generated = out.join("prometheus/extra.rules.yml");
    std::fs::write(&generated, "edited by hand\n").unwrap();
    std::fs::remove_file(rules.join("extra.wb")).unwrap();
    let result = compile(&rules, &out, &[]);
    assert!(result.status.success());
    assert!(
        text(&result.stderr).contains("W0301"),
        "{}",
        text(&result.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&generated).unwrap(),
        "edited by hand\n"
    );
    // It is no longer listed: the next compile leaves it alone silently.
    let again = compile(&rules, &out, &[]);
    assert!(again.status.success() && !text(&again.stderr).contains("W0301"));
    assert!(generated.exists());
}

#[test]
fn a_hostile_manifest_cannot_delete_anything() {
    let (tmp, rules, out) = compiled();
    let victim = tmp.path().join("victim.txt");
    std::fs::write(&victim, "keep me\n").unwrap();
    std::fs::write(out.join("keep.txt"), "keep me too\n").unwrap();
    let manifest = std::fs::read_to_string(out.join(".watchbook")).unwrap();
    let zeros = "0".repeat(64);
    std::fs::write(
        out.join(".watchbook"),
        format!("{manifest}{zeros}  ../victim.txt\n{zeros}  keep.txt\n"),
    )
    .unwrap();
    assert!(compile(&rules, &out, &[]).status.success());
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me\n");
    assert_eq!(
        std::fs::read_to_string(out.join("keep.txt")).unwrap(),
        "keep me too\n"
    );
}

#[test]
fn files_are_readable_by_all_and_scripts_executable() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "umask 022 && exec '{}' compile '{}' --out '{}'",
            env!("CARGO_BIN_EXE_watchbook"),
            root().join("rules").display(),
            out.display()
        ))
        .status()
        .unwrap();
    assert!(status.success());
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.unwrap();
        let mode = entry.metadata().unwrap().permissions().mode() & 0o777;
        let script = entry.path().extension().is_some_and(|e| e == "sh");
        let expected = if entry.file_type().is_dir() || script {
            0o755
        } else {
            0o644
        };
        assert_eq!(mode, expected, "{}", entry.path().display());
    }
}

#[test]
fn an_output_remembers_its_rules_directory() {
    let (tmp, _rules, out) = compiled();
    let other = tmp.path().join("other");
    copy_dir(&root().join("rules"), &other);
    let before = snapshot_dir(&out);
    let result = compile(&other, &out, &[]);
    assert_eq!(result.status.code(), Some(1));
    assert!(
        text(&result.stderr).contains("E0304"),
        "{}",
        text(&result.stderr)
    );
    assert_eq!(snapshot_dir(&out), before);
    let forced = compile(&other, &out, &["--force"]);
    assert!(forced.status.success(), "{}", text(&forced.stderr));
    let manifest = std::fs::read_to_string(out.join(".watchbook")).unwrap();
    assert!(manifest.contains("# rules: ../other\n"), "{manifest}");
}

#[test]
fn a_failure_part_way_leaves_the_old_tree_and_no_temp_files() {
    let (_tmp, rules, out) = compiled();
    std::fs::create_dir_all(out.join("tools")).unwrap();
    let fifo = out.join("tools/pipe");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let before = snapshot_dir(&out);
    change_threshold(&rules, "12");
    let result = compile(&rules, &out, &[]);
    assert_eq!(result.status.code(), Some(1));
    assert!(
        text(&result.stderr).contains("special file"),
        "{}",
        text(&result.stderr)
    );
    assert_eq!(snapshot_dir(&out), before);
    assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
}

#[test]
fn concurrent_compiles_wait_for_each_other_and_agree() {
    let (tmp, rules, out) = compiled();
    change_threshold(&rules, "12");
    let expected_dir = tmp.path().join("expected");
    assert!(compile(&rules, &expected_dir, &[]).status.success());
    let expected = snapshot_dir(&expected_dir);
    let children: Vec<_> = (0..6)
        .map(|_| {
            compile_command(&rules, &out)
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let result = child.wait_with_output().unwrap();
        assert!(result.status.success(), "{}", text(&result.stderr));
    }
    // The manifests differ only in the rules directory they name.
    let strip = |files: Vec<(String, Vec<u8>)>| -> Vec<(String, Vec<u8>)> {
        files
            .into_iter()
            .filter(|(p, _)| p != ".watchbook")
            .collect()
    };
    assert_eq!(strip(snapshot_dir(&out)), strip(expected));
    assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
}

#[test]
fn a_compile_killed_at_any_point_leaves_the_old_tree_or_the_new_one() {
    let (tmp, rules, out) = compiled();
    let old = snapshot_dir(&out);
    let new_rules = tmp.path().join("new-rules");
    copy_dir(&rules, &new_rules);
    change_threshold(&new_rules, "12");
    // The same tree as `out` would hold, manifest included (it names `../rules`).
    let twin = tmp.path().join("twin");
    std::fs::create_dir_all(&twin).unwrap();
    copy_dir(&new_rules, &twin.join("rules"));
    assert!(compile(&twin.join("rules"), &twin.join("out"), &[])
        .status
        .success());
    let new = snapshot_dir(&twin.join("out"));
    assert_ne!(old, new);
    std::fs::write(out.join("FOREIGN"), "mine\n").unwrap();
    let with_foreign = |mut tree: Vec<(String, Vec<u8>)>| {
        tree.push(("FOREIGN".into(), b"mine\n".to_vec()));
        tree.sort();
        tree
    };
    let (old, new) = (with_foreign(old), with_foreign(new));
    let mut seen = [0, 0];
    // Kills at growing delays; on a loaded machine a compile takes longer, so keep going
    // (bounded) until kills have landed on both sides.
    for step in 0..150u64 {
        if step >= 40 && seen[0] > 0 && seen[1] > 0 {
            break;
        }
        // Swap the new rules in with `--force` (they are another directory).
        kill_after(compile_command(&new_rules, &out).arg("--force"), step);
        let tree = normalized(snapshot_dir(&out));
        if tree == normalized(old.clone()) {
            seen[0] += 1;
        } else if tree == normalized(new.clone()) {
            seen[1] += 1;
        } else {
            panic!("step {step}: the output is neither the old tree nor the new one");
        }
        // The next run cleans up after the dead one and restores the old tree.
        let again = compile(&rules, &out, &["--force"]);
        assert!(again.status.success(), "{}", text(&again.stderr));
        assert!(
            leftovers(&out).is_empty(),
            "step {step}: {:?}\n{}",
            leftovers(&out),
            text(&again.stderr)
        );
        assert_eq!(
            normalized(snapshot_dir(&out)),
            normalized(old.clone()),
            "step {step}"
        );
    }
    assert!(
        seen[0] > 0 && seen[1] > 0,
        "kills landed only on one side: {seen:?}"
    );
}

/// Starts `compile` and kills it after `step` times 4 ms: kills at growing delays land
/// across the whole of a compile.
fn kill_after(compile: &mut Command, step: u64) {
    let mut child = compile.stderr(std::process::Stdio::null()).spawn().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(step * 4));
    let _ = child.kill();
    let _ = child.wait();
}

/// A tree with its manifest's `# rules:` line dropped: the kill test compiles from two rules
/// directories, and the twin tree names a third.
fn normalized(tree: Vec<(String, Vec<u8>)>) -> Vec<(String, Vec<u8>)> {
    tree.into_iter()
        .map(|(path, bytes)| {
            if path != ".watchbook" {
                return (path, bytes);
            }
            let kept: Vec<&str> = std::str::from_utf8(&bytes)
                .unwrap()
                .lines()
                .filter(|l| !l.starts_with("# rules: "))
                .collect();
            (path, kept.join("\n").into_bytes())
        })
        .collect()
}

#[test]
fn check_writes_nothing_not_even_directories() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("missing/parent/out");
    let result = compile(&root().join("rules"), &out, &["--check"]);
    assert_eq!(result.status.code(), Some(1));
    assert!(text(&result.stderr).contains("is stale"));
    assert!(!tmp.path().join("missing").exists());
}

#[test]
fn a_dangling_link_as_the_output_is_refused_and_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    std::os::unix::fs::symlink(tmp.path().join("nowhere"), &out).unwrap();
    let result = compile(&root().join("rules"), &out, &[]);
    assert_eq!(result.status.code(), Some(1));
    assert!(
        text(&result.stderr).contains("E0305"),
        "{}",
        text(&result.stderr)
    );
    assert!(std::fs::symlink_metadata(&out)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(!tmp.path().join("nowhere").exists());
}

#[test]
fn a_file_where_a_generated_directory_goes_changes_nothing() {
    let (_tmp, rules, out) = compiled();
    std::fs::remove_dir_all(out.join("grafana")).unwrap();
    std::fs::write(out.join("grafana"), "a file, not a directory\n").unwrap();
    let before = snapshot_dir(&out);
    change_threshold(&rules, "12");
    let result = compile(&rules, &out, &[]);
    assert_eq!(result.status.code(), Some(1));
    let stderr = text(&result.stderr);
    assert!(
        stderr.contains("E0303") && stderr.contains("grafana"),
        "{stderr}"
    );
    assert_eq!(snapshot_dir(&out), before);
    assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
}

#[test]
fn a_new_output_killed_at_any_point_is_absent_or_whole_and_leaves_nothing_beside_it() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules");
    copy_dir(&root().join("rules"), &rules);
    let expected_dir = tmp.path().join("expected");
    assert!(compile(&rules, &expected_dir, &[]).status.success());
    let expected = snapshot_dir(&expected_dir);
    let out = tmp.path().join("out");
    let mut seen = [0, 0];
    // New files wait in a parts directory beside the output until the tree is switched in.
    for step in 0..150u64 {
        if step >= 40 && seen[0] > 0 && seen[1] > 0 {
            break;
        }
        let _ = std::fs::remove_dir_all(&out);
        kill_after(&mut compile_command(&rules, &out), step);
        match std::fs::symlink_metadata(&out) {
            Err(_) => seen[0] += 1,
            Ok(_) => {
                assert_eq!(snapshot_dir(&out), expected, "step {step}");
                seen[1] += 1;
            }
        }
        // The next run deletes what the dead one left beside the output.
        let _ = std::fs::remove_dir_all(&out);
        let again = compile(&rules, &out, &[]);
        assert!(again.status.success(), "{}", text(&again.stderr));
        assert!(
            leftovers(&out).is_empty(),
            "step {step}: {:?}",
            leftovers(&out)
        );
        assert_eq!(snapshot_dir(&out), expected, "step {step}");
    }
    assert!(
        seen[0] > 0 && seen[1] > 0,
        "kills landed only on one side: {seen:?}"
    );
}
