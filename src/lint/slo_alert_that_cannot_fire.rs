use super::{Context, Finding};
use crate::diagnostic::Level;
use crate::resolve::slo::tidy;

declare_lint! {
    /// **What it does:** reports an SLO burn window whose threshold, burn factor times error budget, is above 1: the alert would need more than 100% of requests to fail. The factor grows with the period and shrinks with the window (factor = share of the budget x period / long window), so a low objective with a long period gets there: 90% over 30 days pages at 14.4 x 10% = 144% errors.
    ///
    /// **Why it is bad:** an error ratio is at most 1, so this window never fires; when every window of a kind is like it, that alert is dead code that looks like coverage.
    ///
    /// **Example:**
    ///
    /// ```text
    /// slo batch "Batch success" { objective 90%  period 30d  sli raw `...` }   # page at 144%
    /// ```
    code: "L024",
    name: "slo-alert-that-cannot-fire",
    level: Level::Warning,
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    for slo in &cx.model.slos {
        let budget = 1.0 - slo.objective;
        let alerts = [slo.page_alert, slo.ticket_alert];
        for w in &slo.windows {
            let on = match w.kind {
                crate::resolve::model::BurnKind::Page => alerts[0].is_some(),
                crate::resolve::model::BurnKind::Ticket => alerts[1].is_some(),
            };
            let threshold = w.factor * budget;
            // A little room for float noise: 1.0000000001 is still 1.
            if on && threshold > 1.0 + 1e-9 {
                out.push(Finding::SloWindowCannotFire {
                    slo: slo.name.clone(),
                    kind: w.kind.name(),
                    windows: format!("{}/{}", w.long, w.short),
                    threshold: format!(
                        "{} x {} = {}",
                        tidy(w.factor),
                        tidy(budget),
                        tidy(threshold)
                    ),
                    span: slo.span,
                });
            }
        }
    }
}
