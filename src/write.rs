//! Stage 6: generated files to disk. Only changed files are written, each atomically (temp
//! file in the same directory, then rename); stale files are removed, but only from a
//! directory that carries our marker. `--check` stops at the plan and shows it as a diff.

use crate::diagnostic::StageError;
use crate::emit::{Artifact, MARKER};
use crate::source::Span;
use std::fmt;
use std::io::Write;
use std::path::Path;

pub enum WriteError {
    NotOurs { dir: String },
    Io { path: String, reason: String },
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::NotOurs { dir } => write!(
                f,
                "`{dir}` holds files but was not written by watchbook; refusing to replace them"
            ),
            WriteError::Io { path, reason } => write!(f, "cannot write `{path}`: {reason}"),
        }
    }
}

impl StageError for WriteError {
    fn code(&self) -> &'static str {
        match self {
            WriteError::NotOurs { .. } => "E0301",
            WriteError::Io { .. } => "E0302",
        }
    }

    fn span(&self) -> Option<Span> {
        None
    }

    fn help(&self) -> Option<String> {
        match self {
            WriteError::NotOurs { .. } => Some(format!(
                "pass an empty or new directory with `--out`; watchbook marks its own with `{MARKER}`"
            )),
            WriteError::Io { .. } => None,
        }
    }
}

pub struct Change {
    pub path: String,
    pub old: Option<Vec<u8>>,
    pub new: Vec<u8>,
}

/// What a compile would change in the output directory.
pub struct Plan {
    pub changes: Vec<Change>,
    pub removals: Vec<String>,
    pub unchanged: usize,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.removals.is_empty()
    }
}

fn io(path: &Path, e: std::io::Error) -> WriteError {
    WriteError::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

/// Compares the artifacts with what is on disk.
pub fn plan(out: &Path, artifacts: &[Artifact]) -> Result<Plan, WriteError> {
    plan_only(out, artifacts, None)
}

/// Like [`plan`], restricted to the paths under `prefix` (`runbook/`) when one is given:
/// other outputs are neither written nor removed.
pub fn plan_only(
    out: &Path,
    artifacts: &[Artifact],
    prefix: Option<&str>,
) -> Result<Plan, WriteError> {
    let wanted = |path: &str| prefix.is_none_or(|p| path.starts_with(p));
    let selected: Vec<Artifact> = artifacts
        .iter()
        .filter(|a| wanted(&a.path))
        .cloned()
        .collect();
    let artifacts = selected.as_slice();
    let mut existing = existing_files(out)?;
    if !existing.is_empty() && !existing.iter().any(|p| p == MARKER) {
        return Err(WriteError::NotOurs {
            dir: out.display().to_string(),
        });
    }
    existing.retain(|p| wanted(p));
    let mut changes = Vec::new();
    let mut unchanged = 0;
    for artifact in artifacts {
        let path = out.join(&artifact.path);
        let old = if existing.contains(&artifact.path) {
            Some(std::fs::read(&path).map_err(|e| io(&path, e))?)
        } else {
            None
        };
        if old.as_deref() == Some(artifact.bytes.as_slice()) {
            unchanged += 1;
        } else {
            changes.push(Change {
                path: artifact.path.clone(),
                old,
                new: artifact.bytes.clone(),
            });
        }
    }
    let removals = existing
        .into_iter()
        .filter(|p| !artifacts.iter().any(|a| &a.path == p))
        .collect();
    Ok(Plan {
        changes,
        removals,
        unchanged,
    })
}

/// Relative paths of every file below `out`, sorted.
fn existing_files(out: &Path) -> Result<Vec<String>, WriteError> {
    if !out.exists() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(out).sort_by_file_name() {
        let entry = entry.map_err(|e| WriteError::Io {
            path: out.display().to_string(),
            reason: e.to_string(),
        })?;
        if entry.file_type().is_file() {
            if let Ok(relative) = entry.path().strip_prefix(out) {
                files.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    Ok(files)
}

/// Carries out a plan: atomic writes, then removals, then empty directories pruned.
pub fn apply(out: &Path, plan: &Plan) -> Result<(), WriteError> {
    for change in &plan.changes {
        let path = out.join(&change.path);
        let dir = path.parent().unwrap_or(out);
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(|e| io(dir, e))?;
        temp.write_all(&change.new).map_err(|e| io(&path, e))?;
        temp.persist(&path).map_err(|e| io(&path, e.error))?;
    }
    for removal in &plan.removals {
        let path = out.join(removal);
        std::fs::remove_file(&path).map_err(|e| io(&path, e))?;
        let mut dir = path.parent();
        while let Some(d) = dir.filter(|d| *d != out) {
            // Fails (and stops) at the first directory that is not empty.
            if std::fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
    }
    Ok(())
}

/// A unified diff of the plan, as `--check` prints it.
pub fn diff(out: &Path, plan: &Plan) -> String {
    let mut text = String::new();
    for change in &plan.changes {
        let name = out.join(&change.path).display().to_string();
        let old = String::from_utf8_lossy(change.old.as_deref().unwrap_or_default());
        let new = String::from_utf8_lossy(&change.new);
        let from = if change.old.is_some() {
            name.clone()
        } else {
            "/dev/null".to_string()
        };
        text.push_str(
            &similar::TextDiff::from_lines(old.as_ref(), new.as_ref())
                .unified_diff()
                .context_radius(3)
                .header(&from, &name)
                .to_string(),
        );
    }
    for removal in &plan.removals {
        let name = out.join(removal).display().to_string();
        let old = std::fs::read(out.join(removal)).unwrap_or_default();
        let old = String::from_utf8_lossy(&old);
        text.push_str(
            &similar::TextDiff::from_lines(old.as_ref(), "")
                .unified_diff()
                .header(&name, "/dev/null")
                .to_string(),
        );
    }
    text
}
