use super::{Context, Finding};
use crate::diagnostic::Level;

declare_lint! {
    /// **What it does:** reports thresholds whose query declares no `unit` (`unit none` says that the values are plain numbers, and is not reported).
    ///
    /// **Why it is bad:** without a unit, `10` could be percent, a ratio or seconds: the compiler cannot check the threshold's value, and the dashboard shows bare numbers.
    ///
    /// **Example:**
    ///
    /// ```text
    /// query error_rate { promql `...` }              # add unit percent
    /// threshold error_rate { critical above 10 }
    /// ```
    code: "L022",
    name: "threshold-query-without-unit",
    level: Level::Warning,
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    for t in &cx.model.thresholds {
        let query = &cx.model.queries[t.query];
        if !query.unit_declared {
            let span = t.bounds.first().map_or(query.span, |b| b.span);
            out.push(Finding::ThresholdWithoutUnit {
                threshold: t.name.clone(),
                query: query.name.clone(),
                span,
            });
        }
    }
}
