//! What every stage reports: a [`Diagnostic`] with a stable code and a location, rendered
//! like rustc for people ([`render`]) or as JSON for tools ([`json`]).

mod github;
mod human;
mod json;
mod sarif;

pub use github::render_github;
pub use human::render_human;
pub use json::render_json;
pub use sarif::render_sarif;

use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Error,
    Warning,
}

/// A located message. Built by each stage's error enum, which owns all the wording.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub code: &'static str,
    pub level: Level,
    pub message: String,
    pub span: Option<Span>,
    /// Short text under the carets.
    pub label: Option<String>,
    /// Other places that explain this one.
    pub related: Vec<(Span, String)>,
    pub help: Option<String>,
}

/// The common shape of every stage's error enum, so that each stage keeps its wording in one
/// place and the conversion to a [`Diagnostic`] is written once.
pub trait StageError: std::fmt::Display {
    fn code(&self) -> &'static str;
    fn span(&self) -> Option<Span>;
    fn label(&self) -> Option<String> {
        None
    }
    fn related(&self) -> Vec<(Span, String)> {
        Vec::new()
    }
    fn help(&self) -> Option<String> {
        None
    }
    fn level(&self) -> Level {
        Level::Error
    }

    fn to_diagnostic(&self) -> Diagnostic {
        Diagnostic {
            code: self.code(),
            level: self.level(),
            message: self.to_string(),
            span: self.span(),
            label: self.label(),
            related: self.related(),
            help: self.help(),
        }
    }
}

/// Sorts diagnostics by file and position so output does not depend on discovery order.
pub(crate) fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_key(|d| {
        d.span
            .map(|s| (s.file, s.start, s.end))
            .unwrap_or((crate::source::FileId(u32::MAX), 0, 0))
    });
}
