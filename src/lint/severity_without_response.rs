use super::{Context, Finding};
use crate::diagnostic::Level;

declare_lint! {
    /// **What it does:** reports severities without `response` (a duration, or `best_effort`).
    ///
    /// **Why it is bad:** the runbook's severity table cannot say how fast to respond, and `group_wait` cannot be checked against it.
    ///
    /// **Example:**
    ///
    /// ```text
    /// severity critical { notify [pagerduty] }   # add response 15m
    /// ```
    code: "L021",
    name: "severity-without-response",
    level: Level::Warning,
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    for s in &cx.model.severities {
        if !s.declares_response {
            out.push(Finding::SeverityWithoutResponse {
                severity: s.name.clone(),
                span: s.span,
            });
        }
    }
}
