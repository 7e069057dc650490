use super::{Context, Finding};
use crate::diagnostic::Level;
use crate::parse::ast::{Direction, Level as Bound};

declare_lint! {
    /// **What it does:** reports thresholds whose target lies past their warning level (compile already rejects a warning past the critical level).
    ///
    /// **Why it is bad:** a value can then be "on target" and "warning" at once; the dashboard colours and the runbook's key metrics table contradict each other.
    ///
    /// **Example:**
    ///
    /// ```text
    /// threshold latency_p99 { target below 30s  warning above 10s  critical above 30s }
    /// ```
    code: "L002",
    name: "threshold-target-past-warning",
    level: Level::Warning,
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    for t in &cx.model.thresholds {
        let (Some(target), Some(warning)) = (t.bound(Bound::Target), t.bound(Bound::Warning))
        else {
            continue;
        };
        let past = match warning.comparison.direction() {
            Some(Direction::Above) => target.value > warning.value,
            Some(Direction::Below) => target.value < warning.value,
            None => false,
        };
        if past {
            out.push(Finding::TargetPastWarning {
                threshold: t.name.clone(),
                target: target.shown.clone(),
                warning: warning.shown.clone(),
                span: target.span,
                warning_span: warning.span,
            });
        }
    }
}
