use super::{Context, Finding};
use crate::diagnostic::Level;
use crate::resolve::model::Condition;

declare_lint! {
    /// **What it does:** reports thresholds that no alert fires on, no panel draws, and that are not in the runbook's key metrics (`metric "..."`).
    ///
    /// **Why it is bad:** a number that nothing enforces or shows gives false confidence, and drifts when the others change.
    ///
    /// **Example:**
    ///
    /// ```text
    /// threshold queue_depth { critical above 1000 }   # no alert, no panel
    /// ```
    code: "L013",
    name: "unused-threshold",
    level: Level::Warning,
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    let model = cx.model;
    let mut used: Vec<bool> = model
        .thresholds
        .iter()
        .map(|t| t.metric.is_some())
        .collect();
    for alert in &model.alerts {
        if let Condition::Threshold { threshold, .. } = alert.condition {
            used[threshold] = true;
        }
    }
    for p in model.dashboards.iter().flat_map(|d| &d.panels) {
        if let Some(t) = p.thresholds {
            used[t] = true;
        }
    }
    for (t, used) in model.thresholds.iter().zip(used) {
        if !used {
            let span = t
                .bounds
                .first()
                .map_or(model.queries[t.query].span, |b| b.span);
            out.push(Finding::UnusedThreshold {
                threshold: t.name.clone(),
                span,
            });
        }
    }
}
