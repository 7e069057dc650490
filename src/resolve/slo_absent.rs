//! An SLO's absent alert (`alert_style pyrra`, as Pyrra generates it): when a metric the SLI
//! counts has no series, the error ratio cannot be computed and the burn-rate alerts stay
//! silent, so this one fires instead. One rule per environment: Pyrra writes one per metric,
//! with the same labels, which promtool rejects as duplicates; or'ed, they fire alike.

use super::duration::Duration;
use super::model::*;
use super::{template, Resolver};
use crate::anchor;
use crate::parse::ast::{self, QueryLanguage, StepKind};
use promql_parser::parser::Expr;

/// Pyrra's name for it, shared by every SLO: the `slo` label tells them apart.
pub(super) const ALERT_NAME: &str = "SLOMetricAbsent";

/// One rule before the alert's settings: (environment, metrics, expr, labels).
pub(super) type AbsentRule = (Option<usize>, Vec<String>, String, Labels);

/// The absent rule of one SLO instance: `absent(<selector>) == 1` for each metric its SLI
/// selects by name, the total's first, or'ed. `queries` are the instance's expanded SLI
/// queries. `None` when they select no metric by name.
pub(super) fn rule(
    environment: Option<usize>,
    queries: &[String],
    labels: &Labels,
) -> Option<AbsentRule> {
    let mut metrics: Vec<String> = Vec::new();
    let mut parts = Vec::new();
    for query in queries {
        let Ok(expr) = promql_parser::parser::parse(query) else {
            continue;
        };
        let mut selectors = Vec::new();
        named_selectors(&expr, &mut selectors);
        for (name, text) in selectors {
            if !metrics.contains(&name) {
                metrics.push(name);
                parts.push(format!("absent({text}) == 1"));
            }
        }
    }
    (!parts.is_empty()).then(|| (environment, metrics, parts.join("\nor\n"), labels.clone()))
}

/// Every vector selector with a metric name, as (name, selector text), left to right.
fn named_selectors(expr: &Expr, out: &mut Vec<(String, String)>) {
    match expr {
        Expr::Aggregate(a) => {
            named_selectors(&a.expr, out);
            if let Some(p) = &a.param {
                named_selectors(p, out);
            }
        }
        Expr::Unary(u) => named_selectors(&u.expr, out),
        Expr::Binary(b) => {
            named_selectors(&b.lhs, out);
            named_selectors(&b.rhs, out);
        }
        Expr::Paren(p) => named_selectors(&p.expr, out),
        Expr::Subquery(s) => named_selectors(&s.expr, out),
        Expr::VectorSelector(v) => out.extend(v.name.clone().map(|n| (n, v.to_string()))),
        Expr::MatrixSelector(m) => out.extend(m.vs.name.clone().map(|n| (n, m.vs.to_string()))),
        Expr::Call(c) => c.args.args.iter().for_each(|a| named_selectors(a, out)),
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => {}
    }
}

/// Pyrra's `for`: as long as the most urgent pair would take to fire on a total outage (its
/// threshold as a share of the long window, in whole seconds, plus its `for`), to the minute.
pub(crate) fn default_for(windows: &[BurnWindow], objective: f64) -> Option<Duration> {
    // Pyrra's windows list the most urgent pair first; windows written in the source may not.
    let first = windows
        .iter()
        .find(|w| w.kind == BurnKind::Page)
        .or(windows.first())?;
    let threshold = first.factor * (1.0 - objective);
    let seconds = (threshold * (first.long.0 / 1000) as f64) as u64;
    let ms = seconds * 1000 + first.for_.map_or(0, |f| f.0);
    // Go's Duration.Round(time.Minute): halves away from zero.
    Some(Duration((ms + 30_000) / 60_000 * 60_000))
}

