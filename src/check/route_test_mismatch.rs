//! A route test says which receivers an alert with some labels reaches; the compiler walks
//! the routing tree as Alertmanager does and fails when the answer differs.

use super::CheckError;
use crate::resolve::model::Model;
use crate::resolve::route_tree;

pub(super) fn check(model: &Model, errors: &mut Vec<CheckError>) {
    for test in &model.route_tests {
        // At an instant, the receivers notified then; otherwise every receiver routed to,
        // as `amtool config routes test` lists them.
        let destination = route_tree::route_at(
            &model.routing.root,
            &test.labels,
            test.at,
            &model.time_intervals,
        );
        let actual = match test.at {
            Some(_) => destination.notified,
            None => destination.receivers,
        };
        let mut expected_sorted = test.expect.clone();
        expected_sorted.sort_unstable();
        let mut actual_sorted = actual.clone();
        actual_sorted.sort_unstable();
        if expected_sorted != actual_sorted {
            let names = |list: &[usize]| {
                list.iter()
                    .map(|r| model.receivers[*r].name.clone())
                    .collect()
            };
            errors.push(CheckError::RouteTestMismatch {
                expected: names(&test.expect),
                actual: names(&actual),
                at: test.at.map(|t| t.to_string()),
                span: test.span,
            });
        }
    }
}
