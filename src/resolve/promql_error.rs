//! Where a PromQL syntax error is, when promql-parser only says "invalid promql query": the
//! first token after which the text can no longer be completed into a valid expression, as
//! Prometheus reports it (`unexpected <by>`). Tried only on the error path.

use promql_parser::parser;

/// A syntax error at a byte range of the expression.
#[derive(Debug, PartialEq)]
pub(crate) struct SyntaxError {
    pub offset: usize,
    pub len: usize,
    pub message: String,
}

/// Tokens as (start, end): words, numbers and durations, strings, and operators.
fn tokens(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b'#' {
            i = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
            continue;
        }
        if matches!(c, b'"' | b'\'' | b'`') {
            i += 1;
            while i < bytes.len() && bytes[i] != c {
                i += if bytes[i] == b'\\' && c != b'`' { 2 } else { 1 };
            }
            i = (i + 1).min(bytes.len());
        } else if c.is_ascii_alphanumeric() || matches!(c, b'_' | b':' | b'.') {
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'_' | b':' | b'.'))
            {
                i += 1;
            }
        } else {
            let two = text.get(i..i + 2).unwrap_or("");
            i += if matches!(two, "==" | "!=" | ">=" | "<=" | "=~" | "!~") {
                2
            } else {
                1
            };
            // Keep `i` on a character boundary for any non-ASCII byte.
            while i < bytes.len() && !text.is_char_boundary(i) {
                i += 1;
            }
        }
        out.push((start, i));
    }
    out
}

/// The brackets a prefix leaves open, closed in order.
fn closers(prefix: &str) -> String {
    let mut stack = Vec::new();
    for (start, end) in tokens(prefix) {
        match &prefix[start..end] {
            "(" => stack.push(')'),
            "[" => stack.push(']'),
            "{" => stack.push('}'),
            ")" | "]" | "}" => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack.iter().rev().collect()
}

fn parses(text: &str) -> bool {
    crate::guard::catch(|| parser::parse(text).is_ok()).unwrap_or(false)
}

/// Whether some short text after `prefix` makes a valid expression.
fn viable(prefix: &str) -> bool {
    if parses(prefix) {
        return true;
    }
    let close = closers(prefix);
    // Functions that take a range want `x[5m]`, not `x`.
    const FILLERS: [&str; 11] = [
        "", " x", " 1", " x[5m]", "[5m]", "=\"\"", "\"\"", "m", "5m", " ()", " (a)",
    ];
    const SUFFIXES: [&str; 3] = ["", " (x)", " x"];
    FILLERS.iter().any(|filler| {
        SUFFIXES
            .iter()
            .any(|suffix| parses(&format!("{prefix}{filler}{close}{suffix}")))
    })
}

/// Keywords followed by a parenthesised label list.
const MODIFIERS: [&str; 6] = [
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
];

/// The first token that cannot be part of a valid expression, or the end of the text.
pub(crate) fn locate(text: &str) -> Option<SyntaxError> {
    if parses(text) {
        return None;
    }
    let tokens = tokens(text);
    for (i, (start, end)) in tokens.iter().enumerate() {
        if !viable(&text[..*end]) {
            // `by (` fails at its parenthesis; the keyword is what is out of place.
            let (start, end) = match i.checked_sub(1).map(|p| tokens[p]) {
                Some((s, e)) if &text[*start..*end] == "(" && MODIFIERS.contains(&&text[s..e]) => {
                    (s, e)
                }
                _ => (*start, *end),
            };
            return Some(SyntaxError {
                offset: start,
                len: end - start,
                message: format!("unexpected `{}`", &text[start..end]),
            });
        }
    }
    let end = tokens.last().map_or(0, |(_, e)| *e);
    Some(SyntaxError {
        offset: end.saturating_sub(1),
        len: 1,
        message: "the expression ends too early".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> (String, String) {
        let e = locate(text).expect("an error");
        (text[e.offset..e.offset + e.len].to_string(), e.message)
    }

    #[test]
    fn points_at_the_token_prometheus_would_name() {
        assert_eq!(
            at("sum by (job)(rate(x[5m])) by (job) > 1"),
            ("by".into(), "unexpected `by`".into())
        );
        assert_eq!(at("rate(x[5m]) > ").1, "the expression ends too early");
        assert_eq!(at("sum(rate(x[5m]) > 1").1, "the expression ends too early");
        assert_eq!(at("up{job=\"a\"} ) > 1").0, ")");
        assert_eq!(at("rate(x[5m]) * * 2").0, "*");
        assert!(locate("sum by (job) (rate(x[5m])) > 1").is_none());
    }
}
