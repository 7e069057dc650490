use super::promql_walk::selectors;
use super::{Context, Finding};
use crate::diagnostic::Level;
use promql_parser::label::MatchOp;

declare_lint! {
    /// **What it does:** reports regex matchers (`=~`, `!~`) whose pattern has no metacharacter, such as `job=~"api"`.
    ///
    /// **Why it is bad:** the regex is slower than an equality and misleads readers into thinking it matches more than one value.
    ///
    /// **Example:**
    ///
    /// ```text
    /// expr `up{job=~"api"} == 0`   # write job="api"
    /// ```
    code: "L009",
    name: "regex-could-be-equality",
    level: Level::Warning,
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (index, expr) in &cx.expressions {
        let alert = &cx.model.alerts[*index];
        for use_ in selectors(expr) {
            for m in &use_.selector.matchers.matchers {
                let regex = matches!(m.op, MatchOp::Re(_) | MatchOp::NotRe(_));
                let plain =
                    !m.value.is_empty() && !m.value.chars().any(|c| ".*+?()[]{}|^$\\".contains(c));
                if regex && plain {
                    out.push(Finding::RegexCouldBeEquality {
                        alert: alert.name.clone(),
                        label: m.name.clone(),
                        value: m.value.clone(),
                        span: alert.span,
                    });
                }
            }
        }
    }
}
