//! Grafana rejects dashboard uids longer than 40 characters.

use super::CheckError;
use crate::resolve::model::Model;

pub(super) fn check(model: &Model, errors: &mut Vec<CheckError>) {
    for d in &model.dashboards {
        if d.uid.chars().count() > 40 {
            errors.push(CheckError::UidTooLong {
                uid: d.uid.clone(),
                span: d.span,
            });
        }
    }
}
