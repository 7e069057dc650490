//! What a compile would change in an output directory: which generated files are new or
//! differ, which files of ours are gone from the output, and the new manifest. Only files the
//! manifest lists are ours; a foreign file where a generated one must go is an error.

use super::error::{io, WriteError};
use super::manifest::{is_safe_path, Manifest, MANIFEST};
use super::tree::{ancestors, Kind, Tree};
use crate::emit::Artifact;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub struct Change {
    pub path: String,
    pub old: Option<Vec<u8>>,
    /// The new bytes; empty when they were streamed into the parts directory already.
    pub new: Vec<u8>,
    /// Whether the new file waits in the parts directory (see [`super::stage`]).
    pub(super) staged: bool,
}

/// What a compile would change in the output directory.
pub struct Plan {
    pub changes: Vec<Change>,
    /// Files of ours that the new output no longer has, with their bytes.
    pub removals: Vec<(String, Vec<u8>)>,
    pub unchanged: usize,
    /// Files of ours edited since they were written: no longer listed, left in place.
    pub warnings: Vec<WriteError>,
    pub(super) tree: Tree,
}

impl Plan {
    /// Nothing to write; a manifest-only change counts as a change.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.removals.is_empty()
    }

    /// Changes other than the manifest, as a person counts them.
    pub fn files_changed(&self) -> usize {
        self.changes.iter().filter(|c| c.path != MANIFEST).count()
    }

    /// Paths the new tree gets from the plan rather than from the old tree.
    pub(super) fn replaced(&self) -> BTreeSet<&str> {
        self.changes
            .iter()
            .map(|c| c.path.as_str())
            .chain(self.removals.iter().map(|(p, _)| p.as_str()))
            .collect()
    }
}

pub(super) struct Request<'a> {
    pub out: &'a Path,
    /// Only outputs under this prefix are compared, written and removed.
    pub only: Option<&'a str>,
    /// The rules directory relative to the output directory.
    pub rules: String,
    pub force: bool,
    /// Keep the old bytes of changed files, to show a diff; nothing is staged.
    pub diff: bool,
    /// The parts directory, where new files are streamed as they come (created on the first
    /// one); `None` keeps them in memory.
    pub parts: Option<PathBuf>,
}

/// A plan being made while the artifacts arrive, from any thread: each is compared with the
/// file it replaces and, when it differs, written into the parts directory at once, so that
/// the output is never held in memory whole.
pub(super) struct Stream<'a> {
    out: &'a Path,
    only: Option<&'a str>,
    diff: bool,
    parts: Option<PathBuf>,
    tree: Tree,
    old: Manifest,
    state: Mutex<State>,
    /// Serialises directory creation in the parts directory: the directories made there so
    /// far, `None` until the parts directory itself is made.
    dirs: Mutex<Option<BTreeSet<PathBuf>>>,
}

#[derive(Default)]
struct State {
    manifest: Manifest,
    changes: Vec<Change>,
    unchanged: usize,
    error: Option<WriteError>,
}

