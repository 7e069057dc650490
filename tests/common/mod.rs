//! Helpers shared by the integration tests: the real binary, temporary copies of directories,
//! and the external validators.

#![allow(dead_code)]

pub mod promql;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the `watchbook` binary in the crate root.
pub fn watchbook(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_watchbook"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("the watchbook binary runs")
}

/// `watchbook compile RULES --out OUT`, ready for more arguments.
pub fn compile_command(rules: &Path, out: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_watchbook"));
    command
        .arg("compile")
        .arg(rules)
        .arg("--out")
        .arg(out)
        .env("NO_COLOR", "1");
    command
}

/// Compiles `rules` into `out`, which must succeed.
pub fn compile_ok(rules: &Path, out: &Path) {
    let result = compile_command(rules, out).output().unwrap();
    assert!(result.status.success(), "{}", text(&result.stderr));
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        let target = to.join(entry.path().strip_prefix(from).expect("prefix"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Every file below `dir` with its bytes, sorted by relative path.
pub fn snapshot_dir(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// Files below `dir` whose name ends with `suffix`, sorted.
pub fn files_ending(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().to_string_lossy().ends_with(suffix))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}

/// The file called `name` below `dir` (dashboards sit in folder directories when the source
/// provisions Grafana).
pub fn find_file(dir: &Path, name: &str) -> PathBuf {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.file_type().is_file() && e.file_name() == name)
        .map(|e| e.into_path())
        .unwrap_or_else(|| panic!("no {name} below {}", dir.display()))
}

/// An external validator, or `None` when it is missing outside CI. Under `CI=true` a missing
/// validator fails the test: CI must never pass by skipping.
pub fn tool(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("`{name}` is not installed; CI must run the real validator (see tests/run.sh)");
        }
        eprintln!("SKIPPED: `{name}` is not installed; run tests/run.sh to install it");
    }
    found
}

/// Runs validator `name` with `args` over `files` (many at a time) and asserts that it accepts
/// them all; false when the validator is missing outside CI.
pub fn validate(name: &str, args: &[&str], files: &[PathBuf]) -> bool {
    let Some(program) = tool(name) else {
        return false;
    };
    for chunk in files.chunks(200) {
        let out = Command::new(&program)
            .args(args)
            .args(chunk)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{name} {}: {}{}",
            args.join(" "),
            text(&out.stdout),
            text(&out.stderr)
        );
    }
    true
}

/// A file of `../shared` (the project's shared folder, laid beside this checkout: schemas and
/// reference outputs). Tests that need it fail when it is missing; they never skip.
pub fn shared(relative: &str) -> PathBuf {
    let path = root().join("../shared").join(relative);
    assert!(
        path.is_file(),
        "{} is missing: the tests need the project's shared folder beside this checkout \
         (../shared, with schemas/ and reference/), as CI lays it out",
        path.display()
    );
    path
}

/// A source with `services` services of one team each (teams cycle over `teams`), each with
/// three alerts.
pub fn many_alerts(dir: &Path, services: usize, teams: usize) {
    let mut text = String::from(
        "project \"Big\" { runbook_url \"https://runbooks.example/big\" }\n\
         severity critical { response 15m }\n\
         environment prod { namespace \"prod\" }\n",
    );
    for n in 0..services {
        text.push_str(&format!(
            "service s{n} {{ team \"team-{}\" selector {{ job = \"s{n}\" }} environments [prod] }}\n",
            n % teams
        ));
        for kind in ["Down", "Slow", "Full"] {
            text.push_str(&format!(
                "alert S{n}{kind} {{\n  expr `up{{$selector}} == 0`\n  services [s{n}]\n  severity critical\n  summary \"{{{{ $labels.job }}}} is {kind}.\"\n}}\n"
            ));
        }
    }
    text.push_str("alert Everywhere {\n  expr `up == 0`\n  severity critical\n}\n");
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("main.wb"), text).unwrap();
}

/// A message as one line, however the renderer wrapped it.
pub fn one_line(message: &str) -> String {
    message
        .replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
