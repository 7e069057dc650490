//! PromQL: parsed by promql-parser, so a rule that reaches Prometheus is one it accepts.

use promql_parser::parser::value::ValueType;
use promql_parser::parser::{self, Expr};

/// Parses an expression; the error is promql-parser's message.
pub(crate) fn parse(text: &str) -> Result<Expr, String> {
    parser::parse(text)
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
    let strip_first = if first_indent > 0 { first_indent.min(indent.max(first_indent)) } else { 0 };
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
    fn parses_and_classifies() {
        let e = parse("sum(rate(x[5m])) / 2").unwrap();
        assert!(needs_parens(&e));
        assert!(is_rule_value(&e));
        assert!(!is_rule_value(&parse("x[5m]").unwrap()));
        assert!(parse("sum(rate(x[5m])").is_err());
    }
}
