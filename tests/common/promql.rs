//! PromQL compared as meaning, not text: other tools write the same expression with other
//! parentheses, matcher and grouping orders, and float noise.

use promql_parser::parser::{Expr, LabelModifier};

/// The expression without parentheses, its matchers and `by` labels sorted, numbers rounded
/// to 9 significant digits: Sloth writes `0.0009999999999999432` where we write `0.001`.
pub fn canonical(expr: &str) -> String {
    canonical_keeping(expr, &|_| true)
}

/// As `canonical`, keeping only the matchers on labels `keep` accepts (besides `__name__`).
pub fn canonical_keeping(expr: &str, keep: &dyn Fn(&str) -> bool) -> String {
    let parsed = promql_parser::parser::parse(expr).unwrap_or_else(|e| panic!("{expr}: {e}"));
    let shown = strip(&parsed, keep).to_string();
    let mut out = String::new();
    let mut number = String::new();
    let flush = |number: &mut String, out: &mut String| {
        if let Ok(v) = number.parse::<f64>() {
            out.push_str(&format!("{:.9e}", v));
        } else {
            out.push_str(number);
        }
        number.clear();
    };
    let mut previous = ' ';
    for c in shown.chars() {
        // A digit after a name's character belongs to the name: `ratio_rate5m`.
        let in_name = previous.is_ascii_alphanumeric() || previous == '_';
        let starts = number.is_empty() && c.is_ascii_digit() && !in_name;
        previous = c;
        let continues = !number.is_empty() && (c.is_ascii_digit() || c == '.' || c == 'e');
        if starts || continues {
            number.push(c);
        } else {
            flush(&mut number, &mut out);
            out.push(c);
        }
    }
    flush(&mut number, &mut out);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn strip(e: &Expr, keep: &dyn Fn(&str) -> bool) -> Expr {
    let matchers = |m: &mut promql_parser::label::Matchers| {
        m.matchers.retain(|x| x.name == "__name__" || keep(&x.name));
        m.matchers
            .sort_by_key(|x| (x.name.clone(), x.op.to_string(), x.value.clone()));
    };
    match e {
        Expr::Paren(p) => strip(&p.expr, keep),
        Expr::Binary(b) => {
            let mut b = b.clone();
            b.lhs = Box::new(strip(&b.lhs, keep));
            b.rhs = Box::new(strip(&b.rhs, keep));
            Expr::Binary(b)
        }
        Expr::Aggregate(a) => {
            let mut a = a.clone();
            a.expr = Box::new(strip(&a.expr, keep));
            if let Some(LabelModifier::Include(l) | LabelModifier::Exclude(l)) = &mut a.modifier {
                l.labels.sort();
            }
            Expr::Aggregate(a)
        }
        Expr::Call(c) => {
            let mut c = c.clone();
            c.args.args = c
                .args
                .args
                .iter()
                .map(|a| Box::new(strip(a, keep)))
                .collect();
            Expr::Call(c)
        }
        Expr::VectorSelector(v) => {
            let mut v = v.clone();
            matchers(&mut v.matchers);
            Expr::VectorSelector(v)
        }
        Expr::MatrixSelector(m) => {
            let mut m = m.clone();
            matchers(&mut m.vs.matchers);
            Expr::MatrixSelector(m)
        }
        other => other.clone(),
    }
}
