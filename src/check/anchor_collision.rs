//! Two alerts whose names slug to the same runbook anchor would send both `runbook_url`s to
//! one section; a name with no letter or digit has no anchor, and its `runbook_url` would land
//! at the top of the page.

use super::CheckError;
use crate::resolve::model::Model;
use std::collections::HashMap;

pub(super) fn check(model: &Model, errors: &mut Vec<CheckError>) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    // The variants of an alert share its one section.
    for (i, alert) in model.alerts.iter().enumerate().filter(|(_, a)| a.primary) {
        if alert.anchor.is_empty() {
            errors.push(CheckError::NoAnchor {
                alert: alert.name.clone(),
                span: alert.span,
            });
            continue;
        }
        if let Some(&first) = seen.get(alert.anchor.as_str()) {
            let other = &model.alerts[first];
            errors.push(CheckError::AnchorCollision {
                anchor: alert.anchor.clone(),
                alert: alert.name.clone(),
                other: other.name.clone(),
                span: alert.span,
                other_span: other.span,
            });
        } else {
            seen.insert(&alert.anchor, i);
        }
    }
}
