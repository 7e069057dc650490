//! rustc-style rendering through miette: code, message, `file:line:col`, the source line with
//! carets, related places and a hint.

use super::{Diagnostic, Level};
use crate::source::{SourceMap, Span};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use std::fmt;

/// Renders diagnostics for a terminal (`color`) or for logs and snapshots (no color).
pub fn render_human(diagnostics: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let mut out = String::new();
    for diagnostic in diagnostics {
        let report = Report::new(diagnostic, sources);
        if handler.render_report(&mut out, &report).is_err() {
            // Rendering into a String cannot fail short of a miette bug; fall back to plain text.
            out.push_str(&plain(diagnostic, sources));
        }
        out.push('\n');
    }
    out
}

fn plain(d: &Diagnostic, sources: &SourceMap) -> String {
    match d.span {
        Some(span) => {
            let (line, col) = sources.line_col(span.file, span.start);
            let file = &sources.file(span.file).display;
            format!(
                "{}[{}]: {} at {file}:{line}:{col}\n",
                level_word(d.level),
                d.code,
                d.message
            )
        }
        None => format!("{}[{}]: {}\n", level_word(d.level), d.code, d.message),
    }
}

fn level_word(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
    }
}

/// Adapts a [`Diagnostic`] to miette. Places in other files become related reports, since a
/// miette report shows one source.
struct Report {
    code: &'static str,
    level: Level,
    message: String,
    help: Option<String>,
    source: Option<NamedSource<String>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report>,
}

impl Report {
    fn new(d: &Diagnostic, sources: &SourceMap) -> Report {
        let Some(span) = d.span else {
            return Report {
                code: d.code,
                level: d.level,
                message: d.message.clone(),
                help: d.help.clone(),
                source: None,
                labels: Vec::new(),
                related: Vec::new(),
            };
        };
        let mut labels = vec![LabeledSpan::new_primary_with_span(
            d.label.clone(),
            source_span(span),
        )];
        let mut related = Vec::new();
        for (other, text) in &d.related {
            if other.file == span.file {
                labels.push(LabeledSpan::new_with_span(
                    Some(text.clone()),
                    source_span(*other),
                ));
            } else {
                related.push(Report {
                    code: d.code,
                    level: d.level,
                    message: text.clone(),
                    help: None,
                    source: Some(named(sources, *other)),
                    labels: vec![LabeledSpan::new_with_span(None, source_span(*other))],
                    related: Vec::new(),
                });
            }
        }
        Report {
            code: d.code,
            level: d.level,
            message: d.message.clone(),
            help: d.help.clone(),
            source: Some(named(sources, span)),
            labels,
            related,
        }
    }
}

fn named(sources: &SourceMap, span: Span) -> NamedSource<String> {
    let file = sources.file(span.file);
    NamedSource::new(file.display.clone(), file.text.clone())
}

fn source_span(span: Span) -> SourceSpan {
    SourceSpan::new(span.start.into(), span.end.saturating_sub(span.start))
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.level {
            Level::Error => miette::Severity::Error,
            Level::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related.iter().map(|r| r as &dyn miette::Diagnostic),
            ))
        }
    }
}
