//! `promtool test rules` files from alert examples: one per source file with examples. The
//! expected labels are the example's (the query's result) plus the rule's own; the expected
//! annotations are the rule's templates rendered with the example's labels.

use super::{header, prometheus, yaml, Artifact};
use crate::go_template;
use crate::resolve::duration::Duration;
use crate::resolve::model::{Alert, AlertRule, BurnKind, Example, Labels, Model, Slo, SloExample};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
struct TestFile {
    rule_files: Vec<String>,
    evaluation_interval: String,
    tests: Vec<Test>,
}

#[derive(Serialize)]
struct Test {
    name: String,
    interval: String,
    input_series: Vec<Series>,
    alert_rule_test: Vec<AlertTest>,
}

#[derive(Serialize)]
struct Series {
    series: String,
    values: String,
}

#[derive(Serialize)]
struct AlertTest {
    eval_time: String,
    alertname: String,
    exp_alerts: Vec<ExpectedAlert>,
}

#[derive(Serialize)]
struct ExpectedAlert {
    exp_labels: Labels,
    exp_annotations: Labels,
}

pub(super) fn emit(model: &Model) -> Vec<Artifact> {
    // The tests load the plain rule files.
    if !model.targets.prometheus {
        return Vec::new();
    }
    let mut files: BTreeMap<&str, Vec<Test>> = BTreeMap::new();
    for (index, alert) in model.alerts.iter().enumerate() {
        // The variants of a declaration follow its primary alert, which holds the examples.
        let variants: Vec<&Alert> = model.alerts[index..]
            .iter()
            .take_while(|a| a.declaration == alert.declaration)
            .collect();
        for example in &alert.examples {
            files
                .entry(&model.groups[alert.group].file)
                .or_default()
                .push(test(model, &variants, example));
        }
    }
    for slo in &model.slos {
        for example in &slo.examples {
            files
                .entry(&model.groups[slo.group].file)
                .or_default()
                .push(slo_test(model, slo, example));
        }
    }
    files
        .into_iter()
        .map(|(stem, tests)| {
            let depth = stem.matches('/').count() + 1;
            let rules = format!(
                "{}{}",
                "../".repeat(depth),
                prometheus::path(stem).trim_start_matches("prometheus/")
            );
            let file = TestFile {
                rule_files: vec![rules],
                evaluation_interval: model.project.evaluation_interval.to_string(),
                tests,
            };
            let text = header(&format!("{stem}.wb")) + &yaml(&file);
            Artifact {
                path: format!("prometheus/tests/{stem}.test.yml"),
                bytes: text.into_bytes(),
            }
        })
        .collect()
}

/// An alert's example: at each time it checks, exactly the variants it says fire are
/// expected (promtool compares every alert of the name).
fn test(model: &Model, variants: &[&Alert], example: &Example) -> Test {
    let alert = variants[0];
    let mut by_time: BTreeMap<Duration, Vec<ExpectedAlert>> = BTreeMap::new();
    for check in &example.checks {
        let expected = by_time.entry(check.at).or_default();
        let variant = variants
            .iter()
            .find(|v| Some(v.severity) == check.severity)
            .unwrap_or(&alert);
        if let Some(result) = &check.fires {
            expected.push(expected_alert(&variant.rules[example.rule], result.clone()));
        }
    }
    Test {
        name: format!("{}: {}", alert.name, example.name),
        interval: model.project.scrape_interval.to_string(),
        input_series: input_series(&example.series),
        alert_rule_test: by_time
            .into_iter()
            .map(|(at, exp_alerts)| AlertTest {
                eval_time: at.to_string(),
                alertname: alert.name.clone(),
                exp_alerts,
            })
            .collect(),
    }
}

/// An SLO example checks its page and ticket alerts: `fires page at` expects the page alert,
/// `quiet at` expects neither.
fn slo_test(model: &Model, slo: &Slo, example: &SloExample) -> Test {
    let instance = &slo.instances[example.instance];
    let alerts: Vec<(BurnKind, &Alert)> = [
        (BurnKind::Page, slo.page_alert),
        (BurnKind::Ticket, slo.ticket_alert),
    ]
    .into_iter()
    .filter_map(|(kind, index)| Some((kind, &model.alerts[index?])))
    .collect();
    let of = |kind: BurnKind| alerts.iter().find(|(k, _)| *k == kind).map(|(_, a)| *a);
    // (time, alert name) -> expected alerts: page and ticket alerts may share a name, and
    // promtool checks every alert of that name at once.
    let mut expected: BTreeMap<(Duration, &str), Vec<ExpectedAlert>> = BTreeMap::new();
    for check in &example.checks {
        match (&check.fires, check.kind) {
            (None, None) => {
                for (_, alert) in &alerts {
                    expected.entry((check.at, &alert.name)).or_default();
                }
            }
            (None, Some(kind)) => {
                if let Some(alert) = of(kind) {
                    expected.entry((check.at, &alert.name)).or_default();
                }
            }
            (Some(result), kind) => {
                let Some(alert) = of(kind.unwrap_or(BurnKind::Page)) else {
                    continue;
                };
                // In Pyrra's style a kind has a rule per window pair: `{ long = "1h" }` in
                // the check picks pairs, else every pair of the kind is expected.
                let picked = |r: &&AlertRule| {
                    r.environment == instance.environment
                        && ["long", "short"]
                            .iter()
                            .all(|k| result.get(*k).is_none() || result.get(*k) == r.labels.get(*k))
                };
                let entry = expected.entry((check.at, &alert.name)).or_default();
                for rule in alert.rules.iter().filter(picked) {
                    // The alert's result carries the recordings' labels and the query's own.
                    let mut series = instance.labels.clone();
                    series.extend(result.clone());
                    entry.push(expected_alert(rule, series));
                }
            }
        }
    }
    Test {
        name: format!("{}: {}", slo.name, example.name),
        interval: model.project.scrape_interval.to_string(),
        input_series: input_series(&example.series),
        alert_rule_test: expected
            .into_iter()
            .map(|((at, name), exp_alerts)| AlertTest {
                eval_time: at.to_string(),
                alertname: name.to_string(),
                exp_alerts,
            })
            .collect(),
    }
}

/// What promtool must see for a firing rule whose expression returned `series`: those labels
/// overridden by the rule's own (as Prometheus does), and the annotations rendered with them.
fn expected_alert(rule: &AlertRule, series: Labels) -> ExpectedAlert {
    let mut labels = series.clone();
    labels.extend(
        rule.labels
            .iter()
            .map(|(k, v)| (k.clone(), render(v, &series))),
    );
    let annotations = rule
        .annotations
        .iter()
        .map(|(k, v)| (k.clone(), render(v, &series)))
        .collect();
    ExpectedAlert {
        exp_labels: labels,
        exp_annotations: annotations,
    }
}

fn input_series(series: &[(String, String)]) -> Vec<Series> {
    series
        .iter()
        .map(|(series, values)| Series {
            series: series.clone(),
            values: values.clone(),
        })
        .collect()
}

/// The check stage guarantees every template here is predictable.
fn render(template: &str, labels: &Labels) -> String {
    go_template::render(template, labels).unwrap_or_else(|_| template.to_string())
}
