use super::promql_walk::{metric_name, selectors};
use super::{Context, Finding};
use crate::diagnostic::Level;

/// Functions that only make sense on counters.
pub(super) const COUNTER_FUNCTIONS: [&str; 4] = ["rate", "irate", "increase", "resets"];

/// Whether a metric is named like a counter (or a histogram's or summary's counters).
pub(super) fn counter_named(metric: &str) -> bool {
    ["_total", "_count", "_sum", "_bucket"]
        .iter()
        .any(|s| metric.ends_with(s))
}

declare_lint! {
    /// **What it does:** reports `rate`, `irate`, `increase` and `resets` applied to metrics whose names are not counter names (`_total`, `_count`, `_sum`, `_bucket`).
    ///
    /// **Why it is bad:** these functions treat every decrease as a counter reset; on a gauge they produce nonsense that looks plausible.
    ///
    /// **Example:**
    ///
    /// ```text
    /// expr `rate(node_memory_MemAvailable_bytes[5m]) < 0`
    /// ```
    code: "L005",
    name: "rate-on-non-counter",
    level: Level::Warning,
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (index, expr) in &cx.expressions {
        let alert = &cx.model.alerts[*index];
        for use_ in selectors(expr) {
            let (Some(function), Some(metric)) = (use_.function, metric_name(use_.selector)) else {
                continue;
            };
            if COUNTER_FUNCTIONS.contains(&function)
                && !counter_named(metric)
                && !metric.contains(':')
            {
                out.push(Finding::RateOnNonCounter {
                    alert: alert.name.clone(),
                    function,
                    metric: metric.to_string(),
                    span: alert.span,
                });
            }
        }
    }
}
