use super::promql_walk::{each, metric_name, selectors};
use super::{Context, Finding};
use crate::diagnostic::Level;
use promql_parser::parser::{Expr, VectorSelector};

declare_lint! {
    /// **What it does:** reports counters (names ending in `_total`) used in alerts outside `rate`, `irate`, `increase`, `resets`, `changes` or `absent`, where their value reaches the result (`count(x_total)`, `group(...)`, `count_over_time` and the right side of `and`/`unless` only look at which series exist).
    ///
    /// **Why it is bad:** a counter's value is the total since the process started; comparing it with a threshold fires or stays quiet depending on uptime, not on the problem.
    ///
    /// **Example:**
    ///
    /// ```text
    /// expr `http_requests_total{status="500"} > 100`
    /// ```
    code: "L006",
    name: "counter-without-rate",
    level: Level::Warning,
}

const ALLOWED: [&str; 7] = [
    "rate",
    "irate",
    "increase",
    "resets",
    "changes",
    "absent",
    "absent_over_time",
];

/// Selectors in `x - x offset 10m`: a counter's increase written by hand, which reads values
/// of the counter on purpose.
fn deltas(expr: &Expr) -> Vec<&VectorSelector> {
    fn selector(e: &Expr) -> Option<&VectorSelector> {
        match e {
            Expr::VectorSelector(v) => Some(v),
            Expr::Paren(p) => selector(&p.expr),
            _ => None,
        }
    }
    let mut out = Vec::new();
    each(expr, &mut |e| {
        let Expr::Binary(b) = e else { return };
        if b.op.to_string() != "-" {
            return;
        }
        let (Some(l), Some(r)) = (selector(&b.lhs), selector(&b.rhs)) else {
            return;
        };
        let moved = |v: &VectorSelector| v.offset.is_some() || v.at.is_some();
        if l.name == r.name && l.matchers == r.matchers && moved(l) != moved(r) {
            out.extend([l, r]);
        }
    });
    out
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (index, expr) in &cx.expressions {
        let alert = &cx.model.alerts[*index];
        let by_hand = deltas(expr);
        for use_ in selectors(expr) {
            if by_hand.iter().any(|d| std::ptr::eq(*d, use_.selector)) {
                continue;
            }
            let Some(metric) = metric_name(use_.selector) else {
                continue;
            };
            let wrapped = use_.value_free || use_.function.is_some_and(|f| ALLOWED.contains(&f));
            if metric.ends_with("_total") && !wrapped {
                out.push(Finding::CounterWithoutRate {
                    alert: alert.name.clone(),
                    metric: metric.to_string(),
                    span: alert.span,
                });
            }
        }
    }
}
