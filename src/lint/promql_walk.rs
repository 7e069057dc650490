//! Walking PromQL expressions for lints: every selector with the function it sits in.

use promql_parser::parser::{Expr, VectorSelector};

/// A vector selector in an expression: what surrounds it matters to several lints.
pub(super) struct SelectorUse<'a> {
    pub selector: &'a VectorSelector,
    /// The range of a matrix selector, in milliseconds.
    pub range_ms: Option<u128>,
    /// The innermost function the selector is an argument of.
    pub function: Option<&'static str>,
    /// The selector's values do not reach the result: it sits in `count`, `group`,
    /// `count_over_time`, `present_over_time`, `timestamp`, or on the right of `and`/`unless`.
    pub value_free: bool,
}

/// Aggregations and functions whose result does not depend on their input's values.
const VALUE_FREE: [&str; 6] = [
    "count",
    "group",
    "count_over_time",
    "present_over_time",
    "timestamp",
    "absent",
];

/// Parses a rule expression as Prometheus does (regexes compiled): lints may look at them.
pub(super) fn parse(text: &str) -> Option<Expr> {
    crate::resolve::promql::parse_full(text)
}

pub(super) fn selectors(expr: &Expr) -> Vec<SelectorUse<'_>> {
    let mut out = Vec::new();
    walk(expr, None, false, &mut out);
    out
}

fn walk<'a>(
    expr: &'a Expr,
    function: Option<&'static str>,
    value_free: bool,
    out: &mut Vec<SelectorUse<'a>>,
) {
    match expr {
        Expr::Aggregate(a) => {
            let free = value_free || VALUE_FREE.contains(&a.op.to_string().as_str());
            walk(&a.expr, function, free, out);
            if let Some(p) = &a.param {
                walk(p, function, value_free, out);
            }
        }
        Expr::Unary(u) => walk(&u.expr, function, value_free, out),
        Expr::Binary(b) => {
            let filter_only = matches!(b.op.to_string().as_str(), "and" | "unless");
            walk(&b.lhs, None, value_free, out);
            walk(&b.rhs, None, value_free || filter_only, out);
        }
        Expr::Paren(p) => walk(&p.expr, function, value_free, out),
        Expr::Subquery(s) => walk(&s.expr, function, value_free, out),
        Expr::VectorSelector(v) => out.push(SelectorUse {
            selector: v,
            range_ms: None,
            function,
            value_free,
        }),
        Expr::MatrixSelector(m) => out.push(SelectorUse {
            selector: &m.vs,
            range_ms: Some(m.range.as_millis()),
            function,
            value_free,
        }),
        Expr::Call(c) => {
            let free = value_free || VALUE_FREE.contains(&c.func.name);
            for arg in &c.args.args {
                walk(arg, Some(c.func.name), free, out);
            }
        }
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => {}
    }
}

/// Calls `f` on every node of an expression, outermost first.
pub(super) fn each<'a>(expr: &'a Expr, f: &mut impl FnMut(&'a Expr)) {
    f(expr);
    match expr {
        Expr::Aggregate(a) => {
            each(&a.expr, f);
            if let Some(p) = &a.param {
                each(p, f);
            }
        }
        Expr::Unary(u) => each(&u.expr, f),
        Expr::Binary(b) => {
            each(&b.lhs, f);
            each(&b.rhs, f);
        }
        Expr::Paren(p) => each(&p.expr, f),
        Expr::Subquery(s) => each(&s.expr, f),
        Expr::Call(c) => c.args.args.iter().for_each(|a| each(a, f)),
        _ => {}
    }
}

/// Whether an alert expression filters: a comparison (without `bool`); `and` or `unless`,
/// which keep only some series; an `or` of filters; arithmetic or a function over a filter
/// (vector matching and mapping keep only what the filter let through); `absent`, which only
/// returns series when something is wrong; or `vector(1)`, the dead man's switch that fires
/// on purpose all the time.
pub(super) fn filters(expr: &Expr) -> bool {
    match expr {
        Expr::Paren(p) => filters(&p.expr),
        Expr::Binary(b) if b.op.is_comparison_operator() => {
            !b.modifier.as_ref().is_some_and(|m| m.return_bool)
        }
        Expr::Binary(b) if matches!(b.op.to_string().as_str(), "and" | "unless") => true,
        Expr::Binary(b) => filters(&b.lhs) || filters(&b.rhs),
        Expr::Call(c) => {
            matches!(c.func.name, "absent" | "absent_over_time" | "vector")
                || c.args.args.iter().any(|a| filters(a))
        }
        Expr::Aggregate(a) => filters(&a.expr),
        Expr::Subquery(s) => filters(&s.expr),
        _ => false,
    }
}

/// The metric name of a selector, from its name or its `__name__` matcher.
pub(super) fn metric_name(selector: &VectorSelector) -> Option<&str> {
    selector.name.as_deref().or_else(|| {
        selector
            .matchers
            .matchers
            .iter()
            .find(|m| m.name == "__name__")
            .map(|m| m.value.as_str())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_where_selectors_sit_and_what_filters() {
        let e = parse("sum(rate(a_total[5m])) / sum(b)").unwrap();
        let uses = selectors(&e);
        assert_eq!(uses[0].function, Some("rate"));
        assert_eq!(uses[0].range_ms, Some(300_000));
        assert_eq!(uses[1].function, None);
        assert!(!filters(&e));
        assert!(filters(&parse("up == 0").unwrap()));
        assert!(!filters(&parse("up == bool 0").unwrap()));
        assert!(filters(&parse("absent(up)").unwrap()));
        assert!(filters(&parse("vector(1)").unwrap()));
        assert!(filters(&parse("a unless b").unwrap()));
        assert!(filters(
            &parse("sum((up == 0) * on (instance) group_right (job) b)").unwrap()
        ));
        assert!(filters(
            &parse("label_replace(up == 0, \"a\", \"b\", \"c\", \"d\")").unwrap()
        ));
        assert!(!filters(&parse("a or b").unwrap()));
        assert!(!filters(&parse("rate(x_total[5m]) * 100").unwrap()));
        let e = parse("count(a_total) > 1 and on() sum(b_total) unless c_total").unwrap();
        let free: Vec<bool> = selectors(&e).iter().map(|u| u.value_free).collect();
        assert_eq!(free, [true, true, true]);
        let e = parse("sum(rate(a_total[5m])) > count_over_time(b[5m])").unwrap();
        let free: Vec<bool> = selectors(&e).iter().map(|u| u.value_free).collect();
        assert_eq!(free, [false, true]);
    }
}
