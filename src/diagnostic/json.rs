//! Machine-readable diagnostics: one JSON array, positions as 1-based line and column.

use super::{Diagnostic, Level};
use crate::source::{SourceMap, Span};
use serde::Serialize;

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    level: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<Location>,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<Related<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
}

#[derive(Serialize)]
struct Location {
    file: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
struct Related<'a> {
    message: &'a str,
    location: Location,
}

fn location(sources: &SourceMap, span: Span) -> Location {
    let (line, column) = sources.line_col(span.file, span.start);
    let (end_line, end_column) = sources.line_col(span.file, span.end);
    Location {
        file: sources.file(span.file).display.clone(),
        line,
        column,
        end_line,
        end_column,
    }
}

/// Renders diagnostics as a pretty-printed JSON array followed by a newline.
pub fn render_json(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    let items: Vec<JsonDiagnostic> = diagnostics
        .iter()
        .map(|d| JsonDiagnostic {
            code: d.code,
            level: match d.level {
                Level::Error => "error",
                Level::Warning => "warning",
            },
            message: &d.message,
            location: d.span.map(|s| location(sources, s)),
            label: d.label.as_deref(),
            related: d
                .related
                .iter()
                .map(|(s, m)| Related {
                    message: m,
                    location: location(sources, *s),
                })
                .collect(),
            help: d.help.as_deref(),
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".to_string());
    out.push('\n');
    out
}
