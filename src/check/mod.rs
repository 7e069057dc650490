//! Stage 4: consistency rules that always run on the resolved model. Each rule is one file.

mod alert_routes;
mod anchor_collision;
mod dashboard_grid;
mod dashboard_ids;
mod dashboard_uid;
mod error;
mod example_before_for;
mod example_without_checks;
mod inhibition_reach;
mod result_labels;
mod route_test_mismatch;
mod rule_template;
mod undefined_variable;
mod unpredictable_annotation;
mod unreached_receiver;

pub(crate) use error::CheckError;
pub(crate) use unreached_receiver::unreached as unreached_receivers;

use crate::resolve::model::Model;

/// Every check; the errors come in no set order (the caller sorts the diagnostics).
pub(crate) fn check(model: &Model) -> Vec<CheckError> {
    // Routing every rule's labels is the costliest check in a large source: it runs on a
    // core of its own while the others run here.
    let (routed, mut errors) = crate::parallel::both(
        || {
            let mut errors = Vec::new();
            alert_routes::check(model, &mut errors);
            errors
        },
        || others(model),
    );
    errors.extend(routed);
    errors
}

fn others(model: &Model) -> Vec<CheckError> {
    let mut errors = Vec::new();
    anchor_collision::check(model, &mut errors);
    example_before_for::check(model, &mut errors);
    example_without_checks::check(model, &mut errors);
    rule_template::check(model, &mut errors);
    unpredictable_annotation::check(model, &mut errors);
    route_test_mismatch::check(model, &mut errors);
    inhibition_reach::check(model, &mut errors);
    unreached_receiver::check(model, &mut errors);
    dashboard_grid::check(model, &mut errors);
    dashboard_ids::check(model, &mut errors);
    dashboard_uid::check(model, &mut errors);
    undefined_variable::check(model, &mut errors);
    errors
}
