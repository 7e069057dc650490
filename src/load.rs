//! Stage 1: find `rules/**/*.wb`, sorted, and read each file into the source map.

use crate::diagnostic::StageError;
use crate::source::{FileId, SourceFile, SourceMap, Span};
use std::fmt;
use std::path::{Component, Path, PathBuf};

/// The extension of source files.
pub(crate) const EXTENSION: &str = "wb";

pub(crate) enum LoadError {
    MissingDir {
        dir: String,
    },
    NoSources {
        dir: String,
    },
    Unreadable {
        path: String,
        reason: String,
    },
    NotUtf8 {
        span: Span,
    },
    ImportNotFound {
        span: Span,
        path: String,
    },
    UnknownTemplate {
        path: String,
        known: String,
    },
    /// An import, or a linked source, that resolves outside the rules directory.
    Escapes {
        span: Option<Span>,
        path: String,
    },
    ImportNotSource {
        span: Span,
        path: String,
    },
    TooLarge {
        path: String,
        size: u64,
    },
    NotAFile {
        path: String,
    },
    BadFileName {
        path: String,
    },
    /// A notification template named by the source that is not a `.tmpl` file.
    NotATemplate {
        span: Span,
        path: String,
    },
    TemplateNotFound {
        span: Span,
        path: String,
    },
}

/// The extension of Alertmanager notification template files.
pub(crate) const TEMPLATE_EXTENSION: &str = "tmpl";

/// The largest source file read: far above any real one, far below what hurts.
pub(crate) const MAX_FILE_BYTES: u64 = 4 << 20;

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
            LoadError::Escapes { path, .. } => {
                write!(f, "`{path}` is outside the rules directory")
            }
            LoadError::ImportNotSource { path, .. } => {
                write!(f, "`{path}` is not a `.{EXTENSION}` source file")
            }
            LoadError::TooLarge { path, size } => write!(
                f,
                "`{path}` is {size} bytes, more than the {MAX_FILE_BYTES} a source file may have"
            ),
            LoadError::NotAFile { path } => write!(f, "`{path}` is not a regular file"),
            LoadError::BadFileName { path } => {
                write!(f, "the name of `{path}` cannot name generated files")
            }
            LoadError::NotATemplate { path, .. } => {
                write!(f, "`{path}` is not a `.{TEMPLATE_EXTENSION}` template file")
            }
            LoadError::TemplateNotFound { path, .. } => {
                write!(f, "template file `{path}` does not exist")
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
            LoadError::Escapes { .. } => "E0007",
            LoadError::ImportNotSource { .. } => "E0008",
            LoadError::TooLarge { .. } => "E0009",
            LoadError::NotAFile { .. } => "E0017",
            LoadError::BadFileName { .. } => "E0018",
            LoadError::NotATemplate { .. } => "E0019",
            LoadError::TemplateNotFound { .. } => "E0020",
        }
    }

    fn span(&self) -> Option<Span> {
        match self {
            LoadError::NotUtf8 { span }
            | LoadError::ImportNotFound { span, .. }
            | LoadError::ImportNotSource { span, .. }
            | LoadError::NotATemplate { span, .. }
            | LoadError::TemplateNotFound { span, .. } => Some(*span),
            LoadError::Escapes { span, .. } => *span,
            _ => None,
        }
    }

    fn label(&self) -> Option<String> {
        match self {
            LoadError::NotUtf8 { .. } => Some("invalid byte here".into()),
            LoadError::ImportNotFound { .. } => Some("no such file".into()),
            LoadError::Escapes { .. } => Some("outside the rules directory".into()),
            LoadError::ImportNotSource { .. } => Some("not a source file".into()),
            LoadError::NotATemplate { .. } => Some("not a template file".into()),
            LoadError::TemplateNotFound { .. } => Some("no such file".into()),
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
            LoadError::Escapes { .. } => Some(
                "sources may import only files below the rules directory; links are followed first"
                    .into(),
            ),
            LoadError::ImportNotSource { .. } => {
                Some(format!("only `.{EXTENSION}` files can be imported"))
            }
            LoadError::TooLarge { .. } => Some("split the source into several files".into()),
            LoadError::NotAFile { .. } => {
                Some("sources are regular files (or links to them)".into())
            }
            LoadError::BadFileName { .. } => Some(
                "use letters, digits, `.`, `-` and `_` in the names of sources and their folders"
                    .into(),
            ),
            LoadError::NotATemplate { .. } => Some(format!(
                "Alertmanager notification templates are files ending in `.{TEMPLATE_EXTENSION}`"
            )),
            LoadError::TemplateNotFound { .. } => {
                Some("template paths are relative to the file that names them".into())
            }
            LoadError::Unreadable { .. } => None,
        }
    }
}

