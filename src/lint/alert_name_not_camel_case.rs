use super::{Context, Finding};
use crate::diagnostic::Level;

declare_lint! {
    /// **What it does:** reports alert names that are not CamelCase (`HighErrorRate`).
    ///
    /// **Why it is bad:** Prometheus, Alertmanager routes, silences and runbook anchors all use the name; mixed styles make them hard to find and to match.
    ///
    /// **Example:**
    ///
    /// ```text
    /// alert high_error_rate { ... }   # write HighErrorRate
    /// ```
    code: "L016",
    name: "alert-name-not-camel-case",
    level: Level::Warning,
}

fn camel(name: &str) -> String {
    name.split(['_', '-'])
        .map(|p| {
            let mut c = p.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    for alert in cx.model.alerts.iter().filter(|a| a.primary) {
        let name = &alert.name;
        let ok = name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && name.chars().all(|c| c.is_ascii_alphanumeric());
        if !ok {
            out.push(Finding::NotCamelCase {
                alert: name.clone(),
                suggestion: camel(name),
                span: alert.span,
            });
        }
    }
}
