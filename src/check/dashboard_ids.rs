//! Panel ids must be unique in a dashboard, and query refIds unique in a panel: Grafana keys
//! its state on them. The compiler assigns both; this guards that assignment.

use super::CheckError;
use crate::resolve::model::Model;
use std::collections::HashSet;

pub(super) fn check(model: &Model, errors: &mut Vec<CheckError>) {
    for d in &model.dashboards {
        let mut ids = HashSet::new();
        for p in &d.panels {
            if !ids.insert(p.id) {
                errors.push(CheckError::DuplicateId {
                    what: "panel id",
                    id: p.id.to_string(),
                    dashboard: d.uid.clone(),
                    span: p.span,
                });
            }
            let mut refs = HashSet::new();
            for t in &p.targets {
                if !refs.insert(&t.ref_id) {
                    errors.push(CheckError::DuplicateId {
                        what: "query refId",
                        id: t.ref_id.clone(),
                        dashboard: d.uid.clone(),
                        span: p.span,
                    });
                }
            }
        }
    }
}
