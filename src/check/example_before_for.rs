//! An example that expects an alert to fire before its `for` has elapsed since the series
//! began can never pass: Prometheus keeps the alert pending until then. One that checks a
//! time at which the alert's escalated twin may fire cannot say what promtool should expect.

use super::CheckError;
use crate::resolve::model::Model;

pub(super) fn check(model: &Model, errors: &mut Vec<CheckError>) {
    for slo in &model.slos {
        for alert in [
            &model.alerts[slo.page_alert],
            &model.alerts[slo.ticket_alert],
        ] {
            let Some(escalates) = alert.escalations.first().and_then(|e| e.for_) else {
                continue;
            };
            for check in slo.examples.iter().flat_map(|e| &e.checks) {
                if check.at >= escalates {
                    errors.push(CheckError::ExamplePastEscalation {
                        alert: alert.name.clone(),
                        at: check.at.to_string(),
                        escalates: escalates.to_string(),
                        span: check.span,
                    });
                }
            }
        }
    }
    for alert in &model.alerts {
        if let Some(escalates) = alert.escalations.first().and_then(|e| e.for_) {
            for check in alert.examples.iter().flat_map(|e| &e.checks) {
                if check.at >= escalates {
                    errors.push(CheckError::ExamplePastEscalation {
                        alert: alert.name.clone(),
                        at: check.at.to_string(),
                        escalates: escalates.to_string(),
                        span: check.span,
                    });
                }
            }
        }
        let Some(for_) = alert.for_ else { continue };
        for check in alert.examples.iter().flat_map(|e| &e.checks) {
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
