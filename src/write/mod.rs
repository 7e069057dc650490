//! Stage 6: generated files to disk, safely on any file system and against any process.
//!
//! - The output directory is ours only if it is new, empty, or carries our manifest
//!   ([`manifest`]); only files that the manifest lists, with unchanged bytes, are ever
//!   deleted, and a foreign file where a generated one must go is an error.
//! - The new tree is staged beside the old one and switched in with one atomic exchange
//!   ([`stage`]); a crash at any point leaves the old tree or the new one.
//! - One writer at a time ([`lock`]); what a dead writer left behind is reclaimed
//!   ([`reclaim`]).
//! - `--check` stops at the [`Plan`] and shows it as a diff.

mod error;
mod lock;
mod manifest;
mod plan;
mod reclaim;
mod stage;
mod tree;

pub use error::WriteError;
pub use plan::{Change, Plan};

use crate::emit::Artifact;
use error::io;
use std::path::{Component, Path, PathBuf};

/// A plan being made as artifacts arrive; see [`Output::stream`].
pub struct Streamer<'a> {
    stream: plan::Stream<'a>,
}

impl Streamer<'_> {
    /// Takes one artifact, from any thread.
    pub fn put(&self, artifact: Artifact) {
        self.stream.put(artifact);
    }

    /// The plan, once every artifact is in.
    pub fn finish(self) -> Result<Plan, WriteError> {
        self.stream.finish()
    }
}

/// An output directory, locked for this process while the value lives.
pub struct Output {
    /// The directory as the user named it, for messages.
    shown: PathBuf,
    /// Its real path (symlinks of the user's path resolved), which may not exist yet.
    dir: PathBuf,
    parent: PathBuf,
    name: String,
    _lock: Option<lock::Lock>,
    /// What was left in place while cleaning up.
    pub warnings: Vec<WriteError>,
}

impl Output {
    /// Locks the output directory `out` and reclaims what dead writers left beside it; the
    /// directories above it are created.
    pub fn open(out: &Path) -> Result<Output, WriteError> {
        Output::open_with(out, true)
    }

    /// Like [`Output::open`] for reading only (`--check`): nothing is created, and an output
    /// whose parent does not exist is simply empty.
    pub fn open_to_read(out: &Path) -> Result<Output, WriteError> {
        Output::open_with(out, false)
    }

