//! The rules directory as it was at a git ref, read out of git into a scratch directory:
//! the sources (`.wb`) and notification templates (`.tmpl`) below the same path in the
//! repository. Nothing but `git ls-tree` and `git cat-file` is run, and every path is checked
//! to stay inside the scratch directory.

use std::path::{Component, Path};
use std::process::Command;

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// A scratch directory holding `rules` as it was at `reference`.
pub(super) fn from_git(rules: &Path, reference: &str) -> Result<tempfile::TempDir, String> {
    if reference.starts_with('-') {
        return Err(format!("`{reference}` is not a git ref"));
    }
    if !rules.is_dir() {
        return Err(format!("`{}` is not a directory", rules.display()));
    }
    let prefix = git(rules, &["rev-parse", "--show-prefix"])
        .map_err(|e| format!("`{}` is not in a git repository: {e}", rules.display()))?;
    let prefix = String::from_utf8_lossy(&prefix).trim().to_string();
    let commit = git(
        rules,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{reference}^{{commit}}"),
        ],
    )
    .map_err(|_| format!("`{reference}` names no commit in this repository"))?;
    let commit = String::from_utf8_lossy(&commit).trim().to_string();
    let mut args = vec!["ls-tree", "-r", "-z", "--full-tree", "--name-only", &commit];
    if !prefix.is_empty() {
        args.extend(["--", prefix.as_str()]);
    }
    let listing =
        git(rules, &args).map_err(|e| format!("cannot list `{prefix}` at `{reference}`: {e}"))?;
    let scratch =
        tempfile::tempdir().map_err(|e| format!("cannot make a scratch directory: {e}"))?;
    let top = git(rules, &["rev-parse", "--show-toplevel"])?;
    let top = std::path::PathBuf::from(String::from_utf8_lossy(&top).trim());
    for path in listing.split(|b| *b == 0).filter(|p| !p.is_empty()) {
        let path = String::from_utf8_lossy(path).into_owned();
        let Some(relative) = path.strip_prefix(&prefix) else {
            continue;
        };
        let wanted = relative.ends_with(".wb") || relative.ends_with(".tmpl");
        let plain = Path::new(relative)
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
        if !wanted || !plain {
            continue;
        }
        let bytes = git(&top, &["cat-file", "blob", &format!("{commit}:{path}")])?;
        let target = scratch.path().join(relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::write(&target, bytes).map_err(|e| e.to_string())?;
    }
    Ok(scratch)
}
