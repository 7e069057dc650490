//! Alertmanager's routing tree, built from severities, escalations and team overrides, and
//! walked the way Alertmanager walks it, so that route tests are checked at compile time.

use super::model::*;
use super::selector::Matcher;
use crate::parse::ast::MatchOp;

/// The label that marks the escalation twin of an alert.
pub(crate) const ESCALATED: &str = "escalated";

/// Children of the root, most specific first: escalations, then teams, then severities.
pub(crate) fn build(model: &Model, mut root: Route) -> Route {
    for severity in &model.severities {
        if let Some((_, receivers)) = &severity.escalate {
            let matchers = vec![
                Matcher::equal("severity", &severity.name),
                Matcher::equal(ESCALATED, "true"),
            ];
            root.routes
                .extend(chain(&matchers, receivers, &severity.timing));
        }
    }
    for team in &model.teams {
        let mut routes = Vec::new();
        for (index, severity) in model.severities.iter().enumerate() {
            let receivers = team
                .routes
                .iter()
                .find(|(s, _)| *s == index)
                .map_or(&severity.notify, |(_, r)| r);
            let matchers = vec![Matcher::equal("severity", &severity.name)];
            routes.extend(chain(&matchers, receivers, &severity.timing));
        }
        root.routes.push(Route {
            matchers: vec![Matcher::equal("team", &team.name)],
            routes,
            ..Route::default()
        });
    }
    for severity in &model.severities {
        let matchers = vec![Matcher::equal("severity", &severity.name)];
        root.routes
            .extend(chain(&matchers, &severity.notify, &severity.timing));
    }
    root
}

/// One route per receiver with the same matchers; all but the last continue, so an alert
/// reaches every receiver in the list.
fn chain(matchers: &[Matcher], receivers: &[usize], timing: &Timing) -> Vec<Route> {
    receivers
        .iter()
        .enumerate()
        .map(|(i, r)| Route {
            matchers: matchers.to_vec(),
            receiver: Some(*r),
            continue_: i + 1 < receivers.len(),
            timing: timing.clone(),
            routes: Vec::new(),
        })
        .collect()
}

fn matches(matcher: &Matcher, labels: &Labels) -> bool {
    let value = labels.get(&matcher.label).map_or("", String::as_str);
    match matcher.op {
        MatchOp::Equal => value == matcher.value,
        MatchOp::NotEqual => value != matcher.value,
        // The tree only holds equality matchers; regexes never match here.
        MatchOp::Regex | MatchOp::NotRegex => false,
    }
}

/// Where an alert lands: the receivers in order, and whether only the root took it.
pub(crate) struct Destination {
    pub receivers: Vec<usize>,
    pub root_only: bool,
}

pub(crate) fn route(root: &Route, labels: &Labels) -> Destination {
    let mut receivers = Vec::new();
    let found = walk(root, root.receiver, labels, &mut receivers);
    if !found {
        receivers.extend(root.receiver);
    }
    Destination {
        receivers,
        root_only: !found,
    }
}

/// Alertmanager's matching: the first matching child (and the next ones while `continue` is
/// set); a route none of whose children match delivers to its own receiver.
fn walk(route: &Route, inherited: Option<usize>, labels: &Labels, out: &mut Vec<usize>) -> bool {
    let mut any = false;
    for child in &route.routes {
        if !child.matchers.iter().all(|m| matches(m, labels)) {
            continue;
        }
        any = true;
        let receiver = child.receiver.or(inherited);
        if !walk(child, receiver, labels, out) {
            out.extend(receiver);
        }
        if !child.continue_ {
            break;
        }
    }
    any
}
