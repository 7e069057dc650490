//! Formatting a rules directory: every source the compiler would read (found and read as
//! `compile` does, so nothing outside the directory), parsed first (a file with syntax
//! errors is reported and left alone), then rewritten atomically when its layout changes.

use crate::diagnostic::{Diagnostic, StageError};
use crate::source::SourceMap;
use std::path::{Path, PathBuf};

/// What `fmt` found: the files whose layout changes (written, or with `check` only listed),
/// their diffs, and the diagnostics of files it could not format.
#[derive(Default)]
pub struct Report {
    pub sources: SourceMap,
    /// (path, unified diff) of each file that changes.
    pub changed: Vec<(PathBuf, String)>,
    pub unchanged: usize,
    pub diagnostics: Vec<Diagnostic>,
}

/// Formats the sources below `rules`; with `check`, writes nothing.
pub fn format_dir(rules: &Path, check: bool) -> Report {
    let mut report = Report::default();
    let root = match crate::load::Root::new(rules) {
        Ok(root) => root,
        Err(e) => {
            report.diagnostics.push(e.to_diagnostic());
            return report;
        }
    };
    let paths = match root.discover() {
        Ok(paths) => paths,
        Err(errors) => {
            report.diagnostics = errors.iter().map(StageError::to_diagnostic).collect();
            return report;
        }
    };
    for path in paths {
        let id = match crate::load::read(&path, rules, &mut report.sources) {
            Ok(id) => id,
            Err(e) => {
                report.diagnostics.push(e.to_diagnostic());
                continue;
            }
        };
        let text = report.sources.file(id).text.clone();
        let (_, errors) = crate::parse::parse(id, &text);
        if !errors.is_empty() {
            report
                .diagnostics
                .extend(errors.iter().map(StageError::to_diagnostic));
            continue;
        }
        let Some(formatted) = super::format(&text) else {
            continue;
        };
        if formatted == text {
            report.unchanged += 1;
            continue;
        }
        let diff = similar::TextDiff::from_lines(&text, &formatted)
            .unified_diff()
            .header(
                &path.display().to_string(),
                &format!("{} (formatted)", path.display()),
            )
            .to_string();
        if !check {
            if let Err(e) = replace(&path, &formatted) {
                let error = crate::write::WriteError::Io {
                    path: path.display().to_string(),
                    reason: e.to_string(),
                };
                report.diagnostics.push(error.to_diagnostic());
                continue;
            }
        }
        report.changed.push((path, diff));
    }
    report
}

/// Writes `text` over `path` at once: a part file beside it, then a rename. A linked source
/// is rewritten where the link leads (the loader has checked that this is inside the rules
/// directory), so the link stays a link.
fn replace(path: &Path, text: &str) -> std::io::Result<()> {
    let path = &std::fs::canonicalize(path)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let part = path.with_file_name(format!(".{name}.watchbook-fmt"));
    let _ = std::fs::remove_file(&part);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&part)?;
    std::io::Write::write_all(&mut file, text.as_bytes())?;
    file.sync_all()?;
    // Keep the source's permissions.
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(&part, meta.permissions());
    }
    std::fs::rename(&part, path)
}