impl<'a> Stream<'a> {
    pub(super) fn begin(request: Request<'a>) -> Result<Stream<'a>, WriteError> {
        let out = request.out;
        let tree = Tree::scan(out)?;
        let old = read_manifest(out, &tree)?;
        if old.is_none() && !tree.is_empty() {
            return Err(WriteError::NotOurs {
                dir: out.display().to_string(),
            });
        }
        let old = old.unwrap_or_default();
        check_rules(&request, &old)?;
        let wanted = |path: &str| request.only.is_none_or(|p| path.starts_with(p));
        let mut manifest = Manifest {
            rules: Some(request.rules.clone()),
            ..Manifest::default()
        };
        // Outside `only`, the manifest keeps what it listed.
        for (path, hash) in &old.files {
            if !wanted(path) {
                manifest.files.insert(path.clone(), hash.clone());
            }
        }
        Ok(Stream {
            out,
            only: request.only,
            diff: request.diff,
            parts: request.parts,
            tree,
            old,
            state: Mutex::new(State {
                manifest,
                ..State::default()
            }),
            dirs: Mutex::new(None),
        })
    }

    fn wanted(&self, path: &str) -> bool {
        self.only.is_none_or(|p| path.starts_with(p))
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Takes one artifact: compared, hashed, and staged when it changes. The first error
    /// is kept for [`Stream::finish`]; after it, artifacts are dropped.
    pub(super) fn put(&self, artifact: Artifact) {
        if !self.wanted(&artifact.path) || self.state().error.is_some() {
            return;
        }
        match self.compare(artifact) {
            Ok(()) => {}
            Err(e) => {
                let mut state = self.state();
                state.error.get_or_insert(e);
            }
        }
    }

    fn compare(&self, artifact: Artifact) -> Result<(), WriteError> {
        let old_bytes = existing(self.out, &self.tree, &self.old, &artifact.path)?;
        let same = old_bytes.as_deref() == Some(artifact.bytes.as_slice())
            && mode_fits(&self.out.join(&artifact.path), &artifact.bytes);
        let hash = super::manifest::hash(&artifact.bytes);
        let change = if same {
            None
        } else if let (Some(parts), false) = (&self.parts, self.diff) {
            self.stage_file(parts, &artifact)?;
            Some(Change {
                path: artifact.path.clone(),
                old: None,
                new: Vec::new(),
                staged: true,
            })
        } else {
            Some(Change {
                path: artifact.path.clone(),
                old: if self.diff { old_bytes } else { None },
                new: artifact.bytes,
                staged: false,
            })
        };
        let mut state = self.state();
        state.manifest.files.insert(artifact.path, hash);
        match change {
            None => state.unchanged += 1,
            Some(change) => state.changes.push(change),
        }
        Ok(())
    }

    /// Writes a new file into the parts directory, under its own name; the directory is made
    /// on the first one. Everything in it is the writer's: should this process die, the next
    /// run deletes it whole.
    fn stage_file(&self, parts: &Path, artifact: &Artifact) -> Result<(), WriteError> {
        let relative = Path::new(&artifact.path);
        {
            let mut dirs = self.dirs.lock().unwrap_or_else(|p| p.into_inner());
            let made = match dirs.as_mut() {
                Some(made) => made,
                None => {
                    super::stage::make_stage(self.out, parts)?;
                    dirs.insert(BTreeSet::new())
                }
            };
            // Most files go into a directory made for an earlier one: no need to look again.
            let parent = relative.parent().unwrap_or(Path::new(""));
            if !made.contains(parent) {
                super::stage::make_parents(self.out, parts, relative)?;
                made.insert(parent.to_path_buf());
            }
        }
        super::stage::create(&parts.join(relative), &artifact.bytes)
    }

    /// The plan: what changed, what goes, and the new manifest.
    pub(super) fn finish(self) -> Result<Plan, WriteError> {
        let out = self.out;
        let state = self.state.into_inner().unwrap_or_else(|p| p.into_inner());
        if let Some(e) = state.error {
            return Err(e);
        }
        let State {
            manifest,
            mut changes,
            unchanged,
            ..
        } = state;
        // Artifacts arrive in any order; the plan is in path order.
        changes.sort_by(|a, b| a.path.cmp(&b.path));
        let only = self.only;
        let wanted = |path: &str| only.is_none_or(|p| path.starts_with(p));
        let (removals, warnings) = removals(out, &self.tree, &self.old, &manifest, &wanted)?;
        let new_manifest = manifest.render();
        let old_manifest = match self.tree.kind(MANIFEST) {
            Some(Kind::File) => Some(std::fs::read(out.join(MANIFEST)).map_err(|e| io(out, e))?),
            _ => None,
        };
        if old_manifest.as_deref() != Some(new_manifest.as_slice()) {
            changes.push(Change {
                path: MANIFEST.to_string(),
                old: old_manifest,
                new: new_manifest,
                staged: false,
            });
        }
        Ok(Plan {
            changes,
            removals,
            unchanged,
            warnings,
            tree: self.tree,
        })
    }
}

/// The plan for artifacts already in memory, compared on every core.
pub(super) fn plan(request: Request, artifacts: Vec<Artifact>) -> Result<Plan, WriteError> {
    let stream = Stream::begin(request)?;
    crate::parallel::map_owned(artifacts, |a| stream.put(a));
    stream.finish()
}

/// Whether a file's executable bit is what its bytes call for: set on scripts (a `#!`
/// line), clear on everything else.
fn mode_fits(path: &Path, bytes: &[u8]) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let executable =
        std::fs::symlink_metadata(path).is_ok_and(|m| m.permissions().mode() & 0o100 != 0);
    executable == bytes.starts_with(b"#!")
}

/// The manifest, if the directory has one; `None` for a new or foreign directory.
fn read_manifest(out: &Path, tree: &Tree) -> Result<Option<Manifest>, WriteError> {
    match tree.kind(MANIFEST) {
        None => Ok(None),
        Some(Kind::File) => {
            let path = out.join(MANIFEST);
            let bytes = std::fs::read(&path).map_err(|e| io(&path, e))?;
            Ok(Some(Manifest::parse(&String::from_utf8_lossy(&bytes))))
        }
        Some(_) => Err(WriteError::Foreign {
            path: out.join(MANIFEST).display().to_string(),
            what: "a directory or link",
        }),
    }
}

fn check_rules(request: &Request<'_>, old: &Manifest) -> Result<(), WriteError> {
    match &old.rules {
        Some(owner) if *owner != request.rules && !request.force => Err(WriteError::OtherRules {
            dir: request.out.display().to_string(),
            owner: owner.clone(),
            rules: request.rules.clone(),
        }),
        _ => Ok(()),
    }
}

/// The bytes of ours at `path`, `None` when nothing is there; an error when something that is
/// not ours stands at the path or at one of its directories.
fn existing(
    out: &Path,
    tree: &Tree,
    old: &Manifest,
    path: &str,
) -> Result<Option<Vec<u8>>, WriteError> {
    let foreign = |at: &str, what| WriteError::Foreign {
        path: out.join(at).display().to_string(),
        what,
    };
    if !is_safe_path(path) {
        return Err(foreign(path, "an unsafe path"));
    }
    for dir in ancestors(path) {
        match tree.kind(dir) {
            None | Some(Kind::Dir) => {}
            Some(Kind::Symlink) => return Err(foreign(dir, "a symbolic link")),
            Some(_) => return Err(foreign(dir, "a file")),
        }
    }
    match tree.kind(path) {
        None => Ok(None),
        Some(Kind::File) if old.legacy || old.files.contains_key(path) => {
            let full = out.join(path);
            std::fs::read(&full).map(Some).map_err(|e| io(&full, e))
        }
        Some(Kind::File) => Err(foreign(path, "a file")),
        Some(Kind::Dir) => Err(foreign(path, "a directory")),
        Some(Kind::Symlink) => Err(foreign(path, "a symbolic link")),
        Some(Kind::Special) => Err(foreign(path, "a special file")),
    }
}

type Removals = (Vec<(String, Vec<u8>)>, Vec<WriteError>);

/// Files the old manifest lists that the new one does not: removed when they still hold what
/// we wrote, left in place (with a warning) when someone edited them since.
fn removals(
    out: &Path,
    tree: &Tree,
    old: &Manifest,
    new: &Manifest,
    wanted: &dyn Fn(&str) -> bool,
) -> Result<Removals, WriteError> {
    let mut removals = Vec::new();
    let mut warnings = Vec::new();
    for path in old.files.keys() {
        if !wanted(path) || new.files.contains_key(path) || tree.kind(path) != Some(Kind::File) {
            continue;
        }
        if ancestors(path).any(|d| tree.kind(d) != Some(Kind::Dir)) {
            continue;
        }
        let full = out.join(path);
        let bytes = std::fs::read(&full).map_err(|e| io(&full, e))?;
        if old.owns(path, &bytes) {
            removals.push((path.clone(), bytes));
        } else {
            warnings.push(WriteError::LeftInPlace {
                path: full.display().to_string(),
                why: "it was edited since watchbook wrote it, and is no longer generated",
            });
        }
    }
    Ok((removals, warnings))
}
