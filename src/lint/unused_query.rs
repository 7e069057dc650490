use super::{Context, Finding};
use crate::diagnostic::Level;
use crate::resolve::model::Condition;

declare_lint! {
    /// **What it does:** reports named queries that no threshold, alert, dashboard panel or runbook `topic` uses.
    ///
    /// **Why it is bad:** dead queries rot: nobody notices when the metric they name disappears, and readers assume they matter.
    ///
    /// **Example:**
    ///
    /// ```text
    /// query old_errors { promql `sum(rate(legacy_errors_total[5m]))` }   # used nowhere
    /// ```
    code: "L012",
    name: "unused-query",
    level: Level::Warning,
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    let model = cx.model;
    let mut used = vec![false; model.queries.len()];
    for t in &model.thresholds {
        used[t.query] = true;
    }
    for alert in &model.alerts {
        match &alert.condition {
            Condition::Threshold { threshold, .. } => {
                used[model.thresholds[*threshold].query] = true;
            }
            Condition::Expr { queries } => queries.iter().for_each(|q| used[*q] = true),
            Condition::Slo { .. } | Condition::SloAbsent { .. } => {}
        }
    }
    for q in model.records.iter().flat_map(|r| &r.queries) {
        used[*q] = true;
    }
    for target in model
        .dashboards
        .iter()
        .flat_map(|d| &d.panels)
        .flat_map(|p| &p.targets)
    {
        if let Some(q) = target.query {
            used[q] = true;
        }
    }
    for (query, used) in model.queries.iter().zip(used) {
        if !used && query.topic.is_none() {
            out.push(Finding::UnusedQuery {
                query: query.name.clone(),
                span: query.span,
            });
        }
    }
}
