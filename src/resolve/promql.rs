//! PromQL: parsed by promql-parser, so a rule that reaches Prometheus is one it accepts.

use super::bounds::skip_string;
use promql_parser::parser::value::ValueType;
use promql_parser::parser::{self, Expr};

/// Parses an expression; the error is promql-parser's message.
///
/// promql-parser compiles a full regex engine for every `=~`/`!~` matcher, which dominated
/// compile time. Checking a regex only needs its syntax, so each regex is parsed here with
/// regex-syntax (as Prometheus anchors it) and promql-parser sees an equality matcher that
/// matches the empty string exactly when the regex does: the same verdict, far cheaper.
pub(crate) fn parse(text: &str) -> Result<Expr, String> {
    let rewritten = without_regexes(text)?;
    crate::guard::catch(|| parser::parse(&rewritten))
        .unwrap_or_else(|panic| Err(format!("promql-parser failed on this query ({panic})")))
}

/// Replaces `=~"re"` by `=""` or `="x"` (and `!~` likewise), after checking `re`.
fn without_regexes(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' | b'\'' | b'`' => i = skip_string(bytes, i),
            b'#' => i = text[i..].find('\n').map_or(bytes.len(), |n| i + n),
            b'=' | b'!' if bytes.get(i + 1) == Some(&b'~') => {
                let start = i + 2 + text[i + 2..].len() - text[i + 2..].trim_start().len();
                let Some(&quote) = bytes.get(start) else {
                    break;
                };
                if !matches!(quote, b'"' | b'\'' | b'`') {
                    i += 2;
                    continue;
                }
                let end = skip_string(bytes, start);
                let pattern = unquote(&text[start..end]);
                let empty = check_regex(&pattern)?;
                out.push_str(&text[copied..i]);
                out.push_str(if bytes[i] == b'=' { "=" } else { "!=" });
                out.push_str(if empty { "\"\"" } else { "\"x\"" });
                copied = end;
                i = end;
            }
            _ => i += 1,
        }
    }
    out.push_str(&text[copied.min(text.len())..]);
    Ok(out)
}

/// The value of a PromQL string literal (Go escapes; backtick strings are raw).
fn unquote(literal: &str) -> String {
    // The first character is the (ASCII) quote; an unterminated literal has no closing one.
    let Some(quote) = literal.chars().next() else {
        return String::new();
    };
    let body = &literal[quote.len_utf8()..];
    let inner = body.strip_suffix(quote).unwrap_or(body);
    if literal.starts_with('`') {
        return inner.to_string();
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// Checks a regex as Prometheus uses it (fully anchored); says whether it matches "".
fn check_regex(pattern: &str) -> Result<bool, String> {
    let anchored = format!("^(?:{pattern})$");
    let hir = regex_syntax::Parser::new()
        .parse(&anchored)
        .map_err(|e| format!("invalid regex `{pattern}`: {}", first_line(&e.to_string())))?;
    Ok(hir.properties().minimum_len() == Some(0))
}

fn first_line(text: &str) -> String {
    text.lines().last().unwrap_or(text).trim().to_string()
}

/// Whether a rule expression yields what a rule needs (an instant vector or a scalar).
pub(crate) fn is_rule_value(expr: &Expr) -> bool {
    matches!(expr.value_type(), ValueType::Vector | ValueType::Scalar)
}

/// Whether the expression must be wrapped in parentheses before a comparison is appended.
pub(crate) fn needs_parens(expr: &Expr) -> bool {
    matches!(expr, Expr::Binary(_))
}

/// Removes the indentation a multi-line backtick string picked up from its surroundings.
pub(crate) fn dedent(text: &str) -> String {
    let trimmed = text.trim_matches(|c| c == '\n' || c == '\r');
    let mut lines = trimmed.lines();
    let Some(first) = lines.next() else {
        return String::new();
    };
    let rest: Vec<&str> = lines.collect();
    let indent = rest
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let first_indent = first.len() - first.trim_start().len();
    // A first line written on the line after the backtick is indented like the rest.
    let strip_first = if first_indent > 0 {
        first_indent.min(indent.max(first_indent))
    } else {
        0
    };
    let mut out = first[strip_first..].trim_end().to_string();
    for line in rest {
        out.push('\n');
        out.push_str(line.get(indent..).unwrap_or(line.trim_start()).trim_end());
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dedents_multi_line_queries() {
        let text = "\n    sum(rate(x[5m]))\n      /\n    sum(rate(y[5m]))\n  ";
        assert_eq!(dedent(text), "sum(rate(x[5m]))\n  /\nsum(rate(y[5m]))");
        assert_eq!(dedent("up == 0"), "up == 0");
        assert_eq!(dedent("a\n        / b"), "a\n/ b");
    }

    #[test]
    fn regex_matchers_are_checked_without_compiling_them() {
        assert!(parse(r#"x{code=~"5..", job!~".+", a="=~"}"#).is_ok());
        assert!(parse(r#"up{job=~"(unclosed"}"#)
            .unwrap_err()
            .contains("invalid regex"));
        // A selector whose only matcher matches the empty string is still rejected.
        assert!(parse(r#"{job=~".*"}"#).is_err());
        assert!(parse(r#"{job=~".+"}"#).is_ok());
        // Found by fuzzing: an unterminated regex ending in a multi-byte character.
        assert!(parse("x{a=~\"ü 🦀 \u{202e}").is_err());
        assert_eq!(
            without_regexes(r#"x{a=~"b\\d"} or y{c!~'d'}"#).unwrap(),
            r#"x{a="x"} or y{c!="x"}"#
        );
    }

    #[test]
    fn parses_and_classifies() {
        let e = parse("sum(rate(x[5m])) / 2").unwrap();
        assert!(needs_parens(&e));
        assert!(is_rule_value(&e));
        assert!(!is_rule_value(&parse("x[5m]").unwrap()));
        assert!(parse("sum(rate(x[5m])").is_err());
    }
}
