use super::{Context, Finding};
use crate::diagnostic::Level;
use crate::resolve::model::Condition;

declare_lint! {
    /// **What it does:** reports alerts without an `example` where they fire and one where they stay quiet (for SLO alerts, the SLO's examples). LogQL alerts, whose examples promtool cannot run, are left out.
    ///
    /// **Why it is bad:** an alert that was never run against data may never fire, or fire on healthy data; examples become `promtool test rules` cases that prove it.
    ///
    /// **Example:**
    ///
    /// ```text
    /// alert ServiceDown {
    ///   expr `up == 0`  for 2m  severity critical
    ///   example "down" { series `up{job="api"}` "0x10"  fires at 5m { job = "api" } }
    ///   example "up" { series `up{job="api"}` "1x10"  quiet at 5m }
    /// }
    /// ```
    code: "L018",
    name: "alert-without-examples",
    level: Level::Warning,
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    // promtool cannot run examples of a LogQL rule.
    for alert in cx
        .model
        .alerts
        .iter()
        .filter(|a| a.primary && a.language == crate::parse::ast::QueryLanguage::PromQl)
    {
        let (fires, quiet) = match alert.condition {
            Condition::Slo { slo, kind } => {
                let checks = cx.model.slos[slo].examples.iter().flat_map(|e| &e.checks);
                let mut fires = false;
                let mut quiet = false;
                for c in checks {
                    let mine = c.kind.is_none_or(|k| k == kind);
                    fires |= mine && c.fires.is_some();
                    quiet |= mine && c.fires.is_none();
                }
                (fires, quiet)
            }
            // `absent(metric) == 1`, written by the compiler: nothing to give examples of.
            Condition::SloAbsent { .. } => continue,
            _ => {
                let checks = alert.examples.iter().flat_map(|e| &e.checks);
                let (mut fires, mut quiet) = (false, false);
                for c in checks {
                    fires |= c.fires.is_some();
                    quiet |= c.fires.is_none();
                }
                (fires, quiet)
            }
        };
        let missing = match (fires, quiet) {
            (true, true) => continue,
            (false, _) => "fires",
            (true, false) => "stays quiet",
        };
        out.push(Finding::NoExamples {
            alert: alert.name.clone(),
            missing,
            span: alert.span,
        });
    }
}
