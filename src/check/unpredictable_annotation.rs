//! promtool compares a firing alert's annotations exactly, so an alert with examples may only
//! use template parts whose value follows from the labels the example states.

use super::CheckError;
use crate::go_template;
use crate::resolve::model::{Labels, Model};

pub(super) fn check(model: &Model, errors: &mut Vec<CheckError>) {
    for (index, alert) in model.alerts.iter().enumerate() {
        if alert.examples.is_empty() {
            continue;
        }
        // The examples check every variant of the alert.
        let texts = model
            .variants(index)
            .iter()
            .flat_map(|v| &v.rules)
            .flat_map(|r| r.annotations.values().chain(r.labels.values()));
        if let Some(action) = texts
            .filter_map(|t| go_template::render(t, &Labels::new()).err())
            .next()
        {
            errors.push(CheckError::UnpredictableAnnotation {
                alert: alert.name.clone(),
                action,
                span: alert.span,
            });
        }
    }
}
