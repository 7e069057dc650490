//! The round trip's judge: the rule groups that `compile` made from the imported sources
//! against the groups that were imported. Expressions are compared as parsed by
//! promql-parser (parentheses that only restate precedence ignored), durations by value,
//! labels and annotations exactly. Recording rules keep their order (a later rule of a group
//! may read an earlier one's result); alerts are matched by name and labels.

use super::rule_file::{Group, Kind, Rule};
use crate::resolve::duration::Duration;
use promql_parser::parser::Expr;

/// One difference, in words, naming the group and the rule.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Difference {
    pub group: String,
    pub rule: Option<String>,
    pub what: String,
}

/// Whether two parsed expressions mean the same: equal once redundant parentheses are gone.
pub(crate) fn same_expr(a: &Expr, b: &Expr) -> bool {
    strip(a) == strip(b)
}

/// Whether two expression texts parse to the same expression.
pub(crate) fn same_text(a: &str, b: &str) -> bool {
    let parse = crate::resolve::promql::parse_full;
    match (parse(a), parse(b)) {
        (Some(a), Some(b)) => same_expr(&a, &b),
        _ => a.trim() == b.trim(),
    }
}

/// The expression without `Paren` nodes (the tree already holds the precedence they state),
/// its matchers and grouping labels in one order (neither order means anything).
fn strip(e: &Expr) -> Expr {
    let boxed = |e: &Expr| Box::new(strip(e));
    let sorted = |m: &mut promql_parser::label::Matchers| {
        m.matchers
            .sort_by_key(|x| (x.name.clone(), x.op.to_string(), x.value.clone()));
    };
    match e {
        Expr::Paren(p) => strip(&p.expr),
        Expr::Aggregate(a) => {
            let mut a = a.clone();
            a.expr = boxed(&a.expr);
            a.param = a.param.as_deref().map(boxed);
            if let Some(
                promql_parser::parser::LabelModifier::Include(l)
                | promql_parser::parser::LabelModifier::Exclude(l),
            ) = &mut a.modifier
            {
                l.labels.sort();
            }
            Expr::Aggregate(a)
        }
        Expr::VectorSelector(v) => {
            let mut v = v.clone();
            sorted(&mut v.matchers);
            Expr::VectorSelector(v)
        }
        Expr::MatrixSelector(m) => {
            let mut m = m.clone();
            sorted(&mut m.vs.matchers);
            Expr::MatrixSelector(m)
        }
        Expr::Unary(u) => {
            let mut u = u.clone();
            u.expr = boxed(&u.expr);
            Expr::Unary(u)
        }
        Expr::Binary(b) => {
            let mut b = b.clone();
            b.lhs = boxed(&b.lhs);
            b.rhs = boxed(&b.rhs);
            Expr::Binary(b)
        }
        Expr::Subquery(s) => {
            let mut s = s.clone();
            s.expr = boxed(&s.expr);
            Expr::Subquery(s)
        }
        Expr::Call(c) => {
            let mut c = c.clone();
            c.args.args = c.args.args.iter().map(|a| boxed(a)).collect();
            Expr::Call(c)
        }
        other => other.clone(),
    }
}

fn duration(text: Option<&str>) -> Option<u64> {
    let d = text.map(|t| Duration::parse(t).map_or(u64::MAX, |d| d.0));
    // `for: 0s` is no `for` at all.
    d.filter(|ms| *ms != 0)
}

/// Every difference between the groups imported and the groups compiled from the import.
pub(crate) fn compare(original: &[Group], compiled: &[Group]) -> Vec<Difference> {
    let mut out = Vec::new();
    let names = |gs: &[Group]| gs.iter().map(|g| g.name.clone()).collect::<Vec<_>>();
    if names(original) != names(compiled) {
        out.push(Difference {
            group: original
                .first()
                .map_or_else(String::new, |g| g.name.clone()),
            rule: None,
            what: format!(
                "the groups are [{}] after the round trip, not [{}]",
                names(compiled).join(", "),
                names(original).join(", ")
            ),
        });
        return out;
    }
    for (a, b) in original.iter().zip(compiled) {
        group(a, b, &mut out);
    }
    out
}

