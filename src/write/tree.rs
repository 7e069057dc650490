//! What an output directory holds, read without following any symlink: the writer decides
//! from this alone what is ours, what is foreign, and where a generated file may go.

use super::error::{io, WriteError};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Dir,
    File,
    Symlink,
    /// A fifo, socket or device: never ours, never carried over.
    Special,
}

/// The entries below a directory by relative path (`/`-separated), parents before children.
#[derive(Default)]
pub(super) struct Tree {
    pub entries: BTreeMap<String, (Kind, PathBuf)>,
}

impl Tree {
    pub(super) fn scan(dir: &Path) -> Result<Tree, WriteError> {
        let mut tree = Tree::default();
        if !dir.exists() {
            return Ok(tree);
        }
        for entry in walkdir::WalkDir::new(dir).min_depth(1) {
            let entry = entry.map_err(|e| io(e.path().unwrap_or(dir), &e))?;
            let relative = entry
                .path()
                .strip_prefix(dir)
                .map_err(|e| io(entry.path(), e))?
                .to_path_buf();
            let kind = kind_of(entry.file_type());
            let key = relative.to_string_lossy().replace('\\', "/");
            tree.entries.insert(key, (kind, relative));
        }
        Ok(tree)
    }

    pub(super) fn kind(&self, path: &str) -> Option<Kind> {
        self.entries.get(path).map(|(k, _)| *k)
    }

    pub(super) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

pub(super) fn kind_of(t: std::fs::FileType) -> Kind {
    if t.is_symlink() {
        Kind::Symlink
    } else if t.is_dir() {
        Kind::Dir
    } else if t.is_file() {
        Kind::File
    } else {
        Kind::Special
    }
}

/// Every proper ancestor of a relative path: `a/b/c` gives `a`, `a/b`.
pub(super) fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/').map(move |(i, _)| &path[..i])
}
