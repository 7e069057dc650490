//! Everything the write stage can refuse or fail at, worded in one place.

use crate::diagnostic::{Level, StageError};
use crate::source::Span;
use std::fmt;

use super::manifest::MANIFEST;

#[derive(Clone, Debug)]
pub enum WriteError {
    /// The directory holds files but no manifest: it is not ours to manage.
    NotOurs {
        dir: String,
    },
    /// A file we did not write stands where a generated file or directory must go.
    Foreign {
        path: String,
        what: &'static str,
    },
    /// The output belongs to another rules directory.
    OtherRules {
        dir: String,
        owner: String,
        rules: String,
    },
    /// The output path cannot hold a directory tree (a file, or the root).
    NotADirectory {
        path: String,
    },
    Io {
        path: String,
        reason: String,
    },
    /// A warning: something of the old tree was left in place rather than deleted.
    LeftInPlace {
        path: String,
        why: &'static str,
    },
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::NotOurs { dir } => write!(
                f,
                "`{dir}` holds files but was not written by watchbook; refusing to replace them"
            ),
            WriteError::Foreign { path, what } => write!(
                f,
                "`{path}` is {what} that watchbook did not write, where a generated file must go"
            ),
            WriteError::OtherRules { dir, owner, rules } => write!(
                f,
                "`{dir}` holds the output of `{owner}`, not of `{rules}`; refusing to replace it"
            ),
            WriteError::NotADirectory { path } => {
                write!(f, "`{path}` cannot be an output directory")
            }
            WriteError::Io { path, reason } => write!(f, "cannot write `{path}`: {reason}"),
            WriteError::LeftInPlace { path, why } => {
                write!(f, "left `{path}` in place: {why}")
            }
        }
    }
}

impl StageError for WriteError {
    fn code(&self) -> &'static str {
        match self {
            WriteError::NotOurs { .. } => "E0301",
            WriteError::Io { .. } => "E0302",
            WriteError::Foreign { .. } => "E0303",
            WriteError::OtherRules { .. } => "E0304",
            WriteError::NotADirectory { .. } => "E0305",
            WriteError::LeftInPlace { .. } => "W0301",
        }
    }

    fn span(&self) -> Option<Span> {
        None
    }

    fn level(&self) -> Level {
        match self {
            WriteError::LeftInPlace { .. } => Level::Warning,
            _ => Level::Error,
        }
    }

    fn help(&self) -> Option<String> {
        match self {
            WriteError::NotOurs { .. } => Some(format!(
                "pass an empty or new directory with `--out`; watchbook lists the files it owns in `{MANIFEST}`"
            )),
            WriteError::Foreign { .. } => Some(
                "move or delete it yourself; watchbook never overwrites a file it did not write"
                    .into(),
            ),
            WriteError::OtherRules { .. } => Some(
                "pass the output directory of these rules with `--out`, or `--force` to take this one over"
                    .into(),
            ),
            WriteError::NotADirectory { .. } => {
                Some("pass a directory (new or already written by watchbook) with `--out`".into())
            }
            WriteError::LeftInPlace { .. } => Some(
                "watchbook deletes only what it wrote; look at the file and remove it if it is not needed"
                    .into(),
            ),
            WriteError::Io { .. } => None,
        }
    }
}

/// An I/O failure at a path.
pub(super) fn io(path: &std::path::Path, e: impl fmt::Display) -> WriteError {
    WriteError::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}
