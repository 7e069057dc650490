//! Every generated alert must reach a receiver chosen for it: one that only the default route
//! catches is an alert nobody decided about. A severity with no route at all is reported once,
//! at the first alert that needs it.

use super::CheckError;
use crate::resolve::model::{Labels, Model, Route};
use crate::resolve::route_tree;
use std::collections::{HashMap, HashSet};

/// Instants at which time intervals are tried: every half hour of two weeks from a Monday,
/// then noon on every day of a year (for months, days of the month and years).
fn samples() -> Vec<jiff::Timestamp> {
    let start: jiff::Timestamp = "2026-01-05T00:00:00Z".parse().unwrap_or_default();
    let half_hour = jiff::SignedDuration::from_mins(30);
    let day = jiff::SignedDuration::from_hours(24);
    let noon = jiff::SignedDuration::from_hours(12);
    let mut out = Vec::new();
    for i in 0..(14 * 48) {
        out.extend(start.checked_add(half_hour * i).ok());
    }
    for i in 0..366 {
        out.extend(start.checked_add(day * i + noon).ok());
    }
    out
}

/// The first sampled instant at which the alert is routed but nobody is notified. The routes
/// that deliver it do not depend on time, so they are found once; the answer depends only on
/// which routes those are, so it is kept per set of routes.
fn first_silence(
    model: &Model,
    labels: &Labels,
    at: &[jiff::Timestamp],
    known: &mut HashMap<Vec<*const Route>, Option<jiff::Timestamp>>,
) -> Option<jiff::Timestamp> {
    let found = route_tree::deliveries(&model.routing.root, labels);
    let routes: Vec<&Route> = found
        .iter()
        .filter(|d| d.receiver.is_some())
        .map(|d| d.route)
        .collect();
    if routes.is_empty()
        || routes
            .iter()
            .all(|r| r.mute.is_empty() && r.active.is_empty())
    {
        return None;
    }
    let key: Vec<*const Route> = routes.iter().map(|r| *r as *const Route).collect();
    *known.entry(key).or_insert_with(|| {
        at.iter().copied().find(|t| {
            routes
                .iter()
                .all(|r| route_tree::muted_at(r, *t, &model.time_intervals))
        })
    })
}

pub(super) fn check(model: &Model, errors: &mut Vec<CheckError>) {
    if model.routing.root.receiver.is_none() && model.receivers.is_empty() {
        // No Alertmanager configuration is generated for this source.
        return;
    }
    let mut reported = HashSet::new();
    let instants = if model.time_intervals.is_empty() {
        Vec::new()
    } else {
        samples()
    };
    let mut tried: HashSet<Labels> = HashSet::new();
    let mut known = HashMap::new();
    for alert in &model.alerts {
        if !instants.is_empty() {
            for rule in alert.rules.iter().chain(&alert.escalations) {
                let mut labels: Labels = rule.labels.clone();
                labels.insert("alertname".into(), alert.name.clone());
                if !tried.insert(labels.clone()) {
                    continue;
                }
                if let Some(t) = first_silence(model, &labels, &instants, &mut known) {
                    let weekday = t.to_zoned_datetime(jiff::tz::TimeZone::UTC).weekday();
                    errors.push(CheckError::MutedSometimes {
                        alert: alert.name.clone(),
                        when: format!("{t} ({weekday:?})"),
                        span: alert.span,
                    });
                    break;
                }
            }
        }
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
