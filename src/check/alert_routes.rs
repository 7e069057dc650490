//! Every generated alert must reach a receiver chosen for it: one that only the default route
//! catches is an alert nobody decided about. A severity with no route at all is reported once,
//! at the first alert that needs it.

use super::CheckError;
use crate::resolve::model::{Labels, Model};
use crate::resolve::route_tree;
use std::collections::HashSet;

pub(super) fn check(model: &Model, errors: &mut Vec<CheckError>) {
    if model.routing.root.receiver.is_none() && model.receivers.is_empty() {
        // No Alertmanager configuration is generated for this source.
        return;
    }
    let mut reported = HashSet::new();
    for alert in &model.alerts {
        for rule in alert.rules.iter().chain(&alert.escalations) {
            let mut labels: Labels = rule.labels.clone();
            labels.insert("alertname".into(), alert.name.clone());
            if !route_tree::route(&model.routing.root, &labels).root_only {
                continue;
            }
            let severity = &model.severities[alert.severity];
            if severity.notify.is_empty() {
                if reported.insert(alert.severity) {
                    errors.push(CheckError::SeverityWithoutRoute {
                        severity: severity.name.clone(),
                        alert: alert.name.clone(),
                        span: alert.severity_span,
                        severity_span: severity.span,
                    });
                }
            } else {
                errors.push(CheckError::DefaultRouteOnly {
                    alert: alert.name.clone(),
                    span: alert.span,
                });
            }
            break;
        }
    }
}
