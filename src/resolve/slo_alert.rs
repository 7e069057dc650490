//! An SLO's page or ticket alert: its name (page and ticket may share one, as Sloth does, and
//! are then told apart by `sloth_severity`), the labels, annotations and `for` of that kind.

use super::duration::Duration;
use super::model::*;
use super::{template, Resolver};
use crate::anchor;
use crate::parse::ast::{self, QueryLanguage, StepKind};

/// What an SLO's two alerts share.
pub(super) struct SloAlertContext<'a> {
    pub slo: &'a ast::Slo,
    pub index: usize,
    pub objective: &'a ast::Text,
    pub period: Duration,
    pub group: usize,
    pub order: (usize, usize),
    pub windows: &'a [BurnWindow],
    pub series: &'a SloSeries,
    /// The `sloth_*` matchers of the instance the runbook shows, and its SLI over 5 minutes.
    pub own: &'a str,
    pub sli_5m: &'a str,
}

/// One rule of an SLO alert before its kind's settings: (environment, expr, labels, and the
/// window pair's own `for`).
pub(super) type BurnRule = (Option<usize>, String, Labels, Option<Duration>);

/// The default names: `RequestsAvailabilityErrorBudgetBurnFast` and `...Slow`.
pub(super) fn default_name(slo: &str, kind: BurnKind) -> String {
    let speed = match kind {
        BurnKind::Page => "Fast",
        BurnKind::Ticket => "Slow",
    };
    format!("{}ErrorBudgetBurn{speed}", camel(slo))
}

impl Resolver<'_> {
    /// Appends the alert of one kind; `shared` is the index of the page alert when the ticket
    /// alert shares its name (the ticket alert is then a variant of it).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn slo_alert(
        &mut self,
        cx: &SloAlertContext,
        kind: BurnKind,
        name: String,
        spec: Option<&ast::SloAlert>,
        severity: usize,
        rules: Vec<BurnRule>,
        shared: Option<usize>,
        model: &Model,
        alerts: &mut Vec<Alert>,
    ) -> Option<usize> {
        let s = cx.slo;
        let for_ = match spec.and_then(|a| a.for_.as_ref()) {
            Some(text) => Some(self.duration(text)?),
            None => None,
        };
        let own_labels = spec.map_or_else(Labels::new, |a| self.rule_labels(&a.labels));
        let severity_name = model.severities[severity].name.clone();
        let mut alert_rules = Vec::new();
        for (i, (environment, expr, labels, pair_for)) in rules.into_iter().enumerate() {
            let for_ = pair_for.or(for_);
            let mut rule_labels = labels;
            rule_labels.insert("severity".into(), severity_name.clone());
            // Sloth tells page from ticket by this label; Pyrra by `severity` alone.
            if cx.series.style == AlertStyle::Sloth {
                rule_labels.insert("sloth_severity".into(), kind.name().into());
            }
            rule_labels.extend(own_labels.clone());
            let values = template::Values {
                threshold: Some(&cx.objective.value),
                for_: for_.map(Duration::human),
                severity: Some(&severity_name),
                environment: environment.map(|e| model.environments[e].name.as_str()),
                query: Some(&s.title.value),
            };
            let mut texts: Vec<(&str, &ast::Text)> = Vec::new();
            texts.extend(s.summary.as_ref().map(|t| ("summary", t)));
            texts.extend(s.description.as_ref().map(|t| ("description", t)));
            for pair in spec.map_or(&[][..], |a| &a.annotations[..]) {
                texts.retain(|(k, _)| *k != pair.name.value);
                texts.push((pair.name.value.as_str(), &pair.value));
            }
            let mut annotations = Labels::new();
            for (key, text) in texts {
                match template::substitute(text, &values) {
                    Ok(value) => {
                        annotations.insert(key.into(), value);
                    }
                    // The same template fails the same way in every rule: report once.
                    Err(errors) if i == 0 => self.errors.extend(errors),
                    Err(_) => {}
                }
            }
            annotations.entry("summary".into()).or_insert_with(|| {
                format!(
                    "{} SLO ({} over {}): the error budget burns too fast ({}).",
                    template::literal(&s.title.value),
                    cx.objective.value,
                    cx.period.human(),
                    kind.name()
                )
            });
            annotations
                .entry("runbook_url".into())
                .or_insert_with(|| anchor::alert_url(&model.project.runbook_url, &name));
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
        let index = alerts.len();
        let span = spec
            .and_then(|a| a.name.as_ref())
            .map_or(s.name.span, |n| n.span);
        alerts.push(Alert {
            reason: None,
            name: name.clone(),
            span,
            group: cx.group,
            order: cx.order,
            primary: shared.is_none(),
            declaration: shared.map_or(index, |i| alerts[i].declaration),
            external_runbook: false,
            language: QueryLanguage::PromQl,
            severity,
            severity_span: s.name.span,
            condition: Condition::Slo {
                slo: cx.index,
                kind,
            },
            for_,
            keep_firing_for: None,
            rules: alert_rules,
            escalations,
            summary: s.summary.as_ref().map(|x| x.value.clone()),
            description: s.description.as_ref().map(|x| x.value.clone()),
            investigate: investigation(cx, kind),
            causes: Vec::new(),
            resolve: Vec::new(),
            examples: Vec::new(),
            anchor: anchor::alert(&name),
            page: None,
        });
        Some(index)
    }
}

/// What to look at first when an SLO alert fires: which of its window pairs burn, the SLI
/// itself, and the budget left. Generated from the SLO, so that every SLO alert has steps.
fn investigation(cx: &SloAlertContext, kind: BurnKind) -> Vec<Step> {
    let mut burn = Step {
        title: "See which window pairs burn".into(),
        items: Vec::new(),
    };
    let mut windows = Vec::new();
    for w in cx.windows.iter().filter(|w| w.kind == kind) {
        burn.items.push((
            StepKind::Note,
            format!(
                "Fires when both {} and {} burn faster than {}x the budget (they would spend {}% of it in {}).",
                w.long.human(),
                w.short.human(),
                super::slo::tidy(w.factor),
                super::slo::tidy(w.share * 100.0),
                w.long.human()
            ),
        ));
        for window in [w.short, w.long] {
            if !windows.contains(&window) {
                windows.push(window);
            }
        }
    }
    // One query: a series per window, its burn rate (the error ratio over the budget).
    burn.items
        .push((StepKind::PromQl, cx.series.burn_rates(&windows, cx.own)));
    let sli = Step {
        title: "Look at the error ratio the SLI measures".into(),
        items: vec![
            (
                StepKind::Note,
                "Break it down by the labels the query keeps to find where the errors come from."
                    .into(),
            ),
            (StepKind::PromQl, cx.sli_5m.to_string()),
        ],
    };
    let left = Step {
        title: "Check how much of the error budget is left".into(),
        items: vec![(StepKind::PromQl, cx.series.budget_left(cx.own))],
    };
    vec![burn, sli, left]
}

/// `requests_availability` as an alert name: `RequestsAvailability`.
fn camel(name: &str) -> String {
    name.split(['_', '-'])
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_names_are_camel_case() {
        assert_eq!(camel("requests_availability"), "RequestsAvailability");
        assert_eq!(
            default_name("api_latency", BurnKind::Ticket),
            "ApiLatencyErrorBudgetBurnSlow"
        );
    }
}
