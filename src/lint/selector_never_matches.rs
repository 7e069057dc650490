use super::promql_walk::{selectors, SelectorUse};
use super::{Context, Finding};
use crate::diagnostic::Level;
use promql_parser::label::{MatchOp, Matcher};

declare_lint! {
    /// **What it does:** reports selectors that can never match a series: matchers on one label that contradict each other (`{job="api", job="web"}`, `{job="api", job!~"api|web"}`), and a regex matcher that accepts no value at all (`{pod!~".*"}` excludes every series, the label's absence included). Alert and recording-rule expressions are checked.
    ///
    /// **Why it is bad:** the selector matches nothing, so the alert can never fire and looks healthy forever (or the recording rule records nothing). A contradiction often comes from a `$selector` expanding over a label the query already sets.
    ///
    /// **Example:**
    ///
    /// ```text
    /// service api { selector { job = "api" } }
    /// query errors { promql `rate(errors_total{job="web", $selector}[5m])` }
    /// alert Unscheduled { expr `kube_pod_info{node!~".*"} > 0` }
    /// ```
    code: "L008",
    name: "selector-never-matches",
    level: Level::Error,
}

/// Label values of every shape: a negative regex that excludes them all is taken to exclude
/// every value (`.*`, `(.*)`, `.*|x`...).
const PROBES: [&str; 6] = ["", "a", "0", "some value", "x.y-z/1:2", "ünïcode"];

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (index, expr) in &cx.expressions {
        let alert = &cx.model.alerts[*index];
        for use_ in selectors(expr) {
            if let Some((matcher, conflict)) = contradiction(&use_) {
                out.push(Finding::SelectorNeverMatches {
                    rule: format!("alert `{}`", alert.name),
                    matcher,
                    conflict,
                    span: alert.span,
                });
            }
        }
    }
    for (index, expr) in &cx.record_expressions {
        let record = &cx.model.records[*index];
        for use_ in selectors(expr) {
            if let Some((matcher, conflict)) = contradiction(&use_) {
                out.push(Finding::SelectorNeverMatches {
                    rule: format!("recording rule `{}`", record.name),
                    matcher,
                    conflict,
                    span: record.span,
                });
            }
        }
    }
}

/// The first matcher that no label value can satisfy together with the others: with the
/// matcher it contradicts, or alone when it accepts nothing.
fn contradiction(use_: &SelectorUse) -> Option<(String, Option<String>)> {
    let matchers = &use_.selector.matchers.matchers;
    for (i, m) in matchers.iter().enumerate() {
        if matches!(m.op, MatchOp::NotRe(_)) && !PROBES.iter().any(|p| m.is_match(p)) {
            return Some((m.to_string(), None));
        }
        if !matches!(m.op, MatchOp::Equal) {
            continue;
        }
        let other = matchers
            .iter()
            .enumerate()
            .find(|(j, o)| *j != i && o.name == m.name && !o.is_match(&m.value));
        if let Some((_, o)) = other {
            return Some((shown(m), Some(shown(o))));
        }
    }
    None
}

fn shown(m: &Matcher) -> String {
    m.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::promql_walk::parse;

    fn never(text: &str) -> Option<(String, Option<String>)> {
        let expr = parse(text).unwrap();
        selectors(&expr).iter().find_map(contradiction)
    }

    #[test]
    fn finds_contradictions_and_empty_regexes() {
        assert_eq!(
            never(r#"up{job="api", job="web"}"#),
            Some((r#"job="api""#.into(), Some(r#"job="web""#.into())))
        );
        assert!(never(r#"up{job="api", job!~"api|web"}"#).is_some());
        assert!(never(r#"up{job="", job!=""}"#).is_some());
        assert_eq!(
            never(r#"up{node!~".*"}"#),
            Some((r#"node!~".*""#.into(), None))
        );
        for fine in [
            r#"up{job="api", job=~"a.*"}"#,
            r#"up{node!~".+"}"#,
            r#"up{job!="", job=~".+"}"#,
            r#"up{job="api"} or up{job="web"}"#,
            r#"http_requests_total{status=~"5.."}"#,
        ] {
            assert_eq!(never(fine), None, "{fine}");
        }
    }
}
