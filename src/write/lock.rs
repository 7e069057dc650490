//! One writer at a time per output directory. The lock is taken on the directory that holds
//! the output (the output itself is swapped out from under any lock taken on it), with
//! `flock`, so that it dies with its process.

use super::error::{io, WriteError};
use rustix::fs::{flock, FlockOperation};
use std::fs::File;
use std::path::Path;

pub(super) struct Lock {
    _file: File,
}

/// Locks `parent` for this process; waits, saying so, while another holds it.
pub(super) fn lock(parent: &Path, out: &Path) -> Result<Lock, WriteError> {
    let file = File::open(parent).map_err(|e| io(parent, e))?;
    if flock(&file, FlockOperation::NonBlockingLockExclusive).is_err() {
        eprintln!(
            "waiting for another watchbook run to finish writing `{}`",
            out.display()
        );
        flock(&file, FlockOperation::LockExclusive).map_err(|e| io(parent, e))?;
    }
    Ok(Lock { _file: file })
}
