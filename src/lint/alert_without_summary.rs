use super::{Context, Finding};
use crate::diagnostic::Level;

declare_lint! {
    /// **What it does:** reports alerts without `summary`.
    ///
    /// **Why it is bad:** pagers and chat show the summary first; without it they show only a name and labels.
    ///
    /// **Example:**
    ///
    /// ```text
    /// alert DiskFull { when disk_usage is critical }   # add summary "Disk of {{ $labels.instance }} is full."
    /// ```
    code: "L017",
    name: "alert-without-summary",
    level: Level::Warning,
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    for alert in &cx.model.alerts {
        // SLO alerts get a summary written by the compiler.
        if alert.summary.is_none() && !alert.condition.is_slo() {
            out.push(Finding::MissingSummary {
                alert: alert.name.clone(),
                span: alert.span,
            });
        }
    }
}
