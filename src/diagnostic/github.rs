//! GitHub Actions workflow commands: `::error file=F,line=L,col=C,title=CODE::message`, which
//! GitHub shows as annotations on the pull request's lines.

use super::{Diagnostic, Level};
use crate::source::SourceMap;

/// Escapes a workflow command's data (`%`, CR, LF) and, for properties, `:` and `,`.
fn escape(text: &str, property: bool) -> String {
    let mut out = text
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    if property {
        out = out.replace(':', "%3A").replace(',', "%2C");
    }
    out
}

pub fn render_github(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let command = match d.level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        let title = escape(d.code, true);
        match d.span {
            Some(span) => {
                let (line, col) = sources.line_col(span.file, span.start);
                let (end_line, end_col) = sources.line_col(span.file, span.end);
                let file = escape(&sources.file(span.file).display, true);
                out.push_str(&format!(
                    "::{command} file={file},line={line},col={col},endLine={end_line},endColumn={end_col},title={title}::{}\n",
                    escape(&message, false)
                ));
            }
            None => out.push_str(&format!(
                "::{command} title={title}::{}\n",
                escape(&message, false)
            )),
        }
    }
    out
}
