use super::{Context, Finding};
use crate::diagnostic::Level;
use std::collections::HashMap;

declare_lint! {
    /// **What it does:** reports recording rules that are written twice: the same metric name, labels (in the same environment) and expression, in any group or file. Rules of one name and labels with different expressions are left alone: they may well select disjoint series (one rule per status class, say), although `promtool check rules` lists them as duplicates within a group.
    ///
    /// **Why it is bad:** the second copy doubles the evaluation cost for nothing, and when one copy is edited and the other not, the two write different values into the same series.
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

/// What makes two recording rules the same: name, labels and expression.
type Key<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a str);

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    // The record that first wrote each rule.
    let mut seen: HashMap<Key, usize> = HashMap::new();
    for (index, record) in cx.model.records.iter().enumerate() {
        for rule in &record.rules {
            let labels: Vec<(&str, &str)> = rule.labels.iter().collect();
            let key = (record.name.as_str(), labels, rule.expr.as_str());
            match seen.get(&key) {
                Some(&first) if first != index => {
                    out.push(Finding::DuplicateRecord {
                        record: record.name.clone(),
                        span: record.span,
                        other_span: cx.model.records[first].span,
                    });
                    break;
                }
                Some(_) => {}
                None => {
                    seen.insert(key, index);
                }
            }
        }
    }
}
