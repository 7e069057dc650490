//! SARIF 2.1.0, the format code-scanning tools (GitHub code scanning among them) read: one run,
//! the lints as the tool's rules, one result per finding.

use super::{Diagnostic, Level};
use crate::source::SourceMap;
use serde_json::{json, Value};

pub fn render_sarif(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    let rules: Vec<Value> = crate::lint::LINTS
        .iter()
        .map(|l| {
            json!({
                "id": l.code,
                "name": l.name,
                "shortDescription": { "text": l.name },
                "fullDescription": { "text": l.doc() },
                "help": { "text": l.doc(), "markdown": l.doc() },
                "defaultConfiguration": { "level": level(l.level) }
            })
        })
        .collect();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let mut result = json!({
                "ruleId": d.code,
                "level": level(d.level),
                "message": { "text": match &d.help {
                    Some(help) => format!("{} ({help})", d.message),
                    None => d.message.clone(),
                } },
            });
            if let Some(index) = crate::lint::LINTS.iter().position(|l| l.code == d.code) {
                result["ruleIndex"] = json!(index);
            }
            if let Some(span) = d.span {
                let (line, col) = sources.line_col(span.file, span.start);
                let (end_line, end_col) = sources.line_col(span.file, span.end);
                result["locations"] = json!([{
                    "physicalLocation": {
                        "artifactLocation": { "uri": sources.file(span.file).display.replace('\\', "/") },
                        "region": {
                            "startLine": line,
                            "startColumn": col,
                            "endLine": end_line,
                            "endColumn": end_col.max(col + 1),
                        }
                    }
                }]);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "watchbook",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/watchbook/watchbook",
                "rules": rules
            } },
            "results": results
        }]
    });
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}

fn level(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
    }
}
