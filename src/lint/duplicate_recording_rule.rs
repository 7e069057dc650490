use super::{Context, Finding};
use crate::diagnostic::Level;
use std::collections::HashMap;

declare_lint! {
    /// **What it does:** reports recording rules that write the same series: the same metric name with the same labels (in the same environment), whether their expressions are identical or not. `promtool check rules` warns about the same within a group; this looks across every group and file.
    ///
    /// **Why it is bad:** identical rules double the evaluation cost for nothing; different expressions writing one series overwrite each other's samples, and the recorded values flap between the two.
    ///
    /// **Example:**
    ///
    /// ```text
    /// record "job:http_requests:rate5m" { expr `sum by (job) (rate(http_requests_total[5m]))` }
    /// record "job:http_requests:rate5m" { expr `sum by (job) (rate(http_requests_total[5m]))` }
    /// ```
    code: "L023",
    name: "duplicate-recording-rule",
    level: Level::Warning,
}

/// A series a recording rule writes: its name and labels.
type Series<'a> = (&'a str, Vec<(&'a str, &'a str)>);

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    // The record index and expression of the first rule writing each series.
    let mut seen: HashMap<Series, (usize, &str)> = HashMap::new();
    for (index, record) in cx.model.records.iter().enumerate() {
        for rule in &record.rules {
            let labels: Vec<(&str, &str)> = rule
                .labels
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            match seen.get(&(record.name.as_str(), labels.clone())) {
                Some(&(first, expr)) if first != index => {
                    let other = &cx.model.records[first];
                    out.push(Finding::DuplicateRecord {
                        record: record.name.clone(),
                        identical: expr == rule.expr,
                        span: record.span,
                        other_span: other.span,
                    });
                    break;
                }
                Some(_) => {}
                None => {
                    seen.insert((&record.name, labels), (index, &rule.expr));
                }
            }
        }
    }
}
