//! Names: where each is declared, and where a name is used (every word of the sources equal
//! to it, outside strings, texts and comments: the language has no other way to refer).

use crate::parse::ast::{Declaration, Ident};
use crate::source::FileId;

/// One declaration: its kind (`query`, `threshold`...) and name, and where the name is.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Declared {
    pub kind: &'static str,
    pub name: String,
    pub file: usize,
    pub start: usize,
    pub end: usize,
}

/// The declarations of one file's text.
pub(super) fn declarations(file: usize, text: &str) -> Vec<Declared> {
    let (ast, _) = crate::parse::parse(FileId(file as u32), text);
    let mut out = Vec::new();
    let mut add = |kind: &'static str, name: &Ident| {
        out.push(Declared {
            kind,
            name: name.value.clone(),
            file,
            start: name.span.start,
            end: name.span.end,
        })
    };
    for d in &ast.declarations {
        match d {
            Declaration::Environment(x) => add("environment", &x.name),
            Declaration::Service(x) => add("service", &x.name),
            Declaration::Severity(x) => add("severity", &x.name),
            Declaration::Query(x) => add("query", &x.name),
            Declaration::Threshold(x) => add("threshold", &x.name),
            Declaration::Alert(x) => add("alert", &x.name),
            Declaration::Receiver(x) => add("receiver", &x.name),
            Declaration::Team(x) => add("team", &x.name),
            Declaration::Escalation(x) => add("escalation", &x.name),
            Declaration::Dashboard(x) => add("dashboard", &x.name),
            Declaration::Component(x) => add("component", &x.name),
            Declaration::Section(x) => add("section", &x.name),
            Declaration::Slo(x) => add("slo", &x.name),
            Declaration::Group(x) => add("group", &x.name),
            Declaration::TimeInterval(x) => add("time_interval", &x.name),
            _ => {}
        }
    }
    out
}

/// The name (a word of letters, digits and `_`) at a byte offset, and where it is.
pub(super) fn word_at(text: &str, at: usize) -> Option<(usize, usize)> {
    let is_name = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let at = at.min(text.len());
    let start = text[..at]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_name(*c))
        .last()
        .map_or(at, |(i, _)| i);
    let end = text[at..]
        .char_indices()
        .find(|(_, c)| !is_name(*c))
        .map_or(text.len(), |(i, _)| at + i);
    (start < end).then_some((start, end))
}

/// Where `name` is used in a text: the words equal to it, and `${name}` in queries.
pub(super) fn uses(text: &str, name: &str) -> Vec<(usize, usize)> {
    let Some(tokens) = crate::fmt::words(text) else {
        return Vec::new();
    };
    let mut found: Vec<(usize, usize)> = tokens
        .into_iter()
        .filter(|(word, _)| *word == name)
        .map(|(_, start)| (start, start + name.len()))
        .collect();
    let reference = format!("${{{name}}}");
    for (query, at) in crate::fmt::verbatim(text).unwrap_or_default() {
        for (i, _) in query.match_indices(&reference) {
            let start = at + i + 2;
            found.push((start, start + name.len()));
        }
    }
    found.sort_unstable();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_found_where_declared_and_used() {
        let text = "query errors \"Errors\" { promql `errors` }\nthreshold errors { critical above 1 }\n# errors\nalert A { expr `${errors} > 2` }\n";
        let declared = declarations(0, text);
        assert_eq!(declared.len(), 3);
        assert_eq!(&text[declared[0].start..declared[0].end], "errors");
        // Not in the backtick text, the string or the comment; but `${errors}` in a query.
        let found = uses(text, "errors");
        assert_eq!(found.len(), 3);
        assert!(found.iter().all(|(s, e)| &text[*s..*e] == "errors"));
        let at = text.find("threshold errors").unwrap() + 12;
        assert_eq!(word_at(text, at).map(|(s, e)| &text[s..e]), Some("errors"));
    }
}
