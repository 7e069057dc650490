//! Every error fixture, compiled by the real binary: it fails with exit code 1, writes
//! nothing, names `file:line:col`, and renders exactly as the snapshot shows.

mod common;

use common::{text, watchbook};

fn fixtures() -> Vec<String> {
    let dir = common::root().join("tests/fixtures/errors");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("fixtures")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn there_are_at_least_fifteen_error_fixtures() {
    assert!(fixtures().len() >= 15, "{:?}", fixtures());
}

#[test]
fn every_error_fixture_renders_with_its_location_and_writes_nothing() {
    for name in fixtures() {
        let out = tempfile::tempdir().expect("tempdir");
        let target = out.path().join("generated");
        let dir = format!("tests/fixtures/errors/{name}");
        let result = watchbook(&["compile", &dir, "--out", target.to_str().unwrap()]);
        let stderr = text(&result.stderr);
        assert_eq!(result.status.code(), Some(1), "{name}: {stderr}");
        assert!(
            !target.exists(),
            "{name}: a failed compile wrote {target:?}"
        );
        let location = format!("[{dir}/");
        assert!(
            stderr.contains(&location),
            "{name}: no file:line:col in\n{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        insta::assert_snapshot!(name.clone(), stderr);
    }
}

#[test]
fn json_diagnostics_carry_code_and_position() {
    let out = tempfile::tempdir().expect("tempdir");
    let result = watchbook(&[
        "compile",
        "tests/fixtures/errors/many_errors_at_once",
        "--out",
        out.path().join("g").to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(result.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&result.stdout).expect("valid JSON");
    let items = json.as_array().expect("an array");
    assert!(
        items.len() >= 3,
        "errors are collected, not just the first: {json}"
    );
    insta::assert_snapshot!("many_errors_at_once_json", text(&result.stdout));
}

/// Every key of an object and of the objects inside it, as `a.b.c` paths.
fn keys(value: &serde_json::Value, prefix: &str, out: &mut std::collections::BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                out.insert(path.clone());
                keys(v, &path, out);
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                keys(item, prefix, out);
            }
        }
        _ => {}
    }
}

/// The README's example of `--format json` has exactly the fields the compiler prints.
#[test]
fn the_readme_documents_the_json_shape_exactly() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let start = readme
        .find("`--format json` prints the same diagnostics")
        .expect("the README documents the JSON");
    let block = &readme[start..];
    let open = block.find("```json\n").unwrap() + "```json\n".len();
    let close = open + block[open..].find("```").unwrap();
    let documented: serde_json::Value = serde_json::from_str(&block[open..close]).unwrap();
    let mut documented_keys = std::collections::BTreeSet::new();
    keys(&documented, "", &mut documented_keys);
    // A duplicate alert has every field: a location, a label, a related place and a help.
    let mut printed_keys = std::collections::BTreeSet::new();
    for dir in [
        "tests/fixtures/errors/many_errors_at_once",
        "tests/fixtures/errors/duplicate_name",
    ] {
        let result = watchbook(&[
            "compile",
            dir,
            "--out",
            "/tmp/never-written",
            "--format",
            "json",
        ]);
        let json: serde_json::Value = serde_json::from_slice(&result.stdout).expect("JSON");
        keys(&json, "", &mut printed_keys);
    }
    assert_eq!(documented_keys, printed_keys);
}

#[test]
fn a_missing_rules_directory_is_an_error_not_a_panic() {
    let result = watchbook(&["compile", "no/such/dir", "--out", "/tmp/never-written"]);
    assert_eq!(result.status.code(), Some(1));
    assert!(text(&result.stderr).contains("E0001"));
}

#[test]
fn usage_errors_exit_with_two() {
    let result = watchbook(&["compile", "--no-such-flag"]);
    assert_eq!(result.status.code(), Some(2));
}

/// rustc explains every code it prints; so do we: each fixture's codes, through the binary,
/// and `--list` names them all.
#[test]
fn every_code_an_error_fixture_prints_is_explained() {
    let listed = text(&watchbook(&["explain", "--list"]).stdout);
    let mut seen = std::collections::BTreeSet::new();
    for name in fixtures() {
        let dir = format!("tests/fixtures/errors/{name}");
        let out = tempfile::tempdir().expect("tempdir");
        let target = out.path().join("generated");
        let result = watchbook(&[
            "compile",
            &dir,
            "--out",
            target.to_str().unwrap(),
            "--format",
            "json",
        ]);
        let json: serde_json::Value = serde_json::from_slice(&result.stdout).unwrap();
        for d in json.as_array().unwrap() {
            seen.insert(d["code"].as_str().unwrap().to_string());
        }
    }
    assert!(seen.len() >= 40, "{seen:?}");
    for code in &seen {
        let explained = watchbook(&["explain", code]);
        let shown = text(&explained.stdout);
        assert!(
            explained.status.success(),
            "{code}: {}",
            text(&explained.stderr)
        );
        assert!(shown.starts_with(&format!("{code}: ")), "{code}: {shown}");
        assert!(
            listed.contains(&format!("{code}  ")),
            "{code} not in --list"
        );
    }
    let unknown = watchbook(&["explain", "E9999"]);
    assert_eq!(unknown.status.code(), Some(2));
}
