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

/// Base units a metric name ends in by Prometheus' naming conventions; a counter adds
/// `_total` after its unit, so a name that ends in one is a gauge (`_info` too).
const GAUGE_SUFFIXES: [&str; 11] = [
    "_bytes", "_seconds", "_ratio", "_celsius", "_volts", "_amperes", "_joules", "_grams",
    "_meters", "_percent", "_info",
];

/// Whether a metric is named like a gauge: `up`, or a unit without `_total` after it. Names
/// that say neither (`node_vmstat_pgmajfault`) may well be counters and are left alone.
pub(super) fn gauge_named(metric: &str) -> bool {
    metric == "up" || GAUGE_SUFFIXES.iter().any(|s| metric.ends_with(s))
}

declare_lint! {
    /// **What it does:** reports `rate`, `irate`, `increase` and `resets` applied to metrics named like gauges by Prometheus' naming conventions: `up`, or a name ending in a base unit (`_bytes`, `_seconds`, `_ratio`, `_celsius`...) or `_info` with no `_total` after it. Names that follow no convention (`node_vmstat_pgmajfault` is a counter) are not reported.
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
                && gauge_named(metric)
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
