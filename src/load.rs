//! Stage 1: find `rules/**/*.wb`, sorted, and read each file into the source map.

use crate::diagnostic::StageError;
use crate::source::{FileId, SourceFile, SourceMap, Span};
use std::fmt;
use std::path::{Component, Path, PathBuf};

/// The extension of source files.
pub(crate) const EXTENSION: &str = "wb";

pub(crate) enum LoadError {
    MissingDir { dir: String },
    NoSources { dir: String },
    Unreadable { path: String, reason: String },
    NotUtf8 { span: Span },
    ImportNotFound { span: Span, path: String },
    UnknownTemplate { path: String, known: String },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::MissingDir { dir } => write!(f, "rules directory `{dir}` does not exist"),
            LoadError::NoSources { dir } => {
                write!(f, "no `.{EXTENSION}` files found in `{dir}`")
            }
            LoadError::Unreadable { path, reason } => write!(f, "cannot read `{path}`: {reason}"),
            LoadError::NotUtf8 { .. } => write!(f, "file is not valid UTF-8"),
            LoadError::ImportNotFound { path, .. } => {
                write!(f, "imported file `{path}` does not exist")
            }
            LoadError::UnknownTemplate { path, .. } => {
                write!(f, "`{path}` is not a runbook template")
            }
        }
    }
}

impl StageError for LoadError {
    fn code(&self) -> &'static str {
        match self {
            LoadError::MissingDir { .. } => "E0001",
            LoadError::NoSources { .. } => "E0002",
            LoadError::Unreadable { .. } => "E0003",
            LoadError::NotUtf8 { .. } => "E0004",
            LoadError::ImportNotFound { .. } => "E0005",
            LoadError::UnknownTemplate { .. } => "E0006",
        }
    }

    fn span(&self) -> Option<Span> {
        match self {
            LoadError::NotUtf8 { span } | LoadError::ImportNotFound { span, .. } => Some(*span),
            _ => None,
        }
    }

    fn label(&self) -> Option<String> {
        match self {
            LoadError::NotUtf8 { .. } => Some("invalid byte here".into()),
            LoadError::ImportNotFound { .. } => Some("no such file".into()),
            _ => None,
        }
    }

    fn help(&self) -> Option<String> {
        match self {
            LoadError::MissingDir { .. } => {
                Some("pass the directory that holds your rules: `watchbook compile DIR`".into())
            }
            LoadError::NoSources { .. } => Some(format!(
                "sources are files ending in `.{EXTENSION}`, in the directory or below it"
            )),
            LoadError::NotUtf8 { .. } => Some("save the file as UTF-8".into()),
            LoadError::ImportNotFound { .. } => {
                Some("import paths are relative to the importing file".into())
            }
            LoadError::UnknownTemplate { known, .. } => Some(format!(
                "name a template file after a built-in one: {known}"
            )),
            LoadError::Unreadable { .. } => None,
        }
    }
}

/// Every source file below `dir`, sorted by path so that output never depends on the file
/// system's order.
pub(crate) fn discover(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    if !dir.is_dir() {
        return Err(LoadError::MissingDir {
            dir: dir.display().to_string(),
        });
    }
    let mut paths = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| LoadError::Unreadable {
            path: e
                .path()
                .map_or_else(|| dir.display().to_string(), |p| p.display().to_string()),
            reason: e.to_string(),
        })?;
        let path = entry.path();
        if entry.file_type().is_file() && path.extension().is_some_and(|e| e == EXTENSION) {
            paths.push(normalize(path));
        }
    }
    if paths.is_empty() {
        return Err(LoadError::NoSources {
            dir: dir.display().to_string(),
        });
    }
    Ok(paths)
}

/// Reads one file. A non-UTF-8 file is still added (lossily) so its error can show the line.
pub(crate) fn read(path: &Path, root: &Path, sources: &mut SourceMap) -> Result<FileId, LoadError> {
    let bytes = std::fs::read(path).map_err(|e| LoadError::Unreadable {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    let stem = stem(path, root);
    let display = path.display().to_string();
    match String::from_utf8(bytes) {
        Ok(text) => Ok(sources.add(SourceFile {
            display,
            path: path.to_path_buf(),
            stem,
            text,
        })),
        Err(e) => {
            let bad = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let id = sources.add(SourceFile {
                display,
                path: path.to_path_buf(),
                stem,
                text,
            });
            // The lossy text equals the original up to the first bad byte.
            Err(LoadError::NotUtf8 {
                span: Span::new(id, bad, bad + 1),
            })
        }
    }
}

/// Template overrides from a directory: each file must be named after a built-in template,
/// so that a typo cannot silently leave the built-in one in place.
pub(crate) fn templates(
    dir: &Path,
    known: &[&str],
) -> Result<std::collections::BTreeMap<String, String>, LoadError> {
    if !dir.is_dir() {
        return Err(LoadError::MissingDir {
            dir: dir.display().to_string(),
        });
    }
    let mut out = std::collections::BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir)
        .min_depth(1)
        .max_depth(1)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| LoadError::Unreadable {
            path: dir.display().to_string(),
            reason: e.to_string(),
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        if !known.contains(&name.as_str()) {
            return Err(LoadError::UnknownTemplate {
                path: entry.path().display().to_string(),
                known: known
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        let text = std::fs::read_to_string(entry.path()).map_err(|e| LoadError::Unreadable {
            path: entry.path().display().to_string(),
            reason: e.to_string(),
        })?;
        out.insert(name, text);
    }
    Ok(out)
}

/// The path of an import, relative to the importing file, made canonical without touching
/// the file system so that two spellings of one file are one file.
pub(crate) fn import_path(importer: &Path, target: &str) -> PathBuf {
    let base = importer.parent().unwrap_or(Path::new(""));
    normalize(&base.join(target))
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `rules/alerts/node.wb` under `rules` is `alerts/node`: the name of its generated files.
fn stem(path: &Path, root: &Path) -> String {
    let path = normalize(path);
    let relative = path.strip_prefix(normalize(root)).unwrap_or(&path);
    let mut stem = relative
        .with_extension("")
        .to_string_lossy()
        .replace('\\', "/");
    while let Some(rest) = stem.strip_prefix("../") {
        stem = rest.to_string();
    }
    stem
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_paths_are_relative_to_the_importer() {
        assert_eq!(
            import_path(Path::new("rules/alerts/a.wb"), "../common.wb"),
            PathBuf::from("rules/common.wb")
        );
        assert_eq!(
            import_path(Path::new("rules/a.wb"), "./b.wb"),
            PathBuf::from("rules/b.wb")
        );
    }

    #[test]
    fn stems_name_generated_files() {
        assert_eq!(
            stem(Path::new("rules/alerts/node.wb"), Path::new("rules")),
            "alerts/node"
        );
        assert_eq!(stem(Path::new("./rules/x.wb"), Path::new("rules")), "x");
    }
}
