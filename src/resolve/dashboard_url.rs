//! The `dashboard_url` annotation: with Grafana's address known (`grafana_url`, or
//! `target grafana { url ... }`),
//! each alert links the dashboard whose panels show it, so that a notification can offer it.

use super::model::*;

/// Adds `dashboard_url` to every alert rule shown on a dashboard, unless the source set one.
pub(super) fn annotate(model: &mut Model) {
    let Some(base) = model.grafana_url().map(str::to_string) else {
        return;
    };
    let base = base.as_str();
    // Anchor of each alert's runbook section -> dashboards (uid, environment) showing it.
    let mut shown: std::collections::HashMap<&str, Vec<(&str, Option<usize>)>> =
        std::collections::HashMap::new();
    for d in &model.dashboards {
        for p in &d.panels {
            for (_, url) in &p.runbook {
                if let Some((_, anchor)) = url.rsplit_once('#') {
                    let list = shown.entry(anchor).or_default();
                    if !list.iter().any(|(uid, _)| *uid == d.uid) {
                        list.push((&d.uid, d.environment));
                    }
                }
            }
        }
    }
    let mut links: Vec<(usize, usize, bool, String)> = Vec::new();
    for (a, alert) in model.alerts.iter().enumerate() {
        let Some(dashboards) = shown.get(alert.anchor.as_str()) else {
            continue;
        };
        let rules = alert.rules.iter().map(|r| (r, false));
        let twins = alert.escalations.iter().map(|r| (r, true));
        for (i, (rule, twin)) in rules.chain(twins).enumerate() {
            // The dashboard of the rule's own environment, else one for every environment.
            let pick = dashboards
                .iter()
                .find(|(_, env)| env.is_some() && *env == rule.environment)
                .or_else(|| dashboards.iter().find(|(_, env)| env.is_none()))
                .or_else(|| dashboards.first());
            if let Some((uid, _)) = pick {
                let index = if twin { i - alert.rules.len() } else { i };
                links.push((a, index, twin, format!("{base}/d/{uid}")));
            }
        }
    }
    for (a, index, twin, url) in links {
        let alert = &mut model.alerts[a];
        let rule = if twin {
            &mut alert.escalations[index]
        } else {
            &mut alert.rules[index]
        };
        rule.annotations
            .entry("dashboard_url".into())
            .or_insert(url);
    }
}
