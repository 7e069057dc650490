//! Emptying a tree the writer left beside the output: the old tree after a switch, a staged
//! tree that failed, or either of them left by a process that died (a parts directory, where
//! new files wait, is the writer's alone and goes whole). Nothing is deleted that cannot be had
//! again:
//! - a file that is also in the live output (the same inode: a hard link we made);
//! - a file being written (`.watchbook-part`);
//! - a file that the tree's own manifest lists with its exact bytes (generated output).
//!
//! Anything else is someone's file that reached the tree while it was being switched: it is
//! moved into the live output when its place there is free, and otherwise left where it is,
//! with a warning.

use super::error::WriteError;
use super::manifest::{Manifest, MANIFEST};
use super::stage::PART;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// Empties and removes `dir`; returns warnings for what had to stay.
pub(super) fn reclaim(dir: &Path, out: &Path) -> Vec<WriteError> {
    let manifest = std::fs::read(dir.join(MANIFEST))
        .map(|b| Manifest::parse(&String::from_utf8_lossy(&b)))
        .unwrap_or_default();
    let mut warnings = Vec::new();
    let entries: Vec<_> = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .contents_first(true)
        .into_iter()
        .filter_map(Result::ok)
        .collect();
    for entry in entries {
        let path = entry.path();
        let Ok(relative) = path.strip_prefix(dir) else {
            continue;
        };
        let key = relative.to_string_lossy().replace('\\', "/");
        if entry.file_type().is_dir() {
            // Fails, and rightly stays, when something was kept inside.
            let _ = std::fs::remove_dir(path);
            continue;
        }
        if key == MANIFEST {
            // Deleted last: should this process die meanwhile, the next run still knows
            // which files are ours.
            continue;
        }
        let live = out.join(relative);
        if key.ends_with(PART) || same_file(path, &live) || owned(&manifest, &key, path) {
            let _ = std::fs::remove_file(path);
        } else if std::fs::symlink_metadata(&live).is_err()
            && live
                .parent()
                .is_some_and(|p| std::fs::create_dir_all(p).is_ok())
            && std::fs::rename(path, &live).is_ok()
        {
            // Someone's file, moved into the live output.
        } else {
            warnings.push(WriteError::LeftInPlace {
                path: path.display().to_string(),
                why: "it is not watchbook's, and the output already has a file of that name",
            });
        }
    }
    let _ = std::fs::remove_file(dir.join(MANIFEST));
    let _ = std::fs::remove_dir(dir);
    warnings
}

/// Removes a parts directory (see [`super::stage`]) whole: everything in it was written by
/// the process whose directory it is, and none of it was ever in the output. Links in it are
/// removed, never followed.
pub(super) fn remove_parts(dir: &Path) {
    if std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// Whether `a` and `b` are one file (hard links), or links to the same target.
fn same_file(a: &Path, b: &Path) -> bool {
    let (Ok(x), Ok(y)) = (std::fs::symlink_metadata(a), std::fs::symlink_metadata(b)) else {
        return false;
    };
    if x.file_type().is_symlink() && y.file_type().is_symlink() {
        return std::fs::read_link(a).ok() == std::fs::read_link(b).ok();
    }
    x.dev() == y.dev() && x.ino() == y.ino()
}

fn owned(manifest: &Manifest, key: &str, path: &Path) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return false;
    };
    meta.is_file() && std::fs::read(path).is_ok_and(|bytes| manifest.owns(key, &bytes))
}
