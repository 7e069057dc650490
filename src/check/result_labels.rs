//! Which labels the series an alert expression returns can carry: a closed set after an
//! aggregation `by` a list, open (any label of the selected series) otherwise. Inhibitions are
//! checked against it.

use promql_parser::parser::{Expr, LabelModifier};
use std::collections::BTreeSet;

/// The labels a result can carry; `None` when any label may come through.
pub(super) type Carried = Option<BTreeSet<String>>;

pub(super) fn carried(expr: &Expr) -> Carried {
    match expr {
        Expr::Aggregate(a) => {
            let inner = carried(&a.expr);
            let op = a.op.to_string();
            let mut out = match &a.modifier {
                Some(LabelModifier::Include(l)) => Some(l.labels.iter().cloned().collect()),
                // `without` keeps whatever the series had but the listed labels.
                Some(LabelModifier::Exclude(l)) => inner.clone().map(|set: BTreeSet<String>| {
                    set.into_iter().filter(|x| !l.labels.contains(x)).collect()
                }),
                None => Some(BTreeSet::new()),
            };
            match op.as_str() {
                // These select series: they keep every label of the ones they keep.
                "topk" | "bottomk" | "limitk" | "limit_ratio" => inner,
                "count_values" => {
                    if let (Some(set), Some(Expr::StringLiteral(s))) =
                        (out.as_mut(), a.param.as_deref())
                    {
                        set.insert(s.val.clone());
                    }
                    out
                }
                _ => out,
            }
        }
        Expr::Unary(u) => carried(&u.expr),
        Expr::Paren(p) => carried(&p.expr),
        Expr::Subquery(s) => carried(&s.expr),
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) => Some(BTreeSet::new()),
        Expr::VectorSelector(_) | Expr::MatrixSelector(_) | Expr::Extension(_) => None,
        Expr::Binary(b) => {
            let (l, r) = (carried(&b.lhs), carried(&b.rhs));
            let op = b.op.to_string();
            if op == "or" {
                return union(l, r);
            }
            // One side a scalar: the vector side's labels.
            let scalar = |e: &Expr| matches!(e, Expr::NumberLiteral(_));
            if scalar(&b.rhs) {
                return l;
            }
            if scalar(&b.lhs) {
                return r;
            }
            // `group_right` keeps the right side's labels; otherwise the left's, plus what
            // `group_left (extra)` copies over.
            use promql_parser::parser::VectorMatchCardinality as Card;
            match b.modifier.as_ref().map(|m| &m.card) {
                Some(Card::OneToMany(_)) => r,
                Some(Card::ManyToOne(extra)) => l.map(|mut set| {
                    set.extend(extra.labels.iter().cloned());
                    set
                }),
                _ => l,
            }
        }
        Expr::Call(c) => {
            let args: Vec<Carried> = c.args.args.iter().map(|a| carried(a)).collect();
            let first = args.first().cloned().unwrap_or(Some(BTreeSet::new()));
            let string = |i: usize| match c.args.args.get(i).map(|a| a.as_ref()) {
                Some(Expr::StringLiteral(s)) => Some(s.val.clone()),
                _ => None,
            };
            match c.func.name {
                "vector" | "time" | "scalar" | "pi" => Some(BTreeSet::new()),
                // `absent` returns the labels its selector's equality matchers name.
                "absent" | "absent_over_time" => Some(equality_labels(&c.args.args[0])),
                "histogram_quantile" => args.get(1).cloned().flatten().map(|mut s| {
                    s.remove("le");
                    s
                }),
                "label_replace" | "label_join" => match (first, string(1)) {
                    (Some(mut set), Some(dst)) => {
                        set.insert(dst);
                        Some(set)
                    }
                    (other, _) => other,
                },
                _ => args.into_iter().find(|a| a.is_some()).unwrap_or(first),
            }
        }
    }
}

fn union(a: Carried, b: Carried) -> Carried {
    match (a, b) {
        (Some(mut x), Some(y)) => {
            x.extend(y);
            Some(x)
        }
        _ => None,
    }
}

fn equality_labels(e: &Expr) -> BTreeSet<String> {
    let selector = match e {
        Expr::VectorSelector(v) => Some(v),
        Expr::MatrixSelector(m) => Some(&m.vs),
        _ => None,
    };
    selector
        .map(|v| {
            v.matchers
                .matchers
                .iter()
                .filter(|m| matches!(m.op, promql_parser::label::MatchOp::Equal))
                .map(|m| m.name.clone())
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(text: &str) -> Carried {
        carried(&crate::resolve::promql::parse_full(text).unwrap())
    }

    fn set(labels: &[&str]) -> Carried {
        Some(labels.iter().map(|l| l.to_string()).collect())
    }

    #[test]
    fn aggregations_close_the_label_set() {
        assert_eq!(of("sum by (job) (rate(x[5m])) > 1"), set(&["job"]));
        assert_eq!(of("sum(x)"), set(&[]));
        assert_eq!(of("x > 1"), None);
        assert_eq!(
            of("sum by (job, le) (rate(x_bucket[5m]))").map(|s| s.len()),
            Some(2)
        );
        assert_eq!(
            of("histogram_quantile(0.9, sum by (job, le) (rate(x_bucket[5m])))"),
            set(&["job"])
        );
        assert_eq!(of("absent(up{job=\"a\"})"), set(&["job"]));
        assert_eq!(
            of("sum by (pod) (x) * on (pod) group_left (node) sum by (pod, node) (y)"),
            set(&["node", "pod"])
        );
    }
}
