use super::{Context, Finding};
use crate::diagnostic::Level;

declare_lint! {
    /// **What it does:** reports alert descriptions without any `{{ ... }}` template.
    ///
    /// **Why it is bad:** the description is where the responder learns which job, instance or namespace fired; a fixed text makes them look it up.
    ///
    /// **Example:**
    ///
    /// ```text
    /// description "A node is not ready."   # write "Node {{ $labels.node }} is not ready."
    /// ```
    code: "L011",
    name: "description-without-template",
    level: Level::Warning,
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    for alert in &cx.model.alerts {
        if alert
            .description
            .as_ref()
            .is_some_and(|d| !d.contains("{{"))
        {
            out.push(Finding::DescriptionWithoutTemplate {
                alert: alert.name.clone(),
                span: alert.span,
            });
        }
    }
}
