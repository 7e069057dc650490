use super::promql_walk::selectors;
use super::{Context, Finding};
use crate::diagnostic::Level;
use promql_parser::label::MatchOp;

declare_lint! {
    /// **What it does:** reports selectors that require one label to equal two different values, such as `{job="api", job="web"}`; this often comes from a `$selector` expanding over a label the query already sets.
    ///
    /// **Why it is bad:** the selector matches nothing, so the alert can never fire and looks healthy forever.
    ///
    /// **Example:**
    ///
    /// ```text
    /// service api { selector { job = "api" } }
    /// query errors { promql `rate(errors_total{job="web", $selector}[5m])` }
    /// ```
    code: "L008",
    name: "selector-never-matches",
    level: Level::Error,
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (index, expr) in &cx.expressions {
        let alert = &cx.model.alerts[*index];
        for use_ in selectors(expr) {
            let equal: Vec<_> = use_
                .selector
                .matchers
                .matchers
                .iter()
                .filter(|m| matches!(m.op, MatchOp::Equal))
                .collect();
            let conflict = equal.iter().enumerate().find(|(i, a)| {
                equal[..*i]
                    .iter()
                    .any(|b| b.name == a.name && b.value != a.value)
            });
            if let Some((_, m)) = conflict {
                out.push(Finding::SelectorNeverMatches {
                    alert: alert.name.clone(),
                    label: m.name.clone(),
                    span: alert.span,
                });
            }
        }
    }
}