impl Resolver<'_> {
    /// Appends the absent alert of an SLO; `shared` is the alert of that name another SLO
    /// declared first.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn slo_absent(
        &mut self,
        slo: &ast::Slo,
        index: usize,
        (group, order): (usize, (usize, usize)),
        name: String,
        spec: Option<&ast::SloAlert>,
        (severity, default_for): (usize, Option<Duration>),
        rules: Vec<AbsentRule>,
        shared: Option<usize>,
        model: &Model,
        alerts: &mut Vec<Alert>,
    ) -> Option<usize> {
        let for_ = match spec.and_then(|a| a.for_.as_ref()) {
            Some(text) => Some(self.duration(text)?),
            None => default_for,
        };
        let own_labels = spec.map_or_else(Labels::new, |a| self.rule_labels(&a.labels));
        let severity_name = model.severities[severity].name.clone();
        let mut metrics: Vec<String> = Vec::new();
        let mut alert_rules = Vec::new();
        for (i, (environment, rule_metrics, expr, labels)) in rules.into_iter().enumerate() {
            let mut rule_labels = labels;
            rule_labels.insert("severity".into(), severity_name.clone());
            rule_labels.extend(own_labels.clone());
            let values = template::Values {
                threshold: None,
                for_: for_.map(Duration::human),
                severity: Some(&severity_name),
                environment: environment.map(|e| model.environments[e].name.as_str()),
                query: Some(&slo.title.value),
            };
            let mut annotations = Labels::new();
            for pair in spec.map_or(&[][..], |a| &a.annotations[..]) {
                match template::substitute(&pair.value, &values) {
                    Ok(value) => {
                        annotations.insert(pair.name.value.clone(), value);
                    }
                    Err(errors) if i == 0 => self.errors.extend(errors),
                    Err(_) => {}
                }
            }
            annotations.entry("summary".into()).or_insert_with(|| {
                let names: Vec<String> = rule_metrics.iter().map(|m| format!("`{m}`")).collect();
                format!(
                    "{} SLO: {} has no series, so its error budget cannot be measured.",
                    template::literal(&slo.title.value),
                    names.join(" or ")
                )
            });
            annotations
                .entry("runbook_url".into())
                .or_insert_with(|| anchor::alert_url(&model.project.runbook_url, &name));
            for metric in rule_metrics {
                if !metrics.contains(&metric) {
                    metrics.push(metric);
                }
            }
            alert_rules.push(AlertRule {
                environment,
                for_,
                keep_firing_for: None,
                expr,
                labels: rule_labels,
                annotations,
            });
        }
        let escalations = super::escalation_twins(
            &alert_rules,
            for_,
            model.severities[severity].escalate.as_ref(),
        );
        let at = alerts.len();
        alerts.push(Alert {
            reason: None,
            name: name.clone(),
            span: spec
                .and_then(|a| a.name.as_ref())
                .map_or(slo.name.span, |n| n.span),
            group,
            order,
            primary: shared.is_none(),
            declaration: shared.map_or(at, |i| alerts[i].declaration),
            external_runbook: false,
            language: QueryLanguage::PromQl,
            severity,
            severity_span: slo.name.span,
            condition: Condition::SloAbsent {
                slo: index,
                metrics: metrics.clone(),
            },
            for_,
            keep_firing_for: None,
            rules: alert_rules,
            escalations,
            summary: None,
            description: None,
            investigate: investigation(&metrics),
            causes: Vec::new(),
            resolve: Vec::new(),
            examples: Vec::new(),
            anchor: anchor::alert(&name),
            page: None,
        });
        Some(at)
    }
}

/// Whether the metrics are scraped at all: the targets that should expose them, and when
/// they were last seen.
fn investigation(metrics: &[String]) -> Vec<Step> {
    let mut items = vec![(
        StepKind::Note,
        "A renamed metric, a changed label or a target that stopped being scraped all look alike here: find when the series stopped."
            .to_string(),
    )];
    for metric in metrics {
        items.push((
            StepKind::PromQl,
            format!("count(last_over_time({metric}[1h]))"),
        ));
    }
    vec![
        Step {
            title: "Check whether the metrics still have series".into(),
            items,
        },
        Step {
            title: "Check the scrape targets".into(),
            items: vec![(StepKind::PromQl, "up == 0".to_string())],
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_metric_once_total_first() {
        let labels = Labels::new();
        let queries = [
            "sum(rate(http_requests_total{job=\"a\"}[5m]))".to_string(),
            "sum(rate(http_requests_total{job=\"a\"}[5m])) - sum(rate(http_request_duration_seconds_bucket{le=\"1\",job=\"a\"}[5m]))".to_string(),
        ];
        let (_, metrics, expr, _) = rule(None, &queries, &labels).unwrap();
        assert_eq!(
            metrics,
            [
                "http_requests_total",
                "http_request_duration_seconds_bucket"
            ]
        );
        assert_eq!(
            expr,
            "absent(http_requests_total{job=\"a\"}) == 1\nor\nabsent(http_request_duration_seconds_bucket{job=\"a\",le=\"1\"}) == 1"
        );
        assert!(rule(None, &["vector(1)".to_string()], &labels).is_none());
    }

    #[test]
    fn the_default_for_is_pyrras() {
        // 28 days at 99%: 14 x 1% of an hour is 504s, plus the pair's 2m: 10m24s, to 10m.
        let windows = super::super::slo_pyrra::windows(Duration(28 * 86_400_000));
        assert_eq!(default_for(&windows, 0.99), Some(Duration(600_000)));
        // At 99.9%: 50s + 2m rounds to 3m.
        assert_eq!(default_for(&windows, 0.999), Some(Duration(180_000)));
    }
}
