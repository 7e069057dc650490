use super::{Context, Finding};
use crate::diagnostic::Level;

declare_lint! {
    /// **What it does:** reports alerts whose generated expressions and severities are identical.
    ///
    /// **Why it is bad:** every incident pages twice under two names, and the two runbook sections drift apart.
    ///
    /// **Example:**
    ///
    /// ```text
    /// alert ApiDown  { expr `up{job="api"} == 0` severity critical }
    /// alert ApiGone  { expr `up{job="api"} == 0` severity critical }
    /// ```
    code: "L015",
    name: "duplicate-alert",
    level: Level::Warning,
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    let alerts = &cx.model.alerts;
    for (i, a) in alerts.iter().enumerate() {
        let Some(rule) = a.rules.first() else {
            continue;
        };
        let twin = alerts[..i].iter().find(|b| {
            b.severity == a.severity && b.rules.first().is_some_and(|r| r.expr == rule.expr)
        });
        if let Some(b) = twin {
            out.push(Finding::DuplicateAlert {
                alert: a.name.clone(),
                other: b.name.clone(),
                span: a.span,
                other_span: b.span,
            });
        }
    }
}
