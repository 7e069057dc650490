//! Building the new output tree beside the old one, then switching it in with one rename.
//!
//! The staging directory is a sibling of the output (same file system, so links and renames
//! work). It receives hard links to every file of the old tree that stays (foreign files and
//! unchanged generated ones), copies of foreign symlinks and directories, and the new files.
//! New files are streamed as they are made into another sibling, the parts directory, under
//! their own names: everything in it is the writer's. Once the manifest is in the stage, the
//! parts are moved in, a whole directory in one rename where the stage has none of that name
//! (in a new output, a handful of renames for every file). Files written at the end are
//! written to a `.watchbook-part` name, then renamed. The whole staged tree is synced to disk
//! in one call before the switch. On Linux,
//! `renameat2(RENAME_EXCHANGE)` swaps the two trees in one step: a reader sees the old tree or
//! the new one, never a mix, whenever the process dies.

use super::error::{io, WriteError};
use super::manifest::MANIFEST;
use super::plan::Plan;
use super::tree::Kind;
use std::collections::BTreeSet;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The suffix of a file being written; such a file in a staging directory is always ours.
pub(super) const PART: &str = ".watchbook-part";

/// Fills `stage` (which must not exist) with the tree the plan describes, the new files
/// streamed into `parts` (if any) moved in.
pub(super) fn build(out: &Path, stage: &Path, parts: &Path, plan: &Plan) -> Result<(), WriteError> {
    make_stage(out, stage)?;
    let replaced = plan.replaced();
    // Directories that held our files are made again only when something goes in them, so
    // that a directory emptied by removals disappears; any other directory is foreign.
    let ours: BTreeSet<&str> = plan
        .removals
        .iter()
        .map(|(p, _)| p.as_str())
        .flat_map(super::tree::ancestors)
        .collect();
    for (key, (kind, relative)) in &plan.tree.entries {
        if replaced.contains(key.as_str()) {
            continue;
        }
        let (from, to) = (out.join(relative), stage.join(relative));
        match kind {
            Kind::Dir if ours.contains(key.as_str()) => {}
            Kind::Dir => make_dirs(out, stage, relative)?,
            Kind::File => {
                make_parents(out, stage, relative)?;
                std::fs::hard_link(&from, &to).map_err(|e| io(&to, e))?;
            }
            Kind::Symlink => {
                make_parents(out, stage, relative)?;
                let target = std::fs::read_link(&from).map_err(|e| io(&from, e))?;
                std::os::unix::fs::symlink(target, &to).map_err(|e| io(&to, e))?;
            }
            Kind::Special => {
                return Err(WriteError::Foreign {
                    path: from.display().to_string(),
                    what: "a special file (fifo, socket or device)",
                })
            }
        }
    }
    // The manifest goes first: should this process die, every file it then writes or moves
    // in is one the manifest lists, which tells the next run that it may delete it.
    let (manifest, files): (Vec<_>, Vec<_>) = plan.changes.iter().partition(|c| c.path == MANIFEST);
    for change in manifest.into_iter().chain(files) {
        if change.staged {
            continue;
        }
        let relative = Path::new(&change.path);
        let path = stage.join(relative);
        make_parents(out, stage, relative)?;
        write_part(&path, &change.new)?;
        std::fs::rename(part_name(&path), &path).map_err(|e| io(&path, e))?;
    }
    if plan.changes.iter().any(|c| c.staged) {
        merge(parts, stage)?;
    }
    sync_tree(stage)
}

/// Moves everything in `from` into `to`, then removes `from`: an entry `to` lacks in one
/// rename (a whole directory at once), a directory both have entry by entry. A file of the
/// same name in both is a bug of ours: an error, nothing replaced.
fn merge(from: &Path, to: &Path) -> Result<(), WriteError> {
    for entry in std::fs::read_dir(from).map_err(|e| io(from, e))? {
        let entry = entry.map_err(|e| io(from, e))?;
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        match std::fs::symlink_metadata(&target) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                rename_no_replace(&source, &target)?
            }
            Ok(meta) if meta.is_dir() && entry.file_type().is_ok_and(|t| t.is_dir()) => {
                merge(&source, &target)?
            }
            Ok(_) => return Err(io(&target, std::io::ErrorKind::AlreadyExists)),
            Err(e) => return Err(io(&target, e)),
        }
    }
    std::fs::remove_dir(from).map_err(|e| io(from, e))
}

/// The staging (or parts) directory, with the output's permissions.
pub(super) fn make_stage(out: &Path, stage: &Path) -> Result<(), WriteError> {
    make_dir(stage, out.is_dir().then_some(out))
}

