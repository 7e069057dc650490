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

/// Compares the rules at `rules` with the same rules at `base`.
pub fn diff(rules: &Path, base: Base) -> Result<Report, DiffError> {
    let scratch;
    let (base_dir, label) = match base {
        Base::Git(reference) => {
            scratch = base::from_git(rules, reference).map_err(DiffError::Base)?;
            (scratch.path().to_path_buf(), reference.to_string())
        }
        Base::Dir(dir) => (dir.to_path_buf(), dir.display().to_string()),
    };
    let compiled = |dir: &Path, side: &'static str| {
        let (sources, model) = crate::compile::checked_model(dir);
        match model {
            Ok(model) => Ok((sources, model)),
            Err(diagnostics) => Err(DiffError::Compile {
                side,
                sources,
                diagnostics,
            }),
        }
    };
    let (base_sources, base_model) = compiled(&base_dir, "base")?;
    let (head_sources, head_model) = compiled(rules, "working tree")?;
    Ok(compare::compare(
        &compare::Side {
            model: &base_model,
            sources: &base_sources,
        },
        &compare::Side {
            model: &head_model,
            sources: &head_sources,
        },
        &label,
    ))
}
