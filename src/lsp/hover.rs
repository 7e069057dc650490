//! What hovering a name shows: for a query or threshold, its levels and the alert rules they
//! generate; for an SLO, its objective and alerts; for the rest, what the name is.

use super::symbols::Declared;
use crate::parse::ast::Level;
use crate::resolve::model::{Condition, Model};

pub(super) fn hover(name: &str, declared: &[Declared], model: Option<&Model>) -> Option<String> {
    if declared.is_empty() {
        return None;
    }
    let mut out = String::new();
    if let Some(model) = model {
        if let Some((index, t)) = model
            .thresholds
            .iter()
            .enumerate()
            .find(|(_, t)| t.name == name)
        {
            let query = &model.queries[t.query];
            out.push_str(&format!("**threshold `{name}`** on {}\n\n", query.title));
            for b in &t.bounds {
                let level = match b.level {
                    Level::Target => "target",
                    Level::Warning => "warning",
                    Level::Critical => "critical",
                };
                out.push_str(&format!("- {level} {} {}\n", b.comparison.word(), b.shown));
            }
            let alerts: Vec<_> = model
                .alerts
                .iter()
                .filter(|a| matches!(a.condition, Condition::Threshold { threshold, .. } if threshold == index))
                .collect();
            if !alerts.is_empty() {
                out.push_str("\nGenerates:\n");
            }
            for a in alerts {
                let severity = &model.severities[a.severity].name;
                out.push_str(&format!("\n`{}` ({severity})", a.name));
                if let Some(rule) = a.rules.first() {
                    out.push_str(&format!("\n```promql\n{}\n```\n", rule.expr));
                }
            }
            return Some(out);
        }
        if let Some(s) = model.slos.iter().find(|s| s.name == name) {
            out.push_str(&format!(
                "**slo `{name}`**: {}, {} over {}\n",
                s.title,
                s.objective_shown,
                s.period.human()
            ));
            for alert in s.alert_names.iter().flatten() {
                out.push_str(&format!("\n- alert `{alert}`"));
            }
            return Some(out);
        }
    }
    let kinds: Vec<String> = declared
        .iter()
        .map(|d| format!("{} `{}`", d.kind, d.name))
        .collect();
    out.push_str(&kinds.join(", "));
    Some(out)
}
