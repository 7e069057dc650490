//! An example with no `fires at` or `quiet at` would compile to a test that tests nothing.

use super::CheckError;
use crate::resolve::model::Model;

pub(super) fn check(model: &Model, errors: &mut Vec<CheckError>) {
    for example in model.alerts.iter().flat_map(|a| &a.examples) {
        if example.checks.is_empty() {
            errors.push(CheckError::ExampleWithoutChecks { span: example.span });
        }
    }
}
