use super::promql_walk::{parse, selectors};
use super::{Context, Finding};
use crate::diagnostic::Level;
use crate::resolve::duration::Duration;

declare_lint! {
    /// **What it does:** reports range selectors (`[1m]`) in alerts and recording rules shorter than four scrape intervals (`project { scrape_interval }`).
    ///
    /// **Why it is bad:** `rate` needs two samples; with fewer than four intervals, one missed scrape leaves it with nothing and the alert or graph flickers.
    ///
    /// **Example:**
    ///
    /// ```text
    /// project "Shop" { scrape_interval 30s }
    /// query errors { promql `rate(http_requests_total[1m])` }   # needs at least 2m
    /// ```
    code: "L007",
    name: "range-shorter-than-four-scrapes",
    level: Level::Warning,
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    let minimum = cx.model.project.scrape_interval.0 as u128 * 4;
    let mut report = |owner: &str, ranges: Vec<u128>, span| {
        if let Some(range) = ranges.into_iter().filter(|r| *r < minimum).min() {
            out.push(Finding::RangeTooShort {
                owner: owner.to_string(),
                range: Duration(range as u64).to_string(),
                minimum: Duration(minimum as u64).to_string(),
                span,
            });
        }
    };
    for (index, expr) in &cx.expressions {
        let alert = &cx.model.alerts[*index];
        report(
            &alert.name,
            selectors(expr).iter().filter_map(|s| s.range_ms).collect(),
            alert.span,
        );
    }
    for q in cx
        .model
        .queries
        .iter()
        .filter(|q| q.language == crate::parse::ast::QueryLanguage::PromQl)
    {
        let probe = crate::resolve::selector::expand(
            &q.text,
            &[crate::resolve::selector::Matcher::equal("x", "y")],
        );
        if let Some(expr) = parse(&probe) {
            report(
                &q.name,
                selectors(&expr).iter().filter_map(|s| s.range_ms).collect(),
                q.span,
            );
        }
    }
}
