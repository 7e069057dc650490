//! `watchbook diff`: the change a pull request makes, read from the model rather than from
//! the generated YAML. The base is a git ref (its rules directory read out of git into a
//! scratch directory) or a directory; both sides are compiled up to the model and compared.

mod base;
mod compare;
mod render;
pub mod report;

pub use render::{human, markdown};
pub use report::Report;

use crate::diagnostic::Diagnostic;
use crate::source::SourceMap;
use std::path::Path;

/// Where the base comes from.
pub enum Base<'a> {
    /// A git ref (`main`, `HEAD~1`, a commit), read from the repository holding the rules.
    Git(&'a str),
    Dir(&'a Path),
}

/// What went wrong, for the command to show.
pub enum DiffError {
    /// The base could not be read (not a git repository, an unknown ref...).
    Base(String),
    /// A side does not compile: its diagnostics, with its sources.
    Compile {
        side: &'static str,
        sources: SourceMap,
        diagnostics: Vec<Diagnostic>,
    },
}

/// Compares the rules at `rules` with the same rules at `base`. The base is read first:
/// a bad ref is reported before anything is compiled.
pub fn diff(rules: &Path, base: Base) -> Result<Report, DiffError> {
    let base = BaseDir::read(rules, base)?;
    let (head_sources, head_model) = compiled(rules, "working tree")?;
    base.compare(&head_model, &head_sources)
}

fn compiled(
    dir: &Path,
    side: &'static str,
) -> Result<(SourceMap, crate::resolve::model::Model), DiffError> {
    let (sources, model) = crate::compile::checked_model(dir);
    match model {
        Ok(model) => Ok((sources, model)),
        Err(diagnostics) => Err(DiffError::Compile {
            side,
            sources,
            diagnostics,
        }),
    }
}

/// The base's sources on disk: a scratch directory read out of git, or the directory given.
pub(crate) struct BaseDir {
    _scratch: Option<tempfile::TempDir>,
    dir: std::path::PathBuf,
    label: String,
}

impl BaseDir {
    pub(crate) fn read(rules: &Path, base: Base) -> Result<BaseDir, DiffError> {
        Ok(match base {
            Base::Git(reference) => {
                let scratch = base::from_git(rules, reference).map_err(DiffError::Base)?;
                BaseDir {
                    dir: scratch.path().to_path_buf(),
                    _scratch: Some(scratch),
                    label: reference.to_string(),
                }
            }
            Base::Dir(dir) => BaseDir {
                _scratch: None,
                dir: dir.to_path_buf(),
                label: dir.display().to_string(),
            },
        })
    }

    /// The report for a head already compiled (`lint --base` has it).
    pub(crate) fn compare(
        &self,
        head: &crate::resolve::model::Model,
        head_sources: &SourceMap,
    ) -> Result<Report, DiffError> {
        let (base_sources, base_model) = compiled(&self.dir, "base")?;
        Ok(compare::compare(
            &compare::Side {
                model: &base_model,
                sources: &base_sources,
            },
            &compare::Side {
                model: head,
                sources: head_sources,
            },
            &self.label,
        ))
    }
}
