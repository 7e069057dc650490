use super::promql_walk::filters;
use super::{Context, Finding};
use crate::diagnostic::Level;

declare_lint! {
    /// **What it does:** reports alert expressions that filter nothing: no comparison (or one with `bool`), no `and`/`unless`, no `absent`. Arithmetic and functions over a comparison filter too (`(up == 0) * on (instance) group_right (job) info`), and the dead man's switch `vector(1)` fires on purpose.
    ///
    /// **Why it is bad:** Prometheus fires for every series an expression returns: without a filter, every series fires, all the time.
    ///
    /// **Example:**
    ///
    /// ```text
    /// alert HighLoad { expr `node_load1` severity warning }   # always firing
    /// ```
    code: "L004",
    name: "expression-without-comparison",
    level: Level::Error,
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (index, expr) in &cx.expressions {
        if !filters(expr) {
            let alert = &cx.model.alerts[*index];
            out.push(Finding::NoComparison {
                alert: alert.name.clone(),
                span: alert.span,
            });
        }
    }
}
