use super::{Context, Finding};
use crate::diagnostic::Level;
use crate::resolve::model::Labels;
use crate::resolve::route_tree;

declare_lint! {
    /// **What it does:** follows each critical alert through the routing tree and reports it when no receiver on the way is a pager (PagerDuty, Opsgenie or VictorOps). Alerts that a route written by hand takes (a `route` block) are left alone: that route says where they go on purpose. Only a view of rules and routes together can see this.
    ///
    /// **Why it is bad:** "critical" promises a response within minutes; a Slack message at night keeps no such promise.
    ///
    /// **Example:**
    ///
    /// ```text
    /// severity critical { response 15m notify [slack_alerts] }
    /// ```
    code: "L019",
    name: "critical-alert-does-not-page",
    level: Level::Error,
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    let model = cx.model;
    if model.receivers.is_empty() {
        return;
    }
    for alert in &model.alerts {
        if model.severities[alert.severity].name != "critical" {
            continue;
        }
        for rule in &alert.rules {
            let mut labels: Labels = rule.labels.clone();
            labels.insert("alertname".into(), alert.name.clone());
            // A route written by hand for these labels is a deliberate choice (dev alerts to
            // a dev channel), not a forgotten pager.
            let chosen = model
                .routing
                .root
                .routes
                .iter()
                .any(|r| r.written() && r.matches(&labels));
            if chosen {
                continue;
            }
            let pages = route_tree::route(&model.routing.root, &labels)
                .receivers
                .iter()
                .any(|r| {
                    model.receivers[*r]
                        .integrations
                        .iter()
                        .any(|i| i.kind.pages())
                });
            if !pages {
                out.push(Finding::CriticalNotPaging {
                    alert: alert.name.clone(),
                    span: alert.span,
                });
                break;
            }
        }
    }
}