    fn open_with(out: &Path, create: bool) -> Result<Output, WriteError> {
        let not_a_dir = || WriteError::NotADirectory {
            path: out.display().to_string(),
        };
        let dir = match std::fs::canonicalize(out) {
            Ok(real) if real.is_dir() => real,
            Ok(_) => return Err(not_a_dir()),
            // A link to nothing: never replaced by a directory of ours.
            Err(_) if std::fs::symlink_metadata(out).is_ok() => return Err(not_a_dir()),
            Err(_) => {
                let name = out.file_name().ok_or_else(not_a_dir)?;
                let parent = match out.parent() {
                    Some(p) if !p.as_os_str().is_empty() => p,
                    _ => Path::new("."),
                };
                if create {
                    std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
                }
                match std::fs::canonicalize(parent) {
                    Ok(real) => real.join(name),
                    Err(_) if !create => std::path::absolute(out).map_err(|e| io(out, e))?,
                    Err(e) => return Err(io(parent, e)),
                }
            }
        };
        let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) else {
            return Err(not_a_dir());
        };
        let lock = match parent.is_dir() {
            true => Some(lock::lock(parent, out)?),
            false => None,
        };
        let mut output = Output {
            shown: out.to_path_buf(),
            parent: parent.to_path_buf(),
            name: name.to_string_lossy().into_owned(),
            dir,
            _lock: lock,
            warnings: Vec::new(),
        };
        if create {
            output.reclaim_dead();
        }
        Ok(output)
    }

    /// Compares the artifacts, which the plan takes over, with what the directory holds.
    /// `only` restricts the plan to the outputs under a prefix (`runbook/`); `rules` is the
    /// directory they come from; with `diff`, the plan keeps the old bytes of what changes,
    /// for [`diff`].
    pub fn plan(
        &self,
        artifacts: Vec<Artifact>,
        rules: &Path,
        only: Option<&str>,
        force: bool,
        diff: bool,
    ) -> Result<Plan, WriteError> {
        plan::plan(self.request(rules, only, force, diff, false)?, artifacts)
    }

    /// A plan made while the artifacts are emitted: each is compared as it comes and, when
    /// it changes (and not `diff`), written into the staging directory at once. Finish it
    /// with [`Streamer::finish`], then [`Output::apply`]; on failure, [`Output::discard`].
    pub fn stream<'a>(
        &'a self,
        rules: &Path,
        only: Option<&'a str>,
        force: bool,
        diff: bool,
    ) -> Result<Streamer<'a>, WriteError> {
        let request = self.request(rules, only, force, diff, !diff)?;
        Ok(Streamer {
            stream: plan::Stream::begin(request)?,
        })
    }

    fn request<'a>(
        &'a self,
        rules: &Path,
        only: Option<&'a str>,
        force: bool,
        diff: bool,
        staged: bool,
    ) -> Result<plan::Request<'a>, WriteError> {
        let rules = std::fs::canonicalize(rules).map_err(|e| io(rules, e))?;
        Ok(plan::Request {
            out: &self.dir,
            only,
            rules: relative(&self.dir, &rules),
            force,
            diff,
            parts: staged.then(|| self.sibling("parts", std::process::id())),
        })
    }

    /// Removes what a stream staged, when the compile stops before [`Output::apply`].
    pub fn discard(&mut self) {
        let pid = std::process::id();
        let stage = self.sibling("stage", pid);
        if std::fs::symlink_metadata(&stage).is_ok() {
            self.warnings.extend(reclaim::reclaim(&stage, &self.dir));
        }
        reclaim::remove_parts(&self.sibling("parts", pid));
    }

    /// Carries out a plan: the whole new tree or nothing.
    pub fn apply(&mut self, plan: &Plan) -> Result<(), WriteError> {
        self.warnings.extend(plan.warnings.iter().cloned());
        if plan.is_empty() {
            return Ok(());
        }
        let pid = std::process::id();
        let (stage, parts) = (self.sibling("stage", pid), self.sibling("parts", pid));
        if let Err(e) = stage::build(&self.dir, &stage, &parts, plan) {
            self.warnings.extend(reclaim::reclaim(&stage, &self.dir));
            reclaim::remove_parts(&parts);
            return Err(e);
        }
        let swapped = match stage::switch(&stage, &self.dir, &self.sibling("old", pid)) {
            Ok(swapped) => swapped,
            Err(e) => {
                self.warnings.extend(reclaim::reclaim(&stage, &self.dir));
                return Err(e);
            }
        };
        // The switch is done: the old tree is reclaimed even if the sync below fails.
        let synced = stage::sync_dir(&self.parent);
        if swapped {
            self.warnings.extend(reclaim::reclaim(&stage, &self.dir));
        }
        synced
    }

    /// The directory as the user named it.
    pub fn shown(&self) -> &Path {
        &self.shown
    }

    /// `.NAME.watchbook-KIND-PID`, beside the output.
    fn sibling(&self, kind: &str, pid: u32) -> PathBuf {
        self.parent
            .join(format!(".{}.watchbook-{kind}-{pid}", self.name))
    }

    /// Trees left beside the output by writers that died. Holding the lock, no live writer
    /// can own one; the process check guards against a lock that did not hold (NFS).
    fn reclaim_dead(&mut self) {
        let prefix = format!(".{}.watchbook-", self.name);
        let Ok(entries) = std::fs::read_dir(&self.parent) else {
            return;
        };
        let mut dead: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .filter(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let Some(rest) = name.strip_prefix(&prefix) else {
                    return false;
                };
                let pid = rest
                    .strip_prefix("stage-")
                    .or_else(|| rest.strip_prefix("old-"))
                    .or_else(|| rest.strip_prefix("parts-"))
                    .and_then(|p| p.parse::<i32>().ok());
                pid.is_some_and(|p| !alive(p)) && e.file_type().is_ok_and(|t| t.is_dir())
            })
            .map(|e| e.path())
            .collect();
        dead.sort();
        let parts = format!("{prefix}parts-");
        for dir in dead {
            if dir
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(&parts))
            {
                reclaim::remove_parts(&dir);
            } else {
                self.warnings.extend(reclaim::reclaim(&dir, &self.dir));
            }
        }
    }
}

fn alive(pid: i32) -> bool {
    if pid == std::process::id() as i32 {
        return false;
    }
    rustix::process::Pid::from_raw(pid)
        .is_some_and(|p| rustix::process::test_kill_process(p).is_ok())
}

/// `to` relative to `from`, both absolute: `../rules`.
fn relative(from: &Path, to: &Path) -> String {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// A unified diff of the plan, as `--check` prints it.
pub fn diff(out: &Path, plan: &Plan) -> String {
    let mut text = String::new();
    let mut add = |name: String, from: &str, to: &str, old: &[u8], new: &[u8]| {
        let (old, new) = (String::from_utf8_lossy(old), String::from_utf8_lossy(new));
        let from = if from.is_empty() { name.as_str() } else { from };
        let to = if to.is_empty() { name.as_str() } else { to };
        text.push_str(
            &similar::TextDiff::from_lines(old.as_ref(), new.as_ref())
                .unified_diff()
                .context_radius(3)
                .header(from, to)
                .to_string(),
        );
    };
    for change in &plan.changes {
        let name = out.join(&change.path).display().to_string();
        let from = if change.old.is_some() {
            ""
        } else {
            "/dev/null"
        };
        add(
            name,
            from,
            "",
            change.old.as_deref().unwrap_or_default(),
            &change.new,
        );
    }
    for (path, old) in &plan.removals {
        add(
            out.join(path).display().to_string(),
            "",
            "/dev/null",
            old,
            b"",
        );
    }
    text
}

#[cfg(test)]
mod tests {
    use super::relative;
    use std::path::Path;

    #[test]
    fn relative_paths_climb_then_descend() {
        assert_eq!(
            relative(Path::new("/a/b/out"), Path::new("/a/b/rules")),
            "../rules"
        );
        assert_eq!(
            relative(Path::new("/a/out"), Path::new("/a/x/rules")),
            "../x/rules"
        );
        assert_eq!(relative(Path::new("/a"), Path::new("/a")), ".");
    }
}
