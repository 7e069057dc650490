use super::{Context, Finding};
use crate::diagnostic::Level;

declare_lint! {
    /// **What it does:** reports alerts that no dashboard panel links to (`runbook ALERT` in a panel), when the source has dashboards.
    ///
    /// **Why it is bad:** the responder opens Grafana to see the alert's metric and finds no panel for it, or a panel with no way back to the runbook.
    ///
    /// **Example:**
    ///
    /// ```text
    /// panel timeseries "Errors" { query error_rate  runbook HighErrorRate }
    /// ```
    code: "L020",
    name: "alert-not-on-dashboard",
    level: Level::Warning,
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    let model = cx.model;
    if model.dashboards.is_empty() {
        return;
    }
    let linked: Vec<&str> = model
        .dashboards
        .iter()
        .flat_map(|d| &d.panels)
        .flat_map(|p| &p.runbook)
        .filter_map(|(_, url)| url.rsplit_once('#').map(|(_, anchor)| anchor))
        .collect();
    for alert in model.alerts.iter().filter(|a| a.primary) {
        if !linked.contains(&alert.anchor.as_str()) {
            out.push(Finding::AlertNotOnDashboard {
                alert: alert.name.clone(),
                span: alert.span,
            });
        }
    }
}
