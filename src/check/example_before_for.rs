//! An example that expects an alert to fire before its `for` has elapsed since the series
//! began can never pass: Prometheus keeps the alert pending until then. One that checks a
//! time at which the alert's escalated twin may fire cannot say what promtool should expect.

use super::CheckError;
use crate::resolve::duration::Duration;
use crate::resolve::model::{Alert, Model};
use crate::source::Span;

pub(super) fn check(model: &Model, errors: &mut Vec<CheckError>) {
    for slo in &model.slos {
        let checks: Vec<(Duration, Span)> = slo
            .examples
            .iter()
            .flat_map(|e| &e.checks)
            .map(|c| (c.at, c.span))
            .collect();
        for alert in [slo.page_alert, slo.ticket_alert]
            .into_iter()
            .flatten()
            .map(|i| &model.alerts[i])
        {
            past_escalation(alert, &checks, errors);
        }
    }
    for (index, alert) in model.alerts.iter().enumerate() {
        if alert.examples.is_empty() {
            continue;
        }
        let checks: Vec<(Duration, Span)> = alert
            .examples
            .iter()
            .flat_map(|e| &e.checks)
            .map(|c| (c.at, c.span))
            .collect();
        let variants = model.variants(index);
        for variant in variants {
            past_escalation(variant, &checks, errors);
        }
        for check in alert.examples.iter().flat_map(|e| &e.checks) {
            let variant = variants
                .iter()
                .find(|v| Some(v.severity) == check.severity)
                .unwrap_or(alert);
            let Some(for_) = variant.for_ else { continue };
            if check.fires.is_some() && check.at < for_ {
                errors.push(CheckError::ExampleBeforeFor {
                    alert: alert.name.clone(),
                    at: check.at.to_string(),
                    for_: for_.to_string(),
                    span: check.span,
                });
            }
        }
    }
}

/// Checks at or after the escalated twin's `for`, where promtool would expect the twin too.
fn past_escalation(alert: &Alert, checks: &[(Duration, Span)], errors: &mut Vec<CheckError>) {
    let Some(escalates) = alert.escalations.first().and_then(|e| e.for_) else {
        return;
    };
    for (at, span) in checks.iter().filter(|(at, _)| *at >= escalates) {
        errors.push(CheckError::ExamplePastEscalation {
            alert: alert.name.clone(),
            at: at.to_string(),
            escalates: escalates.to_string(),
            span: *span,
        });
    }
}
