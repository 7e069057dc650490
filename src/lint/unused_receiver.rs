use super::{Context, Finding};
use crate::diagnostic::Level;

declare_lint! {
    /// **What it does:** reports receivers that no severity, team route, escalation or default uses (`compile` warns about them too, as W0201).
    ///
    /// **Why it is bad:** it looks like someone is notified; nobody is.
    ///
    /// **Example:**
    ///
    /// ```text
    /// receiver oncall_email { email { to "oncall@example.com" } }   # in no notify list
    /// ```
    code: "L014",
    name: "unused-receiver",
    level: Level::Warning,
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    for index in crate::check::unreached_receivers(cx.model) {
        let receiver = &cx.model.receivers[index];
        out.push(Finding::UnusedReceiver {
            receiver: receiver.name.clone(),
            span: receiver.span,
        });
    }
}
