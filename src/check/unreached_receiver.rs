//! A receiver that no route uses is configuration that looks like it protects something and
//! does not. A warning: it may be on its way in or out.

use super::CheckError;
use crate::resolve::model::{Model, Route};

pub(super) fn check(model: &Model, errors: &mut Vec<CheckError>) {
    for index in unreached(model) {
        let receiver = &model.receivers[index];
        errors.push(CheckError::UnreachedReceiver {
            receiver: receiver.name.clone(),
            span: receiver.span,
        });
    }
}

/// The receivers no route of the tree uses.
pub(crate) fn unreached(model: &Model) -> Vec<usize> {
    let mut used = vec![false; model.receivers.len()];
    mark(&model.routing.root, &mut used);
    used.iter()
        .enumerate()
        .filter(|(_, used)| !**used)
        .map(|(i, _)| i)
        .collect()
}

fn mark(route: &Route, used: &mut [bool]) {
    if let Some(r) = route.receiver {
        used[r] = true;
    }
    for child in &route.routes {
        mark(child, used);
    }
}