fn group(a: &Group, b: &Group, out: &mut Vec<Difference>) {
    let mut differ = |rule: Option<&Rule>, what: String| {
        out.push(Difference {
            group: a.name.clone(),
            rule: rule.map(Rule::described),
            what,
        })
    };
    let setting = |x: &Option<String>, y: &Option<String>| match (x, y) {
        (Some(x), Some(y)) => Duration::parse(x).ok() == Duration::parse(y).ok() || x == y,
        (None, None) => true,
        _ => false,
    };
    if !setting(&a.interval, &b.interval) {
        differ(
            None,
            format!("interval {:?} became {:?}", a.interval, b.interval),
        );
    }
    if !setting(&a.query_offset, &b.query_offset) {
        differ(
            None,
            format!(
                "query_offset {:?} became {:?}",
                a.query_offset, b.query_offset
            ),
        );
    }
    let limit = |l: &Option<String>| {
        l.as_deref()
            .and_then(|l| l.parse::<u64>().ok())
            .unwrap_or(0)
    };
    if limit(&a.limit) != limit(&b.limit) {
        differ(None, format!("limit {:?} became {:?}", a.limit, b.limit));
    }
    if a.labels != b.labels {
        differ(None, format!("labels {:?} became {:?}", a.labels, b.labels));
    }
    let records = |g: &Group| -> Vec<Rule> {
        g.rules
            .iter()
            .filter(|r| r.kind == Kind::Record)
            .cloned()
            .collect()
    };
    let (ra, rb) = (records(a), records(b));
    if ra.len() != rb.len() {
        differ(
            None,
            format!("{} recording rules became {}", ra.len(), rb.len()),
        );
    } else {
        for (x, y) in ra.iter().zip(&rb) {
            if x.name != y.name {
                differ(Some(x), format!("is followed by `{}` in its place", y.name));
            } else {
                rule(x, y, &mut differ);
            }
        }
    }
    let mut alerts_b: Vec<Option<&Rule>> = b
        .rules
        .iter()
        .filter(|r| r.kind == Kind::Alert)
        .map(Some)
        .collect();
    for x in a.rules.iter().filter(|r| r.kind == Kind::Alert) {
        let found = alerts_b
            .iter_mut()
            .find(|y| y.is_some_and(|y| y.name == x.name && y.labels == x.labels));
        match found.and_then(Option::take) {
            Some(y) => rule(x, y, &mut differ),
            None => differ(Some(x), format!("with labels {:?} is missing", x.labels)),
        }
    }
    for y in alerts_b.into_iter().flatten() {
        differ(Some(y), format!("with labels {:?} was added", y.labels));
    }
}

fn rule(x: &Rule, y: &Rule, differ: &mut impl FnMut(Option<&Rule>, String)) {
    if !same_text(&x.expr, &y.expr) {
        differ(
            Some(x),
            format!("expression `{}` became `{}`", x.expr.trim(), y.expr.trim()),
        );
    }
    if duration(x.for_.as_deref()) != duration(y.for_.as_deref()) {
        differ(Some(x), format!("`for` {:?} became {:?}", x.for_, y.for_));
    }
    if duration(x.keep_firing_for.as_deref()) != duration(y.keep_firing_for.as_deref()) {
        differ(
            Some(x),
            format!(
                "`keep_firing_for` {:?} became {:?}",
                x.keep_firing_for, y.keep_firing_for
            ),
        );
    }
    if x.labels != y.labels {
        differ(
            Some(x),
            format!("labels {:?} became {:?}", x.labels, y.labels),
        );
    }
    if x.annotations != y.annotations {
        differ(
            Some(x),
            format!("annotations {:?} became {:?}", x.annotations, y.annotations),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parentheses_that_restate_precedence_do_not_count() {
        assert!(same_text("a / b > 0.05", "(\n  a / b\n) > 5e-2"));
        assert!(same_text(
            "sum(rate(x[5m])) by (job)",
            "sum by (job) (rate(x[5m]))"
        ));
        assert!(!same_text("a / (b > 0.05)", "a / b > 0.05"));
        assert!(!same_text("a > 1", "a >= 1"));
    }

    fn group(rules: Vec<Rule>) -> Group {
        Group {
            name: "g".into(),
            interval: None,
            limit: None,
            query_offset: None,
            labels: Default::default(),
            rules,
        }
    }

    fn alert(expr: &str, severity: &str) -> Rule {
        Rule {
            kind: Kind::Alert,
            name: "A".into(),
            expr: expr.into(),
            for_: Some("5m".into()),
            keep_firing_for: None,
            labels: [("severity".to_string(), severity.to_string())].into(),
            annotations: Default::default(),
        }
    }

    #[test]
    fn finds_each_kind_of_difference() {
        let a = [group(vec![
            alert("up == 0", "warning"),
            alert("up == 0", "critical"),
        ])];
        let same = [group(vec![
            alert("(up) == 0", "critical"),
            alert("up == 0", "warning"),
        ])];
        assert!(compare(&a, &same).is_empty());
        let mut b = same.clone();
        b[0].rules[0].for_ = Some("300s".into());
        assert!(compare(&a, &b).is_empty());
        b[0].rules[0].for_ = Some("10m".into());
        assert_eq!(compare(&a, &b).len(), 1);
        let mut c = same.clone();
        c[0].rules.pop();
        assert!(compare(&a, &c)[0].what.contains("missing"));
    }
}