/// The rules directory: every file read must be below it, once links are followed.
pub(crate) struct Root {
    /// As the user named it: paths shown in diagnostics start with it.
    pub(crate) dir: PathBuf,
    real: PathBuf,
}

impl Root {
    pub(crate) fn new(dir: &Path) -> Result<Root, LoadError> {
        let missing = || LoadError::MissingDir {
            dir: dir.display().to_string(),
        };
        if !dir.is_dir() {
            return Err(missing());
        }
        let real = std::fs::canonicalize(dir).map_err(|_| missing())?;
        Ok(Root {
            dir: dir.to_path_buf(),
            real,
        })
    }

    /// Every source file below the directory, sorted by path so that output never depends
    /// on the file system's order. A linked source must resolve inside the directory.
    pub(crate) fn discover(&self) -> Result<Vec<PathBuf>, Vec<LoadError>> {
        let mut paths = Vec::new();
        let mut errors = Vec::new();
        for entry in walkdir::WalkDir::new(&self.dir).sort_by_file_name() {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    errors.push(LoadError::Unreadable {
                        path: e.path().unwrap_or(&self.dir).display().to_string(),
                        reason: e.to_string(),
                    });
                    continue;
                }
            };
            let path = entry.path();
            let source = path.extension().is_some_and(|e| e == EXTENSION);
            let kind = entry.file_type();
            if !source || !(kind.is_file() || kind.is_symlink()) {
                continue;
            }
            let path = normalize(path);
            match self.confine(&path, None) {
                Ok(()) => paths.push(path),
                Err(e) => errors.push(e),
            }
        }
        if paths.is_empty() && errors.is_empty() {
            errors.push(LoadError::NoSources {
                dir: self.dir.display().to_string(),
            });
        }
        if errors.is_empty() {
            Ok(paths)
        } else {
            Err(errors)
        }
    }

    /// The file an `import` names, relative to the importing file; it must be a source
    /// below the rules directory, links followed. Nothing outside is ever opened.
    pub(crate) fn import(
        &self,
        importer: &Path,
        target: &str,
        span: Span,
    ) -> Result<PathBuf, LoadError> {
        let path = self.named(importer, target, span, EXTENSION, || {
            LoadError::ImportNotSource {
                span,
                path: target.to_string(),
            }
        })?;
        if std::fs::symlink_metadata(&path).is_err() {
            return Err(LoadError::ImportNotFound {
                span,
                path: target.to_string(),
            });
        }
        self.confine(&path, Some(span)).map(|()| path)
    }

    /// The notification template file an `alertmanager` block names, on the same terms as
    /// an import: a `.tmpl` file below the rules directory.
    pub(crate) fn template(
        &self,
        importer: &Path,
        target: &str,
        span: Span,
    ) -> Result<PathBuf, LoadError> {
        let path = self.named(importer, target, span, TEMPLATE_EXTENSION, || {
            LoadError::NotATemplate {
                span,
                path: target.to_string(),
            }
        })?;
        if std::fs::symlink_metadata(&path).is_err() {
            return Err(LoadError::TemplateNotFound {
                span,
                path: target.to_string(),
            });
        }
        self.confine(&path, Some(span)).map(|()| path)
    }

    /// A path named relative to `importer`, with the extension, lexically inside the root.
    fn named(
        &self,
        importer: &Path,
        target: &str,
        span: Span,
        extension: &str,
        wrong: impl Fn() -> LoadError,
    ) -> Result<PathBuf, LoadError> {
        let base = importer.parent().unwrap_or(Path::new(""));
        let path = normalize(&base.join(target));
        if Path::new(target).extension().is_none_or(|e| e != extension) {
            return Err(wrong());
        }
        if !lexically_inside(&path, &normalize(&self.dir)) {
            return Err(LoadError::Escapes {
                span: Some(span),
                path: target.to_string(),
            });
        }
        Ok(path)
    }

    /// Checks that `path`, links followed, is below the rules directory.
    fn confine(&self, path: &Path, span: Option<Span>) -> Result<(), LoadError> {
        let escapes = || LoadError::Escapes {
            span,
            path: path.display().to_string(),
        };
        let real = std::fs::canonicalize(path).map_err(|_| escapes())?;
        if !real.starts_with(&self.real) {
            return Err(escapes());
        }
        Ok(())
    }
}

