use super::promql_walk::{metric_name, selectors};
use super::{Context, Finding};
use crate::diagnostic::Level;

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

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (index, expr) in &cx.expressions {
        let alert = &cx.model.alerts[*index];
        for use_ in selectors(expr) {
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
