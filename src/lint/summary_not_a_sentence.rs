use super::{Context, Finding};
use crate::diagnostic::Level;

declare_lint! {
    /// **What it does:** reports alert summaries that are not a capitalised sentence (first letter uppercase, ending with `.`, `!` or `?`).
    ///
    /// **Why it is bad:** summaries are read in pagers, chat and the runbook next to each other; fragments read as noise.
    ///
    /// **Example:**
    ///
    /// ```text
    /// summary "high error rate"   # write "Error rate of {{ $labels.job }} is above 10%."
    /// ```
    code: "L010",
    name: "summary-not-a-sentence",
    level: Level::Warning,
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    for alert in &cx.model.alerts {
        let Some(summary) = &alert.summary else {
            continue;
        };
        let text = summary.trim();
        let capital = text.chars().next().is_some_and(char::is_uppercase);
        let ends = text.ends_with(['.', '!', '?']);
        if !(capital && ends) {
            out.push(Finding::SummaryNotSentence {
                alert: alert.name.clone(),
                span: alert.span,
            });
        }
    }
}
