//! Resolving what Alertmanager needs: the routing root, team overrides, inhibitions, escalation levels and route tests.

use super::duration::Duration;
use super::error::ResolveError;
use super::model::*;
use super::{labels_of, matchers_of, Resolver};
use crate::parse::ast;

impl Resolver<'_> {
    /// Alertmanager's timing; it refuses zero intervals and a label grouped twice.
    pub(super) fn timing(&mut self, t: &ast::Timing) -> Timing {
        if let Some(list) = &t.group_by {
            for (i, label) in list.value.iter().enumerate() {
                if list.value[..i].iter().any(|l| l.value == label.value) {
                    self.errors.push(ResolveError::DuplicateGroupBy {
                        label: label.value.clone(),
                        span: label.span,
                    });
                }
            }
        }
        Timing {
            group_by: t
                .group_by
                .as_ref()
                .map(|l| l.value.iter().map(|i| i.value.clone()).collect()),
            group_wait: t.group_wait.as_ref().and_then(|d| self.duration(d)),
            group_interval: t
                .group_interval
                .as_ref()
                .and_then(|d| self.positive_duration(d, "`group_interval`")),
            repeat_interval: t
                .repeat_interval
                .as_ref()
                .and_then(|d| self.positive_duration(d, "`repeat_interval`")),
        }
    }

    pub(super) fn receivers(&mut self, list: &[ast::Ident]) -> Vec<usize> {
        list.iter()
            .filter_map(|r| self.lookup("receiver", r))
            .collect()
    }

    /// The severity's routing; its `group_wait` must leave time to respond.
    pub(super) fn severity_routing(
        &mut self,
        s: &ast::Severity,
        response: Option<Duration>,
    ) -> (Vec<usize>, Timing, Option<Escalate>) {
        let notify = s
            .notify
            .as_ref()
            .map(|l| self.receivers(&l.value))
            .unwrap_or_default();
        let timing = self.timing(&s.timing);
        if let (Some(wait), Some(response), Some(text)) =
            (timing.group_wait, response, &s.timing.group_wait)
        {
            if wait >= response {
                self.errors.push(ResolveError::GroupWaitTooLong {
                    severity: s.name.value.clone(),
                    group_wait: wait.to_string(),
                    response: response.to_string(),
                    span: text.span,
                });
            }
        }
        let escalate = s.escalate.as_ref().and_then(|e| {
            let after = self.duration(&e.after)?;
            Some((after, self.receivers(&e.notify.value)))
        });
        (notify, timing, escalate)
    }

    pub(super) fn team(&mut self, t: &ast::Team) -> Team {
        let routes = t
            .routes
            .iter()
            .filter_map(|(severity, receivers)| {
                let severity = self.lookup("severity", severity)?;
                Some((severity, self.receivers(&receivers.value)))
            })
            .collect();
        Team {
            name: t.name.value.clone(),
            routes,
        }
    }

    pub(super) fn inhibit(&mut self, i: &ast::Inhibit) -> Inhibit {
        self.check_matchers(&i.source);
        self.check_matchers(&i.target);
        Inhibit {
            name: i.name.value.clone(),
            span: i.name.span,
            source: matchers_of(&i.source),
            target: matchers_of(&i.target),
            equal: i.equal.iter().map(|e| e.value.clone()).collect(),
        }
    }

    pub(super) fn escalation_level(&mut self, e: &ast::Escalation) -> EscalationLevel {
        let response = match e.response.as_ref().map(|r| &r.value) {
            Some(ast::Response::Within(t)) => self.duration(t),
            _ => None,
        };
        EscalationLevel {
            name: e.name.value.clone(),
            contact: e.contact.value.clone(),
            response,
            scope: e.scope.as_ref().map(|s| s.value.clone()),
            description: e.description.as_ref().map(|d| d.value.clone()),
        }
    }

    pub(super) fn route_test(&mut self, t: &ast::RouteTest) -> RouteTest {
        let at =
            t.at.as_ref()
                .and_then(|at| match at.value.parse::<jiff::Timestamp>() {
                    Ok(instant) => Some(instant),
                    Err(_) => {
                        self.errors.push(ResolveError::BadSetting {
                            key: "at".into(),
                            value: at.value.clone(),
                            expected: "an RFC 3339 instant such as `2026-01-10T09:30:00Z`",
                            span: at.span,
                        });
                        None
                    }
                });
        RouteTest {
            name: t.name.value.clone(),
            span: t.name.span,
            at,
            labels: labels_of(&t.labels),
            expect: t
                .expect
                .as_ref()
                .map(|l| self.receivers(&l.value))
                .unwrap_or_default(),
        }
    }

    /// The root route from `routing { ... }`; required once any receiver exists.
    pub(super) fn routing_root(
        &mut self,
        routings: &[&ast::Routing],
        any_receiver: bool,
    ) -> (Route, Option<crate::source::Span>) {
        let Some(r) = routings.first() else {
            if any_receiver {
                self.errors
                    .push(ResolveError::NoDefaultReceiver { span: None });
            }
            return (Route::default(), None);
        };
        for extra in &routings[1..] {
            self.errors.push(ResolveError::DuplicateName {
                kind: "routing",
                name: "routing".into(),
                span: extra.span,
                first: r.span,
            });
        }
        let receiver = match &r.default {
            Some(d) => self.lookup("receiver", d),
            None => {
                self.errors
                    .push(ResolveError::NoDefaultReceiver { span: Some(r.span) });
                None
            }
        };
        let timing = self.timing(&r.timing);
        (
            Route {
                receiver,
                timing,
                ..Route::on(Vec::new())
            },
            Some(r.span),
        )
    }

    /// A route written by hand: one route per receiver it notifies (all but the last
    /// continuing), or one that hands its alerts to its children.
    pub(super) fn route_decl(&mut self, d: &ast::RouteDecl) -> Vec<Route> {
        self.check_matchers(&d.matchers);
        let receivers = d
            .notify
            .as_ref()
            .map(|l| self.receivers(&l.value))
            .unwrap_or_default();
        let timing = self.timing(&d.timing);
        let intervals = |r: &mut Self, list: &Option<crate::source::Spanned<Vec<ast::Ident>>>| {
            list.as_ref()
                .map(|l| {
                    l.value
                        .iter()
                        .filter_map(|n| r.lookup("time interval", n))
                        .collect::<Vec<usize>>()
                })
                .unwrap_or_default()
        };
        let mute = intervals(self, &d.mute);
        let active = intervals(self, &d.active);
        let children: Vec<Route> = d.routes.iter().flat_map(|c| self.route_decl(c)).collect();
        if receivers.len() > 1 && !d.routes.is_empty() {
            self.errors.push(ResolveError::BadSetting {
                key: "notify".into(),
                value: format!("{} receivers", receivers.len()),
                expected:
                    "one receiver on a route with routes inside (Alertmanager gives a route one)",
                span: d.notify.as_ref().map_or(d.span, |n| n.span),
            });
        }
        let continue_ = d.continue_.as_ref().is_some_and(|c| c.value);
        let matchers = matchers_of(&d.matchers);
        let base = |r: &mut Route| {
            r.timing = timing.clone();
            r.mute = mute.clone();
            r.active = active.clone();
            r.span = Some(d.span);
        };
        if receivers.len() <= 1 {
            let mut route = Route::on(matchers);
            base(&mut route);
            route.receiver = receivers.first().copied();
            route.continue_ = continue_;
            route.routes = children;
            return vec![route];
        }
        let mut routes = super::route_tree::chain(&matchers, &receivers, &timing);
        for r in &mut routes {
            base(r);
        }
        if let Some(last) = routes.last_mut() {
            last.continue_ = continue_;
        }
        routes
    }
}
