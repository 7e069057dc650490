//! Alertmanager's routing tree, built from the routes written by hand, severities,
//! escalations and team overrides, and walked the way Alertmanager walks it (regexes
//! anchored, time intervals muting), so that route tests and reachability are checked at
//! compile time.

use super::model::*;
use super::selector::Matcher;
use crate::parse::ast::MatchOp;

/// The label that marks the escalation twin of an alert.
pub(crate) const ESCALATED: &str = "escalated";

impl Route {
    /// A route on `matchers`, their regexes compiled once.
    pub(crate) fn on(matchers: Vec<Matcher>) -> Route {
        let regexes = matchers.iter().map(compile).collect();
        Route {
            matchers,
            regexes,
            ..Route::default()
        }
    }
}

impl Route {
    /// Whether all the route's matchers hold for a label set.
    pub(crate) fn matches(&self, labels: &Labels) -> bool {
        self.matchers
            .iter()
            .enumerate()
            .all(|(i, m)| matches(m, self.regexes.get(i).and_then(Option::as_ref), labels))
    }

    /// Whether the route was written by hand (rather than made from a severity or team).
    pub(crate) fn written(&self) -> bool {
        self.span.is_some()
    }
}

/// Alertmanager anchors a matcher's regex at both ends.
fn compile(m: &Matcher) -> Option<regex::Regex> {
    match m.op {
        MatchOp::Regex | MatchOp::NotRegex => regex::Regex::new(&format!("^(?:{})$", m.value)).ok(),
        _ => None,
    }
}

/// Children of the root, most specific first: the routes written by hand, escalations, then
/// teams, then severities.
pub(crate) fn build(model: &Model, mut root: Route, written: Vec<Route>) -> Route {
    root.routes.extend(written);
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
        let mut team_route = Route::on(vec![Matcher::equal("team", &team.name)]);
        team_route.routes = routes;
        root.routes.push(team_route);
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
pub(crate) fn chain(matchers: &[Matcher], receivers: &[usize], timing: &Timing) -> Vec<Route> {
    receivers
        .iter()
        .enumerate()
        .map(|(i, r)| Route {
            receiver: Some(*r),
            continue_: i + 1 < receivers.len(),
            timing: timing.clone(),
            ..Route::on(matchers.to_vec())
        })
        .collect()
}

/// Whether a label set satisfies a matcher; a missing label reads as empty.
fn matches(matcher: &Matcher, regex: Option<&regex::Regex>, labels: &Labels) -> bool {
    let value = labels.get(&matcher.label).map_or("", String::as_str);
    match matcher.op {
        MatchOp::Equal => value == matcher.value,
        MatchOp::NotEqual => value != matcher.value,
        MatchOp::Regex => regex.is_some_and(|r| r.is_match(value)),
        MatchOp::NotRegex => regex.is_some_and(|r| !r.is_match(value)),
    }
}

/// Where an alert lands: the receivers in order (as `amtool config routes test` lists them),
/// those not muted at the instant asked about, and whether only the root took it.
pub(crate) struct Destination {
    pub receivers: Vec<usize>,
    pub notified: Vec<usize>,
    pub root_only: bool,
}

/// The route of an alert, ignoring time.
pub(crate) fn route(root: &Route, labels: &Labels) -> Destination {
    route_at(root, labels, None, &[])
}

/// The route of an alert at an instant: receivers of routes muted then are routed to but
/// not notified.
pub(crate) fn route_at(
    root: &Route,
    labels: &Labels,
    at: Option<jiff::Timestamp>,
    intervals: &[TimeIntervalDef],
) -> Destination {
    let found = deliveries(root, labels);
    let root_only = found.len() == 1 && std::ptr::eq(found[0].route, root);
    let muted = |route: &Route| at.is_some_and(|at| muted_at(route, at, intervals));
    let out: Vec<(usize, bool)> = found
        .iter()
        .filter_map(|d| d.receiver.map(|r| (r, muted(d.route))))
        .collect();
    Destination {
        receivers: out.iter().map(|(r, _)| *r).collect(),
        notified: out
            .iter()
            .filter(|(_, muted)| !muted)
            .map(|(r, _)| *r)
            .collect(),
        root_only,
    }
}

/// Whether a route's notifications are muted at an instant: one of its `mute` intervals
/// holds, or it has `active` intervals and none holds. Alertmanager does not inherit these.
pub(crate) fn muted_at(route: &Route, at: jiff::Timestamp, intervals: &[TimeIntervalDef]) -> bool {
    let holds = |i: &usize| intervals.get(*i).is_some_and(|t| t.contains(at));
    route.mute.iter().any(holds) || (!route.active.is_empty() && !route.active.iter().any(holds))
}

/// One route that delivers an alert: its receiver (inherited when it names none) and its
/// grouping and timing with what it leaves unset inherited, as Alertmanager applies them.
pub(crate) struct Delivery<'a> {
    pub route: &'a Route,
    pub receiver: Option<usize>,
    pub timing: Timing,
}

/// Alertmanager's matching: the first matching child (and the next ones while `continue`
/// is set); a route none of whose children match delivers itself. The root delivers when
/// no child matches.
pub(crate) fn deliveries<'a>(root: &'a Route, labels: &Labels) -> Vec<Delivery<'a>> {
    let mut out = Vec::new();
    if !walk(root, root.receiver, &root.timing, labels, &mut out) {
        out.push(Delivery {
            route: root,
            receiver: root.receiver,
            timing: root.timing.clone(),
        });
    }
    out
}

fn walk<'a>(
    route: &'a Route,
    receiver: Option<usize>,
    timing: &Timing,
    labels: &Labels,
    out: &mut Vec<Delivery<'a>>,
) -> bool {
    let mut any = false;
    for child in &route.routes {
        if !child.matches(labels) {
            continue;
        }
        any = true;
        let receiver = child.receiver.or(receiver);
        let own = &child.timing;
        let timing = Timing {
            group_by: own.group_by.clone().or_else(|| timing.group_by.clone()),
            group_wait: own.group_wait.or(timing.group_wait),
            group_interval: own.group_interval.or(timing.group_interval),
            repeat_interval: own.repeat_interval.or(timing.repeat_interval),
        };
        if !walk(child, receiver, &timing, labels, out) {
            out.push(Delivery {
                route: child,
                receiver,
                timing,
            });
        }
        if !child.continue_ {
            break;
        }
    }
    any
}