/// Whether a normalized path stays below a normalized root without touching the disk.
fn lexically_inside(path: &Path, root: &Path) -> bool {
    let relative = if root.as_os_str().is_empty() {
        Some(path)
    } else {
        path.strip_prefix(root).ok()
    };
    relative.is_some_and(|r| {
        r.components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
    })
}

/// Reads one file. A non-UTF-8 file is still added (lossily) so its error can show the line.
pub(crate) fn read(path: &Path, root: &Path, sources: &mut SourceMap) -> Result<FileId, LoadError> {
    let shown = || path.display().to_string();
    let unreadable = |e: std::io::Error| LoadError::Unreadable {
        path: shown(),
        reason: e.to_string(),
    };
    // Checked before opening: a fifo or a device would block or never end.
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    if !meta.is_file() {
        return Err(LoadError::NotAFile { path: shown() });
    }
    let stem = stem(path, root);
    if !is_plain_stem(&stem) {
        return Err(LoadError::BadFileName { path: shown() });
    }
    let mut bytes = Vec::with_capacity(meta.len().min(MAX_FILE_BYTES) as usize);
    let file = std::fs::File::open(path).map_err(unreadable)?;
    std::io::Read::read_to_end(
        &mut std::io::Read::take(file, MAX_FILE_BYTES + 1),
        &mut bytes,
    )
    .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge {
            path: shown(),
            size: meta.len().max(bytes.len() as u64),
        });
    }
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

/// Whether a stem can name generated files: plain names of letters, digits, `.`, `-`, `_`.
fn is_plain_stem(stem: &str) -> bool {
    !stem.is_empty()
        && stem.split('/').all(|part| {
            !part.is_empty()
                && !part.starts_with('.')
                && part
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'))
        })
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
    fn paths_stay_inside_lexically() {
        let root = Path::new("rules");
        assert!(lexically_inside(
            &normalize(Path::new("rules/alerts/../a.wb")),
            root
        ));
        assert!(!lexically_inside(
            &normalize(Path::new("rules/../x.wb")),
            root
        ));
        assert!(!lexically_inside(Path::new("/etc/passwd"), root));
        assert!(!lexically_inside(
            &normalize(Path::new("rules/../../../../etc/x.wb")),
            root
        ));
        assert!(lexically_inside(Path::new("a.wb"), Path::new("")));
        assert!(!lexically_inside(Path::new("../a.wb"), Path::new("")));
    }

    #[test]
    fn stems_are_plain_names() {
        assert!(is_plain_stem("alerts/node-exporter_v2.x"));
        assert!(!is_plain_stem("a\nb"));
        assert!(!is_plain_stem("a b"));
        assert!(!is_plain_stem(".hidden"));
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
