//! Prometheus reads every label and annotation of an alerting rule as a Go template. The
//! source's templates are checked where they are written; this checks the finished text, so
//! that a literal value carried into a rule (a team, a title, a URL) that happens to contain
//! template syntax is caught before Prometheus refuses the file.

use super::CheckError;
use crate::go_template::check::{check as check_template, PROMETHEUS};
use crate::resolve::model::Model;

pub(super) fn check(model: &Model, errors: &mut Vec<CheckError>) {
    for alert in &model.alerts {
        let texts = alert
            .rules
            .iter()
            .chain(&alert.escalations)
            .flat_map(|r| r.labels.iter().chain(&r.annotations));
        for (key, text) in texts {
            if let Err(e) = check_template(text, &PROMETHEUS, &[]) {
                errors.push(CheckError::RuleTemplate {
                    alert: alert.name.clone(),
                    key: key.clone(),
                    message: e.message,
                    span: alert.span,
                });
                break;
            }
        }
    }
}
