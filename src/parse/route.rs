//! `route "..." { ... }` and `time_interval NAME { ... }`: the routing tree written by hand.

use super::ast::*;
use super::{set_once, Builder, Rule};
use crate::source::Spanned;
use pest::iterators::Pair;

impl Builder {
    pub(super) fn route_decl(&mut self, pair: Pair<Rule>) -> Option<RouteDecl> {
        let span = self.span(&pair);
        let mut r = RouteDecl {
            title: None,
            span,
            matchers: Vec::new(),
            notify: None,
            continue_: None,
            timing: Timing::default(),
            mute: None,
            active: None,
            description: None,
            routes: Vec::new(),
        };
        for field in pair.into_inner() {
            let field_span = self.span(&field);
            match field.as_rule() {
                Rule::kw_route => r.span = field_span,
                Rule::string => r.title = Some(self.string(field)),
                Rule::route_match => r.matchers.extend(self.selector(field)),
                Rule::notify | Rule::mute_during | Rule::active_during => {
                    let rule = field.as_rule();
                    let Some(list) = self.list_field(field) else {
                        continue;
                    };
                    let (slot, name) = match rule {
                        Rule::notify => (&mut r.notify, "notify"),
                        Rule::mute_during => (&mut r.mute, "mute_during"),
                        _ => (&mut r.active, "active_during"),
                    };
                    set_once(slot, list, name, field_span, |l| l.span, &mut self.errors);
                }
                Rule::route_continue => {
                    let value = field.as_str().trim_end().ends_with("true");
                    set_once(
                        &mut r.continue_,
                        Spanned::new(value, field_span),
                        "continue",
                        field_span,
                        |c| c.span,
                        &mut self.errors,
                    );
                }
                Rule::group_by
                | Rule::group_wait
                | Rule::group_interval
                | Rule::repeat_interval => self.timing(&mut r.timing, field),
                Rule::description => self.description(&mut r.description, field),
                Rule::route_decl => r.routes.extend(self.route_decl(field)),
                _ => self.internal(&field, "this route field"),
            }
        }
        Some(r)
    }

    pub(super) fn time_interval(&mut self, pair: Pair<Rule>) -> Option<TimeInterval> {
        let parent = pair.clone();
        let mut inner = pair.into_inner();
        self.next(&mut inner, &parent, "keyword")?;
        let name = self.next(&mut inner, &parent, "name")?;
        let mut t = TimeInterval {
            name: self.any_name(name),
            periods: Vec::new(),
            description: None,
        };
        let mut direct = Period::default();
        for field in inner {
            match field.as_rule() {
                Rule::time_period => {
                    let mut period = Period {
                        span: Some(self.span(&field)),
                        ..Period::default()
                    };
                    for f in field.into_inner() {
                        self.period_field(&mut period, f);
                    }
                    t.periods.push(period);
                }
                Rule::description => self.description(&mut t.description, field),
                _ => {
                    direct.span.get_or_insert(self.span(&field));
                    self.period_field(&mut direct, field);
                }
            }
        }
        if direct.span.is_some() {
            t.periods.insert(0, direct);
        }
        Some(t)
    }

    fn period_field(&mut self, period: &mut Period, field: Pair<Rule>) {
        let span = self.span(&field);
        let rule = field.as_rule();
        if rule == Rule::location {
            let v = self.first_string(field);
            self.set_text(&mut period.location, v, "location", span);
            return;
        }
        let mut values = Vec::new();
        for list in field.into_inner() {
            for s in list.into_inner() {
                values.push(self.string(s));
            }
        }
        let slot = match rule {
            Rule::weekdays => &mut period.weekdays,
            Rule::times => &mut period.times,
            Rule::days_of_month => &mut period.days_of_month,
            Rule::months => &mut period.months,
            Rule::years => &mut period.years,
            _ => {
                self.internal_span(span, "this period field");
                return;
            }
        };
        slot.extend(values);
    }
}
