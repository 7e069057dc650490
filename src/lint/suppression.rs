//! Suppressions: a comment on the line before a declaration,
//! `# watchbook: allow NAME [until YYYY-MM-DD]: reason`, silences that lint inside the
//! declaration. The reason is required; past its date a suppression stops working and is
//! reported, so that "temporary" stays temporary.

use super::{find, Finding};
use crate::diagnostic::{Diagnostic, Level, StageError};
use crate::source::{FileId, SourceMap, Span};

declare_lint! {
    /// **What it does:** reports suppression comments without a reason, past their date, or
    /// naming no lint.
    ///
    /// **Why it is bad:** a suppression nobody can justify, or that outlived its promise, hides
    /// exactly the problems the lint exists for.
    ///
    /// **Example:**
    ///
    /// ```text
    /// # watchbook: allow critical-without-for until 2026-01-31: flapping fixed in release 4.2
    /// alert ServiceDown { ... }
    /// ```
    code: "L900",
    name: "bad-suppression",
    level: Level::Error,
}

const MARKER: &str = "# watchbook: allow ";

struct Suppression {
    lint: &'static str,
    /// The declaration it covers: byte range in the file.
    file: FileId,
    start: usize,
    end: usize,
}

/// Applies suppressions to the findings and adds findings about the suppressions themselves.
pub(super) fn apply(findings: Vec<Finding>, sources: &SourceMap, today: &str) -> Vec<Diagnostic> {
    let mut own = Vec::new();
    let mut active = Vec::new();
    for file in sources.ids() {
        let text = &sources.file(file).text;
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let start = offset;
            offset += line.len();
            let Some(at) = line.find(MARKER) else {
                continue;
            };
            let rest = line[at + MARKER.len()..].trim_end();
            let span = Span::new(file, start + at, start + line.trim_end().len());
            let (head, reason) = rest.split_once(':').unwrap_or((rest, ""));
            let mut words = head.split_whitespace();
            let name = words.next().unwrap_or("");
            let until = match (words.next(), words.next()) {
                (Some("until"), Some(date)) => Some(date),
                _ => None,
            };
            if reason.trim().is_empty() {
                own.push(Finding::SuppressionWithoutReason { span });
                continue;
            }
            let Some(lint) = find(name) else {
                own.push(Finding::UnknownSuppression {
                    lint: name.to_string(),
                    span,
                });
                continue;
            };
            if let Some(date) = until {
                // ISO dates compare as text.
                if date < today {
                    own.push(Finding::ExpiredSuppression {
                        lint: lint.name.to_string(),
                        until: date.to_string(),
                        span,
                    });
                    continue;
                }
            }
            let (start, end) = declaration_after(text, offset);
            active.push(Suppression {
                lint: lint.code,
                file,
                start,
                end,
            });
        }
    }
    let kept = findings.into_iter().filter(|f| {
        let span = f.primary();
        !active.iter().any(|s| {
            s.lint == f.lint().code
                && s.file == span.file
                && s.start <= span.start
                && span.start < s.end
        })
    });
    kept.chain(own).map(|f| f.to_diagnostic()).collect()
}

/// The byte range of the declaration that starts after `from`: up to its closing brace.
fn declaration_after(text: &str, from: usize) -> (usize, usize) {
    let mut depth = 0usize;
    let mut opened = false;
    let mut quote: Option<char> = None;
    for (i, c) in text[from..].char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '`') => quote = Some(c),
            (None, '{') => {
                depth += 1;
                opened = true;
            }
            (None, '}') => {
                depth = depth.saturating_sub(1);
                if opened && depth == 0 {
                    return (from, from + i + 1);
                }
            }
            (None, '\n') if !opened && text[from + i + 1..].trim_start().starts_with(MARKER) => {}
            _ => {}
        }
    }
    (from, text.len())
}

#[cfg(test)]
mod tests {
    use super::declaration_after;

    #[test]
    fn a_declaration_ends_at_its_closing_brace() {
        let text = "alert A {\n  summary \"{ not a brace\"\n  x { }\n}\nalert B {}\n";
        let (start, end) = declaration_after(text, 0);
        assert_eq!(
            &text[start..end],
            "alert A {\n  summary \"{ not a brace\"\n  x { }\n}"
        );
    }
}
