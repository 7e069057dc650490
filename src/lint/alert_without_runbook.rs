use super::{Context, Finding};
use crate::diagnostic::Level;

declare_lint! {
    /// **What it does:** reports alerts with neither investigation nor resolution steps.
    ///
    /// **Why it is bad:** the page arrives at 3 a.m. and its `runbook_url` leads to a section that only repeats the alert; the engineer starts from nothing.
    ///
    /// **Example:**
    ///
    /// ```text
    /// alert ServiceDown { expr `up == 0` for 2m severity critical }   # nothing to do next
    /// ```
    code: "L001",
    name: "alert-without-runbook",
    level: Level::Warning,
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    for alert in cx.model.alerts.iter().filter(|a| a.primary) {
        let slo = alert.condition.is_slo();
        if !slo && alert.investigate.is_empty() && alert.resolve.is_empty() {
            out.push(Finding::AlertWithoutRunbook {
                alert: alert.name.clone(),
                span: alert.span,
            });
        }
    }
}
