//! The sources as the editor has them: files on disk, with the open documents' unsaved text
//! over them. An analysis compiles a copy of the rules directory holding that text (the
//! compiler reads only files, and only below its directory), then maps what it reports back
//! to the real paths.

use crate::diagnostic::Diagnostic;
use crate::source::SourceMap;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub(super) struct Workspace {
    /// The rules directory, absolute.
    pub rules: PathBuf,
    /// Open documents: absolute path -> text.
    pub open: BTreeMap<PathBuf, String>,
    /// YYYY-MM-DD, for the lints' suppressions.
    pub today: String,
}

/// What one analysis found, by real path.
pub(super) struct Analysis {
    pub diagnostics: BTreeMap<PathBuf, Vec<(Diagnostic, String)>>,
    /// Diagnostics without a place in a file.
    pub unplaced: Vec<Diagnostic>,
}

impl Workspace {
    /// The text of a source: the editor's when open, else the file's.
    pub fn text(&self, path: &Path) -> Option<String> {
        match self.open.get(path) {
            Some(t) => Some(t.clone()),
            None => std::fs::read_to_string(path).ok(),
        }
    }

    /// Every source below the rules directory, and the open ones below it.
    pub fn sources(&self) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = walkdir::WalkDir::new(&self.rules)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(walkdir::DirEntry::into_path)
            .filter(|p| p.extension().is_some_and(|x| x == crate::load::EXTENSION))
            .collect();
        for path in self.open.keys() {
            if path.starts_with(&self.rules) && !paths.contains(path) {
                paths.push(path.clone());
            }
        }
        paths.sort();
        paths
    }

    /// A copy of the rules directory with the open documents' text in it.
    fn snapshot(&self) -> std::io::Result<tempfile::TempDir> {
        let tmp = tempfile::tempdir()?;
        for entry in walkdir::WalkDir::new(&self.rules)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
        {
            let Ok(rel) = entry.path().strip_prefix(&self.rules) else {
                continue;
            };
            let target = tmp.path().join(rel);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::copy(entry.path(), &target)?;
        }
        for (path, text) in &self.open {
            if let Ok(rel) = path.strip_prefix(&self.rules) {
                let target = tmp.path().join(rel);
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::write(target, text)?;
            }
        }
        Ok(tmp)
    }

    /// Compile and lint, as `watchbook compile` and `watchbook lint` would.
    pub fn analyze(&self) -> Analysis {
        let mut analysis = Analysis {
            diagnostics: BTreeMap::new(),
            unplaced: Vec::new(),
        };
        let Ok(tmp) = self.snapshot() else {
            return analysis;
        };
        let prepared = crate::compile::prepare(tmp.path(), None);
        let mut found = prepared.warnings.clone();
        match prepared.result {
            Err(errors) => found.extend(errors),
            Ok(checked) => {
                found.extend(crate::lint::run_with(
                    checked.model(),
                    &prepared.sources,
                    &self.today,
                    None,
                ));
                if let Err(errors) = checked.emit_to(&prepared.sources, &|_| {}) {
                    found.extend(errors);
                }
            }
        }
        for d in found {
            match self.place(&d, &prepared.sources, tmp.path()) {
                Some((path, text)) => analysis
                    .diagnostics
                    .entry(path)
                    .or_default()
                    .push((d, text)),
                None => analysis.unplaced.push(d),
            }
        }
        analysis
    }

    /// The model of the sources as they are, for hovers.
    pub fn model(&self) -> Option<crate::resolve::model::Model> {
        let tmp = self.snapshot().ok()?;
        crate::compile::checked_model(tmp.path()).1.ok()
    }

    /// The real path of a diagnostic's file, and that file's text (to place its range).
    fn place(&self, d: &Diagnostic, sources: &SourceMap, tmp: &Path) -> Option<(PathBuf, String)> {
        let span = d.span?;
        let file = sources.file(span.file);
        let rel = file.path.strip_prefix(tmp).ok()?;
        Some((self.rules.join(rel), file.text.clone()))
    }
}