fn part_name(path: &Path) -> PathBuf {
    let mut part = path.as_os_str().to_owned();
    part.push(PART);
    PathBuf::from(part)
}

/// Writes a file in full under its part name (`NAME.watchbook-part`); [`build`] gives it its
/// name once the manifest is in place.
fn write_part(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    create(&part_name(path), bytes)
}

/// Creates the file `path` (which must not exist) with `bytes`. Scripts (a `#!` line) are
/// executable; the umask applies as for any file.
pub(super) fn create(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let mode = if bytes.starts_with(b"#!") {
        0o755
    } else {
        0o644
    };
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)
        .map_err(|e| io(path, e))?;
    file.write_all(bytes).map_err(|e| io(path, e))
}

/// Creates `dir`, with the permissions of `like` when given.
fn make_dir(dir: &Path, like: Option<&Path>) -> Result<(), WriteError> {
    std::fs::create_dir(dir).map_err(|e| io(dir, e))?;
    if let Some(mode) = like.and_then(|l| std::fs::symlink_metadata(l).ok()) {
        if mode.is_dir() {
            let permissions = std::fs::Permissions::from_mode(mode.permissions().mode());
            std::fs::set_permissions(dir, permissions).map_err(|e| io(dir, e))?;
        }
    }
    Ok(())
}

/// Creates `relative` and its parents under `stage`, each like its twin under `out`.
fn make_dirs(out: &Path, stage: &Path, relative: &Path) -> Result<(), WriteError> {
    let mut partial = PathBuf::new();
    for part in relative.components() {
        partial.push(part);
        let dir = stage.join(&partial);
        if !dir.is_dir() {
            make_dir(&dir, Some(&out.join(&partial)))?;
        }
    }
    Ok(())
}

pub(super) fn make_parents(out: &Path, stage: &Path, relative: &Path) -> Result<(), WriteError> {
    match relative.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => make_dirs(out, stage, parent),
        _ => Ok(()),
    }
}

/// Makes the staged tree durable before it is switched in, so that a power loss after the
/// switch cannot leave empty files. On Linux one `syncfs` flushes the file system the tree is
/// on, far cheaper than a sync per file; elsewhere every file and directory is synced.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn sync_tree(stage: &Path) -> Result<(), WriteError> {
    let dir = std::fs::File::open(stage).map_err(|e| io(stage, e))?;
    rustix::fs::syncfs(&dir).map_err(|e| io(stage, e))
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn sync_tree(stage: &Path) -> Result<(), WriteError> {
    for entry in walkdir::WalkDir::new(stage).contents_first(true) {
        let entry = entry.map_err(|e| io(stage, &e))?;
        std::fs::File::open(entry.path())
            .and_then(|f| f.sync_all())
            .map_err(|e| io(entry.path(), e))?;
    }
    Ok(())
}

pub(super) fn sync_dir(dir: &Path) -> Result<(), WriteError> {
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| io(dir, e))
}

/// Puts the staged tree at `out`. An existing `out` is exchanged with it in one step, and the
/// old tree is then at `stage`. Returns whether an old tree is there to reclaim.
pub(super) fn switch(stage: &Path, out: &Path, aside: &Path) -> Result<bool, WriteError> {
    let exists = std::fs::symlink_metadata(out).is_ok();
    if !exists {
        return rename_no_replace(stage, out).map(|()| false);
    }
    match exchange(stage, out) {
        Ok(()) => Ok(true),
        Err(Unsupported) => {
            // No atomic exchange on this system or file system: the old tree goes aside,
            // and for an instant `out` is missing, never mixed.
            std::fs::rename(out, aside).map_err(|e| io(out, e))?;
            if let Err(e) = std::fs::rename(stage, out) {
                let _ = std::fs::rename(aside, out);
                return Err(io(out, e));
            }
            std::fs::rename(aside, stage).map_err(|e| io(aside, e))?;
            Ok(true)
        }
    }
}

struct Unsupported;

#[cfg(any(target_os = "linux", target_os = "android"))]
fn exchange(a: &Path, b: &Path) -> Result<(), Unsupported> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(|_| Unsupported)
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn exchange(_: &Path, _: &Path) -> Result<(), Unsupported> {
    Err(Unsupported)
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn rename_no_replace(from: &Path, to: &Path) -> Result<(), WriteError> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    match renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE) {
        Ok(()) => Ok(()),
        Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {
            std::fs::rename(from, to).map_err(|e| io(to, e))
        }
        Err(e) => Err(io(to, e)),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn rename_no_replace(from: &Path, to: &Path) -> Result<(), WriteError> {
    std::fs::rename(from, to).map_err(|e| io(to, e))
}
