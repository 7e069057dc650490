//! `record "name" { ... }` and `group NAME "title" { ... }`: recording rules and the rule
//! groups that hold them and alerts.

use super::ast::*;
use super::{Builder, Rule};
use pest::iterators::Pair;

impl Builder {
    pub(super) fn record(&mut self, pair: Pair<Rule>) -> Option<Record> {
        let (name, fields) = self.header(pair)?;
        let mut r = Record {
            name,
            expr: None,
            logql: None,
            scope: Scope::default(),
            group: None,
            description: None,
        };
        for field in fields {
            let span = self.span(&field);
            match field.as_rule() {
                Rule::expr => {
                    let v = self.first_raw(field);
                    self.set_text(&mut r.expr, v, "expr", span);
                }
                Rule::logql => {
                    let v = self.first_raw(field);
                    self.set_text(&mut r.logql, v, "logql", span);
                }
                Rule::label => r.scope.labels.extend(self.label_pair(field)),
                Rule::services | Rule::environments | Rule::labels => {
                    self.scope_field(&mut r.scope, field)
                }
                Rule::group_ref => {
                    let v = self.first_text(field, Rule::ident);
                    self.set_text(&mut r.group, v, "group", span);
                }
                Rule::description => self.description(&mut r.description, field),
                _ => self.internal(&field, "this record field"),
            }
        }
        Some(r)
    }

    pub(super) fn rule_group(&mut self, pair: Pair<Rule>) -> Option<RuleGroup> {
        let (name, fields) = self.header(pair)?;
        let mut g = RuleGroup {
            name,
            title: None,
            interval: None,
            limit: None,
            query_offset: None,
            labels: Vec::new(),
            description: None,
            rules: Vec::new(),
        };
        for field in fields {
            let span = self.span(&field);
            match field.as_rule() {
                Rule::string => g.title = Some(self.string(field)),
                Rule::alert => {
                    if let Some(mut a) = self.alert(field) {
                        self.nest(&mut a.group, &g.name);
                        g.rules.push(Declaration::Alert(Box::new(a)));
                    }
                }
                Rule::record => {
                    if let Some(mut r) = self.record(field) {
                        self.nest(&mut r.group, &g.name);
                        g.rules.push(Declaration::Record(r));
                    }
                }
                Rule::group_interval_field => {
                    let v = self.first_text(field, Rule::duration);
                    self.set_text(&mut g.interval, v, "interval", span);
                }
                Rule::group_limit => {
                    let v = self.first_text(field, Rule::quantity);
                    self.set_text(&mut g.limit, v, "limit", span);
                }
                Rule::query_offset => {
                    let v = self.first_text(field, Rule::duration);
                    self.set_text(&mut g.query_offset, v, "query_offset", span);
                }
                Rule::labels => g.labels.extend(self.labels(field)),
                Rule::description => self.description(&mut g.description, field),
                _ => self.internal(&field, "this group field"),
            }
        }
        Some(g)
    }

    /// `target KIND { key value ... labels { ... } }`.
    pub(super) fn target(&mut self, pair: Pair<Rule>) -> Option<Target> {
        let parent = pair.clone();
        let mut inner = pair.into_inner();
        self.next(&mut inner, &parent, "keyword")?;
        let kind = self.next(&mut inner, &parent, "target kind")?;
        let mut t = Target {
            kind: self.ident(&kind),
            settings: Vec::new(),
            labels: Vec::new(),
            description: None,
        };
        for field in inner {
            match field.as_rule() {
                Rule::labels => t.labels.extend(self.labels(field)),
                Rule::description => self.description(&mut t.description, field),
                Rule::setting => t.settings.extend(self.setting(field)),
                _ => self.internal(&field, "this target field"),
            }
        }
        Some(t)
    }

    /// A rule written inside a group belongs to it; it may not name another.
    fn nest(&mut self, slot: &mut Option<Ident>, group: &Ident) {
        match slot {
            Some(own) => self.errors.push(super::ParseError::DuplicateField {
                field: "group",
                span: own.span,
                first: group.span,
            }),
            None => *slot = Some(group.clone()),
        }
    }
}
