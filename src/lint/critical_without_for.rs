use super::{Context, Finding};
use crate::diagnostic::Level;

declare_lint! {
    /// **What it does:** reports critical alerts without `for`, or with a `for` shorter than two scrape intervals (`project { scrape_interval }`).
    ///
    /// **Why it is bad:** a single missed or odd scrape pages someone.
    ///
    /// **Example:**
    ///
    /// ```text
    /// alert ServiceDown { expr `up == 0` severity critical }   # pages on one failed scrape
    /// ```
    code: "L003",
    name: "critical-without-for",
    level: Level::Warning,
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    let minimum = crate::resolve::duration::Duration(cx.model.project.scrape_interval.0 * 2);
    for alert in &cx.model.alerts {
        if cx.model.severities[alert.severity].name != "critical" || alert.condition.is_slo() {
            continue;
        }
        match alert.for_ {
            None => out.push(Finding::CriticalWithoutFor {
                alert: alert.name.clone(),
                span: alert.span,
            }),
            Some(f) if f < minimum => out.push(Finding::ForTooShort {
                alert: alert.name.clone(),
                for_: f.to_string(),
                minimum: minimum.to_string(),
                span: alert.span,
            }),
            Some(_) => {}
        }
    }
}
