//! A runbook for a thousand services cannot be one page: past [`SPLIT_ABOVE`] alerts, each
//! alert's section moves to the page of its team (`alerts-<team>.md`, `shared` for alerts
//! across teams or without one), and every `runbook_url` and dashboard link follows it.

use super::model::Model;
use crate::anchor;
use std::collections::{BTreeSet, HashMap};

/// The most alert sections one runbook page holds.
pub(crate) const SPLIT_ABOVE: usize = 150;

/// The page of every alert, and the links that point at its section.
pub(super) fn lay_out(model: &mut Model) {
    if model.alerts.len() <= SPLIT_ABOVE {
        return;
    }
    let base = model.project.runbook_url.clone();
    let mut moved: HashMap<String, String> = HashMap::new();
    for alert in &mut model.alerts {
        let teams: BTreeSet<&str> = alert
            .rules
            .iter()
            .filter_map(|r| r.labels.get("team").map(String::as_str))
            .collect();
        let page = match teams.into_iter().collect::<Vec<_>>().as_slice() {
            [team] if !anchor::slug(team).is_empty() => anchor::slug(team),
            _ => "shared".to_string(),
        };
        let old = anchor::alert_url(&base, &alert.name);
        let new = anchor::page_url(&base, &page, &alert.name);
        for rule in alert.rules.iter_mut().chain(alert.escalations.iter_mut()) {
            if let Some(url) = rule.annotations.get_mut("runbook_url") {
                if *url == old {
                    url.clone_from(&new);
                }
            }
        }
        moved.insert(old, new);
        alert.page = Some(page);
    }
    for panel in model
        .dashboards
        .iter_mut()
        .flat_map(|d| d.panels.iter_mut())
    {
        for (_, url) in &mut panel.runbook {
            if let Some(new) = moved.get(url.as_str()) {
                url.clone_from(new);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::anchor;

    #[test]
    fn pages_sit_beside_the_document() {
        assert_eq!(
            anchor::page_url("https://x.example/runbook", "platform", "HighErrorRate"),
            "https://x.example/runbook/alerts-platform.md#higherrorrate"
        );
        assert_eq!(
            anchor::page_url("https://x.example/r/runbook.md", "shared", "A"),
            "https://x.example/r/alerts-shared.md#a"
        );
    }
}
