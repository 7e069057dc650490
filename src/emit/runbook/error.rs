//! What can go wrong while writing the runbook, worded in one place.

use crate::diagnostic::StageError;
use crate::source::Span;
use std::fmt;

pub enum EmitError {
    Template {
        name: String,
        message: String,
    },
    BrokenLink {
        file: String,
        line: usize,
        link: String,
        /// Where the sources write the link, once found (`locate`).
        origin: Option<Span>,
    },
    DuplicateAnchor {
        file: String,
        line: usize,
        anchor: String,
    },
    MissingAlertSection {
        alert: String,
        anchor: String,
        /// The alert's name in the sources.
        span: Span,
    },
    UnknownTemplate {
        name: String,
    },
}

impl EmitError {
    pub(super) fn template(name: &str, error: &minijinja::Error) -> EmitError {
        let mut message = error.to_string();
        if let Some(line) = error.line() {
            message = format!("line {line}: {message}");
        }
        EmitError::Template {
            name: name.to_string(),
            message,
        }
    }
}

impl EmitError {
    /// Finds where the sources write a broken link (`](target)` in a step, cause or text):
    /// the runbook copies those texts, so the first source that holds it wrote it.
    pub fn locate(&mut self, sources: &[(crate::source::FileId, &str)]) {
        let EmitError::BrokenLink { link, origin, .. } = self else {
            return;
        };
        let written = format!("]({link})");
        *origin = sources.iter().find_map(|(file, text)| {
            let at = text.find(&written)? + 2;
            Some(Span::new(*file, at, at + link.len()))
        });
    }
}

/// One broken link written once in the sources is one error, however many generated files
/// (the runbook, the book) copy it.
pub fn dedup(errors: &mut Vec<EmitError>) {
    let mut seen = std::collections::HashSet::new();
    errors.retain(|e| match e {
        EmitError::BrokenLink {
            origin: Some(span),
            link,
            ..
        } => seen.insert((*span, link.clone())),
        _ => true,
    });
}

impl fmt::Display for EmitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EmitError::Template { name, message } => {
                write!(f, "runbook template `{name}` failed: {message}")
            }
            EmitError::BrokenLink {
                file, line, link, ..
            } => {
                write!(f, "runbook link `{link}` in `{file}` line {line} leads nowhere")
            }
            EmitError::DuplicateAnchor { file, line, anchor } => write!(
                f,
                "two headings of `{file}` have the anchor `#{anchor}` (the second at line {line})"
            ),
            EmitError::MissingAlertSection { alert, anchor, .. } => write!(
                f,
                "the runbook has no section `#{anchor}` for alert `{alert}`, where its `runbook_url` points"
            ),
            EmitError::UnknownTemplate { name } => write!(f, "unknown runbook template `{name}`"),
        }
    }
}

impl StageError for EmitError {
    fn code(&self) -> &'static str {
        match self {
            EmitError::Template { .. } => "E0401",
            EmitError::BrokenLink { .. } => "E0402",
            EmitError::DuplicateAnchor { .. } => "E0403",
            EmitError::MissingAlertSection { .. } => "E0404",
            EmitError::UnknownTemplate { .. } => "E0405",
        }
    }

    fn span(&self) -> Option<Span> {
        match self {
            EmitError::BrokenLink { origin, .. } => *origin,
            EmitError::MissingAlertSection { span, .. } => Some(*span),
            _ => None,
        }
    }

    fn label(&self) -> Option<String> {
        match self {
            EmitError::BrokenLink { .. } => Some("no heading has this anchor".into()),
            EmitError::MissingAlertSection { .. } => Some("this alert".into()),
            _ => None,
        }
    }

    fn help(&self) -> Option<String> {
        Some(match self {
            EmitError::Template { .. } => {
                "fix the template, or remove it to use the built-in one".to_string()
            }
            EmitError::BrokenLink { .. } => {
                "link to a heading that exists: anchors are the heading in lowercase, spaces as `-`"
                    .to_string()
            }
            EmitError::DuplicateAnchor { .. } => "rename one of the headings".to_string(),
            EmitError::MissingAlertSection { .. } => {
                "the alerts template must give each alert a heading with its name".to_string()
            }
            EmitError::UnknownTemplate { .. } => format!(
                "the templates are {}",
                super::TEMPLATES
                    .iter()
                    .map(|(n, _)| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
    }
}
