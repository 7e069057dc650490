//! `watchbook fmt`, through the real binary: `rules/` is formatted; formatting is idempotent
//! and never changes meaning (every fixture and `rules/` compile to byte-identical output, or
//! fail with the same codes, before and after); a copy of `rules/` with scrambled layout
//! formats back to `rules/` exactly.

mod common;

use common::{copy_dir, root, text, watchbook};
use std::path::{Path, PathBuf};

/// Directories that hold sources: `rules/` and every fixture directory with `.wb` files.
fn source_dirs() -> Vec<PathBuf> {
    let mut dirs = vec![root().join("rules")];
    for entry in walkdir::WalkDir::new(root().join("tests/fixtures"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_dir())
    {
        let holds_sources = std::fs::read_dir(entry.path())
            .unwrap()
            .filter_map(Result::ok)
            .any(|f| f.path().extension().is_some_and(|x| x == "wb"));
        if holds_sources {
            dirs.push(entry.into_path());
        }
    }
    dirs.sort();
    dirs
}

/// Every file of a compiled output but the manifest (it names the rules directory).
fn output(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.file_name() != ".watchbook")
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_path_buf();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// The output of a compile, or the codes it failed with.
fn compiled(rules: &Path, out: &Path) -> Result<Vec<(PathBuf, Vec<u8>)>, Vec<String>> {
    let result = watchbook(&[
        "compile",
        rules.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--format",
        "json",
    ]);
    if result.status.success() {
        return Ok(output(out));
    }
    let json: serde_json::Value = serde_json::from_slice(&result.stdout).unwrap_or_default();
    let mut codes: Vec<String> = json
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| Some(d["code"].as_str()?.to_string()))
        .collect();
    codes.sort();
    Err(codes)
}

#[test]
fn rules_are_formatted() {
    let result = watchbook(&["fmt", "rules", "--check"]);
    assert!(
        result.status.success(),
        "run `watchbook fmt rules`:\n{}{}",
        text(&result.stdout),
        text(&result.stderr)
    );
}

#[test]
fn formatting_is_idempotent_and_never_changes_what_compiles() {
    let dirs = source_dirs();
    assert!(dirs.len() > 80, "{}", dirs.len());
    let mut reformatted = 0;
    for dir in dirs {
        let tmp = tempfile::tempdir().unwrap();
        let copy = tmp.path().join("rules");
        copy_dir(&dir, &copy);
        let before = compiled(&copy, &tmp.path().join("before"));
        let first = watchbook(&["fmt", copy.to_str().unwrap()]);
        reformatted += text(&first.stderr).matches("formatted ").count();
        let after = compiled(&copy, &tmp.path().join("after"));
        assert!(
            before == after,
            "{}: formatting changed the output",
            dir.display()
        );
        // A file fmt refuses (a syntax error) is reported, and left as it was.
        if first.status.success() {
            let again = watchbook(&["fmt", copy.to_str().unwrap(), "--check"]);
            assert!(
                again.status.success(),
                "{}: not idempotent:\n{}",
                dir.display(),
                text(&again.stdout)
            );
        }
    }
    assert!(
        reformatted > 0,
        "no fixture needed formatting: the test shows nothing"
    );
}

/// Each line outside multi-line texts gets another indentation and trailing spaces, and
/// blank lines double.
fn scramble(source: &str) -> String {
    let mut out = String::new();
    let mut open: Option<String> = None;
    for (n, line) in source.lines().enumerate() {
        if open.is_none() {
            let indent = " ".repeat((n * 7) % 5);
            out.push_str(&indent);
            out.push_str(line.trim_start());
            out.push_str("   ");
            if line.trim().is_empty() {
                out.push('\n');
            }
        } else {
            out.push_str(line);
        }
        out.push('\n');
        open = still_open(line, open);
    }
    out
}

/// The fence of a backtick text or block still open at the end of `line`.
fn still_open(line: &str, mut open: Option<String>) -> Option<String> {
    let mut rest = line;
    loop {
        match &open {
            Some(fence) => match rest.find(fence.as_str()) {
                Some(at) => {
                    rest = &rest[at + fence.len()..];
                    open = None;
                }
                None => return open,
            },
            None => {
                let at = rest.find(['`', '"', '#'])?;
                let c = rest.as_bytes()[at];
                rest = &rest[at..];
                if c == b'#' {
                    return None;
                } else if rest.starts_with("\"\"\"") {
                    open = Some("\"\"\"".into());
                    rest = &rest[3..];
                } else if c == b'"' {
                    let end = rest[1..].find('"').map_or(rest.len(), |e| e + 2);
                    rest = &rest[end.min(rest.len())..];
                } else {
                    let run = rest.len() - rest.trim_start_matches('`').len();
                    open = Some("`".repeat(run));
                    rest = &rest[run..];
                }
            }
        }
    }
}

#[test]
fn a_scrambled_copy_of_the_rules_formats_back_to_them() {
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("rules");
    copy_dir(&root().join("rules"), &copy);
    let sources: Vec<PathBuf> = walkdir::WalkDir::new(&copy)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "wb"))
        .map(|e| e.into_path())
        .collect();
    for path in &sources {
        let original = std::fs::read_to_string(path).unwrap();
        let scrambled = scramble(&original);
        assert_ne!(scrambled, original);
        std::fs::write(path, scrambled).unwrap();
    }
    let result = watchbook(&["fmt", copy.to_str().unwrap()]);
    assert!(result.status.success(), "{}", text(&result.stderr));
    for path in &sources {
        let rel = path.strip_prefix(&copy).unwrap();
        let formatted = std::fs::read_to_string(path).unwrap();
        let original = std::fs::read_to_string(root().join("rules").join(rel)).unwrap();
        assert!(
            formatted == original,
            "{}: formats to\n{}",
            rel.display(),
            similar::TextDiff::from_lines(&original, &formatted).unified_diff()
        );
    }
}

#[test]
fn a_file_with_a_syntax_error_is_reported_and_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules");
    std::fs::create_dir_all(&rules).unwrap();
    let broken = "alert   ApiDown {\n      expr `up == 0\n";
    std::fs::write(rules.join("main.wb"), broken).unwrap();
    let result = watchbook(&["fmt", rules.to_str().unwrap()]);
    assert_eq!(result.status.code(), Some(1));
    assert!(
        text(&result.stderr).contains("E0012"),
        "{}",
        text(&result.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(rules.join("main.wb")).unwrap(),
        broken
    );
}

/// A source that is a link is formatted where it leads, and stays a link.
#[cfg(unix)]
#[test]
fn a_linked_source_stays_a_link() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules");
    std::fs::create_dir_all(rules.join("shared")).unwrap();
    std::fs::write(
        rules.join("shared/real.wb"),
        "severity   critical {response 15m}\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("shared/real.wb", rules.join("link.wb")).unwrap();
    let result = watchbook(&["fmt", rules.to_str().unwrap()]);
    assert!(result.status.success(), "{}", text(&result.stderr));
    let link = std::fs::symlink_metadata(rules.join("link.wb")).unwrap();
    assert!(link.file_type().is_symlink());
    assert_eq!(
        std::fs::read_to_string(rules.join("shared/real.wb")).unwrap(),
        "severity critical { response 15m }\n"
    );
}
