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
    parse_for(text, &super::promql_version::PromqlTarget::default())
}

/// [`parse`], for the Prometheus the rules are for.
pub(crate) fn parse_for(
    text: &str,
    target: &super::promql_version::PromqlTarget,
) -> Result<Expr, String> {
    super::promql_version::check(text, target)?;
    let rewritten = without_regexes(&super::promql_version::for_parser(text))?;
    crate::guard::catch(|| parser::parse(&rewritten))
        .unwrap_or_else(|panic| Err(format!("promql-parser failed on this query ({panic})")))
}

/// Parses an expression with its regexes compiled, as Prometheus reads it (backtick strings
/// raw, `holt_winters` known): what lints and the import's comparison look at.
pub(crate) fn parse_full(text: &str) -> Option<Expr> {
    let text = super::promql_version::for_parser(text);
    crate::guard::catch(|| parser::parse(&text).ok())
        .ok()
        .flatten()
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
    go_only(pattern).map_err(|why| format!("invalid regex `{pattern}`: {why}"))?;
    let anchored = format!("^(?:{pattern})$");
    let hir = regex_syntax::Parser::new()
        .parse(&anchored)
        .map_err(|e| format!("invalid regex `{pattern}`: {}", first_line(&e.to_string())))?;
    Ok(hir.properties().minimum_len() == Some(0))
}

/// What Go's RE2 (Prometheus' and Alertmanager's regex engine) refuses and regex-syntax
/// accepts: `(?<name>` groups, repeat counts over 1000, and a repetition of a repetition
/// (`a**`, `a++`; the lazy `a*?` is fine).
fn go_only(pattern: &str) -> Result<(), String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    let mut in_class = false;
    // Whether the previous token was a repetition, and whether it was already made lazy.
    let mut repeated = false;
    let mut lazy = false;
    while i < chars.len() {
        let c = chars[i];
        let mut repetition = false;
        match c {
            '\\' => i += 1,
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            _ if in_class => {}
            '(' if chars.get(i + 1) == Some(&'?') && chars.get(i + 2) == Some(&'<') => {
                return Err("named groups are written `(?P<name>...)`".into());
            }
            '*' | '+' | '?' => repetition = true,
            '{' => {
                let close = chars[i..].iter().position(|c| *c == '}').map(|n| i + n);
                let counts: Option<Vec<u32>> = close.and_then(|end| {
                    // `{n}`, `{n,}`, `{n,m}`; anything else (`{,5}`) is literal text.
                    let inner: String = chars[i + 1..end].iter().collect();
                    let (min, max) = inner.split_once(',').unwrap_or((&inner, "0"));
                    let max = if max.is_empty() { "0" } else { max };
                    Some(vec![min.parse().ok()?, max.parse().ok()?])
                });
                if let (Some(end), Some(counts)) = (close, counts) {
                    if counts.iter().any(|n| *n > 1000) {
                        return Err("a repeat count is at most 1000".into());
                    }
                    repetition = true;
                    i = end;
                }
            }
            _ => {}
        }
        if repetition {
            // Only one `?` may follow a repetition, making it lazy.
            let makes_lazy = c == '?' && !lazy;
            if repeated && !makes_lazy {
                return Err("a repetition cannot repeat another (`a**`, `a++`)".into());
            }
            lazy = repeated && c == '?';
            repeated = true;
        } else {
            repeated = false;
            lazy = false;
        }
        i += 1;
    }
    Ok(())
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
    let rest_indent = rest
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min();
    let first_indent = first.len() - first.trim_start().len();
    // A first line written on the line after the backtick is indented like the rest, and
    // counts for the common indentation (so that lines deeper than it stay deeper).
    let indent = match (first_indent > 0, rest_indent) {
        (true, Some(rest)) => rest.min(first_indent),
        (true, None) => first_indent,
        (false, rest) => rest.unwrap_or(0),
    };
    let strip_first = if first_indent > 0 { indent } else { 0 };
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
        assert_eq!(dedent("\n    (\n      a\n    )\n  "), "(\n  a\n)");
        assert_eq!(dedent("\n    a\n      and b\n  "), "a\n  and b");
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
    fn regexes_are_held_to_go_syntax() {
        for bad in ["(?<n>a)", "a{2,1001}", "a++", "a**", "a*??", "a{2}{3}"] {
            assert!(go_only(bad).is_err(), "{bad}");
        }
        for good in [
            "(?P<n>a)",
            "a{2,1000}",
            "a*?",
            "a+?b",
            "[*+]+",
            "\\*+",
            "x{2}?",
            "(?i)a|b",
            "a{,5}*",
            "a{2,}",
        ] {
            assert_eq!(go_only(good), Ok(()), "{good}");
        }
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
