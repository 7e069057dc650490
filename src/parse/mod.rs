//! Stage 2: text to a typed syntax tree. One function per grammar rule; the builder never
//! unwraps a pair, so a grammar/builder mismatch is an internal error, not a panic.

mod alert;
mod alertmanager;
pub(crate) mod ast;
mod error;
mod route;
mod rule_group;
mod syntax_error;

pub(crate) use error::ParseError;

use crate::source::{FileId, Span, Spanned};
use ast::*;
use pest::iterators::{Pair, Pairs};
use pest::Parser;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/watchbook.pest"]
pub(crate) struct Grammar;

/// Parses one file. Errors inside declarations are collected; a syntax error stops the file.
pub(crate) fn parse(file: FileId, text: &str) -> (SourceAst, Vec<ParseError>) {
    let mut builder = Builder {
        file,
        errors: Vec::new(),
    };
    let ast = match Grammar::parse(Rule::file, text) {
        Ok(mut pairs) => match pairs.next() {
            Some(pair) => builder.file(pair),
            None => SourceAst::default(),
        },
        Err(e) => {
            // Tracking what was expected slows every parse down; only a failed file pays.
            pest::set_error_detail(true);
            let detailed = Grammar::parse(Rule::file, text).err().unwrap_or(e);
            pest::set_error_detail(false);
            builder
                .errors
                .push(syntax_error::translate(&detailed, file, text));
            return (SourceAst::default(), builder.errors);
        }
    };
    if ast.imports.is_empty() && ast.declarations.is_empty() {
        builder.errors.push(ParseError::EmptyFile {
            span: Span::new(file, 0, 0),
        });
    }
    (ast, builder.errors)
}

struct Builder {
    file: FileId,
    errors: Vec<ParseError>,
}

/// Sets an optional field once, reporting a second occurrence.
fn set_once<T>(
    slot: &mut Option<T>,
    value: T,
    field: &'static str,
    span: Span,
    first: impl Fn(&T) -> Span,
    errors: &mut Vec<ParseError>,
) {
    match slot {
        Some(existing) => errors.push(ParseError::DuplicateField {
            field,
            span,
            first: first(existing),
        }),
        None => *slot = Some(value),
    }
}

fn text_span(t: &Text) -> Span {
    t.span
}

impl Builder {
    fn span(&self, pair: &Pair<Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.file, s.start(), s.end())
    }

    fn internal(&mut self, pair: &Pair<Rule>, what: &str) {
        let span = self.span(pair);
        self.internal_span(span, what);
    }

    fn internal_span(&mut self, span: Span, what: &str) {
        self.errors.push(ParseError::Internal {
            span,
            what: what.to_string(),
        });
    }

    /// The next child, which the grammar guarantees; reports an internal error otherwise.
    fn next<'a>(
        &mut self,
        pairs: &mut Pairs<'a, Rule>,
        parent: &Pair<'a, Rule>,
        what: &str,
    ) -> Option<Pair<'a, Rule>> {
        let next = pairs.next();
        if next.is_none() {
            self.internal(parent, &format!("a missing {what}"));
        }
        next
    }

    fn file(&mut self, pair: Pair<Rule>) -> SourceAst {
        let mut ast = SourceAst::default();
        for item in pair.into_inner() {
            let declaration = match item.as_rule() {
                Rule::import => {
                    if let Some(path) = self.first_string(item) {
                        ast.imports.push(path);
                    }
                    continue;
                }
                Rule::project => self.project(item).map(Declaration::Project),
                Rule::environment => self.environment(item).map(Declaration::Environment),
                Rule::service => self.service(item).map(Declaration::Service),
                Rule::severity => self
                    .severity(item)
                    .map(|s| Declaration::Severity(Box::new(s))),
                Rule::query => self.query(item).map(Declaration::Query),
                Rule::threshold => self.threshold(item).map(Declaration::Threshold),
                Rule::alert => self.alert(item).map(|a| Declaration::Alert(Box::new(a))),
                Rule::record => self.record(item).map(Declaration::Record),
                Rule::receiver => self.receiver(item).map(Declaration::Receiver),
                Rule::routing => Some(Declaration::Routing(self.routing(item))),
                Rule::team_decl => self.team(item).map(Declaration::Team),
                Rule::inhibit => self.inhibit(item).map(Declaration::Inhibit),
                Rule::escalation => self.escalation(item).map(Declaration::Escalation),
                Rule::route_test => self.route_test(item).map(Declaration::RouteTest),
                Rule::component => self.component(item).map(Declaration::Component),
                Rule::slo => self.slo(item).map(|x| Declaration::Slo(Box::new(x))),
                Rule::slo_defaults => Some(Declaration::SloDefaults(self.slo_defaults(item))),
                Rule::policy => self.policy(item).map(Declaration::Policy),
                Rule::rule_group => self.rule_group(item).map(Declaration::Group),
                Rule::target_decl => self.target(item).map(Declaration::Target),
                Rule::alertmanager_decl => {
                    Some(Declaration::Alertmanager(self.alertmanager_block(item)))
                }
                Rule::route_decl => self.route_decl(item).map(Declaration::Route),
                Rule::time_interval => self.time_interval(item).map(Declaration::TimeInterval),
                Rule::section => self.section(item).map(Declaration::Section),
                Rule::scenario => self.scenario(item).map(Declaration::Scenario),
                Rule::appendix => self.appendix(item).map(Declaration::Appendix),
                Rule::dashboard => self
                    .dashboard(item)
                    .map(|d| Declaration::Dashboard(Box::new(d))),
                Rule::EOI => continue,
                _ => {
                    self.internal(&item, "this declaration");
                    continue;
                }
            };
            ast.declarations.extend(declaration);
        }
        ast
    }

    // ----- lexical pieces ---------------------------------------------------------------

    fn ident(&self, pair: &Pair<Rule>) -> Ident {
        Spanned::new(pair.as_str().to_string(), self.span(pair))
    }

    /// A double-quoted string, unescaped; its span covers the quotes.
    fn string(&mut self, pair: Pair<Rule>) -> Text {
        let span = self.span(&pair);
        let body = pair.as_str();
        let body = &body[1..body.len().saturating_sub(1)];
        let mut out = String::with_capacity(body.len());
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some((_, '"')) => out.push('"'),
                Some((_, '\\')) => out.push('\\'),
                Some((_, 'n')) => out.push('\n'),
                Some((_, 't')) => out.push('\t'),
                Some((_, 'r')) => out.push('\r'),
                Some((_, other)) => {
                    let start = span.start + 1 + i;
                    self.errors.push(ParseError::BadEscape {
                        span: Span::new(self.file, start, start + 1 + other.len_utf8()),
                        escape: format!("\\{other}"),
                    });
                }
                None => {}
            }
        }
        Spanned::new(out, span)
    }

    /// Backtick text, verbatim; its span covers only the text inside the backticks.
    fn raw(&mut self, pair: Pair<Rule>) -> Option<Text> {
        let parent = pair.clone();
        match pair.into_inner().find(|p| p.as_rule() == Rule::raw_body) {
            Some(body) => Some(Spanned::new(body.as_str().to_string(), self.span(&body))),
            None => {
                self.internal(&parent, "a missing backtick body");
                None
            }
        }
    }

    /// The first string child of a `keyword "string"` rule.
    fn first_string(&mut self, pair: Pair<Rule>) -> Option<Text> {
        let parent = pair.clone();
        let child = pair.into_inner().find(|p| p.as_rule() == Rule::string);
        match child {
            Some(s) => Some(self.string(s)),
            None => {
                self.internal(&parent, "a missing string");
                None
            }
        }
    }

    fn first_raw(&mut self, pair: Pair<Rule>) -> Option<Text> {
        let parent = pair.clone();
        match pair.into_inner().find(|p| p.as_rule() == Rule::raw) {
            Some(r) => self.raw(r),
            None => {
                self.internal(&parent, "missing backtick text");
                None
            }
        }
    }

    /// The first child of the given rule, as its source text.
    fn first_text(&mut self, pair: Pair<Rule>, rule: Rule) -> Option<Text> {
        let parent = pair.clone();
        match pair.into_inner().find(|p| p.as_rule() == rule) {
            Some(p) => Some(self.ident(&p)),
            None => {
                self.internal(&parent, "a missing value");
                None
            }
        }
    }

    /// `[a, b]`, or a name list whose names may be quoted strings.
    fn ident_list(&mut self, pair: Pair<Rule>) -> Spanned<Vec<Ident>> {
        let span = self.span(&pair);
        let mut names = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident | Rule::label_name => names.push(self.ident(&p)),
                Rule::string => names.push(self.string(p)),
                _ => {}
            }
        }
        Spanned::new(names, span)
    }

    /// A name that may be quoted: `pager` or `"team-b-mail"`.
    fn any_name(&mut self, pair: Pair<Rule>) -> Ident {
        if pair.as_rule() == Rule::string {
            self.string(pair)
        } else {
            self.ident(&pair)
        }
    }

    /// `environments [a, b]`: the list inside.
    fn environments(&mut self, pair: Pair<Rule>) -> Option<Spanned<Vec<Ident>>> {
        let parent = pair.clone();
        match pair.into_inner().find(|p| p.as_rule() == Rule::ident_list) {
            Some(list) => Some(self.ident_list(list)),
            None => {
                self.internal(&parent, "a missing list");
                None
            }
        }
    }

    fn label_map(&mut self, pair: Pair<Rule>) -> Vec<LabelPair> {
        let mut out = Vec::new();
        for entry in pair.into_inner() {
            let parent = entry.clone();
            let mut inner = entry.into_inner();
            let (Some(name), Some(value)) = (
                self.next(&mut inner, &parent, "label name"),
                self.next(&mut inner, &parent, "label value"),
            ) else {
                continue;
            };
            out.push(LabelPair {
                name: self.ident(&name),
                value: self.string(value),
            });
        }
        out
    }

    /// `labels { ... }` or `selector { ... }`: the map inside.
    fn labels(&mut self, pair: Pair<Rule>) -> Vec<LabelPair> {
        match pair.into_inner().find(|p| p.as_rule() == Rule::label_map) {
            Some(map) => self.label_map(map),
            None => Vec::new(),
        }
    }

    fn selector(&mut self, pair: Pair<Rule>) -> Vec<Matcher> {
        let Some(set) = pair.into_inner().find(|p| p.as_rule() == Rule::matcher_set) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for matcher in set.into_inner() {
            let parent = matcher.clone();
            let mut inner = matcher.into_inner();
            let (Some(label), Some(op), Some(value)) = (
                self.next(&mut inner, &parent, "label name"),
                self.next(&mut inner, &parent, "operator"),
                self.next(&mut inner, &parent, "value"),
            ) else {
                continue;
            };
            let op = match op.as_str() {
                "=" => MatchOp::Equal,
                "!=" => MatchOp::NotEqual,
                "=~" => MatchOp::Regex,
                _ => MatchOp::NotRegex,
            };
            out.push(Matcher {
                label: self.ident(&label),
                op,
                value: self.string(value),
            });
        }
        out
    }

    /// `name { fields }`: the name and the field pairs.
    fn header<'a>(&mut self, pair: Pair<'a, Rule>) -> Option<(Ident, Pairs<'a, Rule>)> {
        let parent = pair.clone();
        let mut inner = pair.into_inner();
        // Skip the keyword.
        self.next(&mut inner, &parent, "keyword")?;
        let name = self.next(&mut inner, &parent, "name")?;
        let name = if name.as_rule() == Rule::string {
            self.string(name)
        } else {
            self.ident(&name)
        };
        Some((name, inner))
    }

    // ----- declarations -----------------------------------------------------------------

    fn project(&mut self, pair: Pair<Rule>) -> Option<Project> {
        let (name, fields) = self.header(pair)?;
        let mut p = Project {
            name,
            runbook_url: None,
            scrape_interval: None,
            evaluation_interval: None,
            prometheus_version: None,
            prometheus_features: Vec::new(),
            alertmanager_version: None,
            description: None,
            selector: Vec::new(),
            grafana_url: None,
        };
        for field in fields {
            let span = self.span(&field);
            match field.as_rule() {
                Rule::runbook_url => {
                    let v = self.first_string(field);
                    self.set_text(&mut p.runbook_url, v, "runbook_url", span);
                }
                Rule::scrape_interval => {
                    let v = self.first_text(field, Rule::duration);
                    self.set_text(&mut p.scrape_interval, v, "scrape_interval", span);
                }
                Rule::evaluation_interval => {
                    let v = self.first_text(field, Rule::duration);
                    self.set_text(&mut p.evaluation_interval, v, "evaluation_interval", span);
                }
                Rule::prometheus_version => {
                    let v = self.first_string(field);
                    self.set_text(&mut p.prometheus_version, v, "prometheus_version", span);
                }
                Rule::alertmanager_version => {
                    let v = self.first_string(field);
                    self.set_text(&mut p.alertmanager_version, v, "alertmanager_version", span);
                }
                Rule::prometheus_features => {
                    for list in field.into_inner() {
                        for s in list.into_inner() {
                            let feature = self.string(s);
                            p.prometheus_features.push(feature);
                        }
                    }
                }
                Rule::description => self.description(&mut p.description, field),
                Rule::selector => p.selector.extend(self.selector(field)),
                Rule::grafana_url => {
                    let v = self.first_string(field);
                    self.set_text(&mut p.grafana_url, v, "grafana_url", span);
                }
                _ => self.internal(&field, "this project field"),
            }
        }
        Some(p)
    }

    fn set_text(
        &mut self,
        slot: &mut Option<Text>,
        value: Option<Text>,
        field: &'static str,
        span: Span,
    ) {
        if let Some(v) = value {
            set_once(slot, v, field, span, text_span, &mut self.errors);
        }
    }

    fn description(&mut self, slot: &mut Option<Text>, field: Pair<Rule>) {
        let span = self.span(&field);
        let v = self.first_string(field);
        self.set_text(slot, v, "description", span);
    }

    fn environment(&mut self, pair: Pair<Rule>) -> Option<Environment> {
        let (name, fields) = self.header(pair)?;
        let mut env = Environment {
            name,
            namespace: None,
            selector: Vec::new(),
            labels: Vec::new(),
            description: None,
        };
        for field in fields {
            let span = self.span(&field);
            match field.as_rule() {
                Rule::namespace => {
                    let v = self.first_string(field);
                    self.set_text(&mut env.namespace, v, "namespace", span);
                }
                Rule::selector => env.selector.extend(self.selector(field)),
                Rule::labels => env.labels.extend(self.labels(field)),
                Rule::description => self.description(&mut env.description, field),
                _ => self.internal(&field, "this environment field"),
            }
        }
        Some(env)
    }

    fn service(&mut self, pair: Pair<Rule>) -> Option<Service> {
        let (name, fields) = self.header(pair)?;
        let mut svc = Service {
            name,
            team: None,
            selector: Vec::new(),
            log_selector: None,
            environments: None,
            labels: Vec::new(),
            description: None,
        };
        for field in fields {
            let span = self.span(&field);
            match field.as_rule() {
                Rule::team => {
                    let v = self.first_string(field);
                    self.set_text(&mut svc.team, v, "team", span);
                }
                Rule::selector => svc.selector.extend(self.selector(field)),
                Rule::log_selector => {
                    let matchers = self.selector(field);
                    svc.log_selector
                        .get_or_insert_with(Vec::new)
                        .extend(matchers);
                }
                Rule::labels => svc.labels.extend(self.labels(field)),
                Rule::environments => {
                    if let Some(list) = self.environments(field) {
                        set_once(
                            &mut svc.environments,
                            list,
                            "environments",
                            span,
                            |l| l.span,
                            &mut self.errors,
                        );
                    }
                }
                Rule::description => self.description(&mut svc.description, field),
                _ => self.internal(&field, "this service field"),
            }
        }
        Some(svc)
    }

    fn severity(&mut self, pair: Pair<Rule>) -> Option<Severity> {
        let (name, fields) = self.header(pair)?;
        let mut sev = Severity {
            name,
            response: None,
            notify: None,
            timing: Timing::default(),
            escalate: None,
            description: None,
        };
        for field in fields {
            let span = self.span(&field);
            match field.as_rule() {
                Rule::notify => {
                    if let Some(list) = self.list_field(field) {
                        set_once(
                            &mut sev.notify,
                            list,
                            "notify",
                            span,
                            |l| l.span,
                            &mut self.errors,
                        );
                    }
                }
                Rule::group_by
                | Rule::group_wait
                | Rule::group_interval
                | Rule::repeat_interval => self.timing(&mut sev.timing, field),
                Rule::escalate => {
                    let mut after = None;
                    let mut notify = None;
                    for part in field.into_inner() {
                        match part.as_rule() {
                            Rule::duration => after = Some(self.ident(&part)),
                            Rule::ident_list | Rule::name_list => {
                                notify = Some(self.ident_list(part))
                            }
                            _ => {}
                        }
                    }
                    if let (Some(after), Some(notify)) = (after, notify) {
                        let escalate = Escalate { after, notify };
                        set_once(
                            &mut sev.escalate,
                            escalate,
                            "escalate",
                            span,
                            |e| e.after.span,
                            &mut self.errors,
                        );
                    }
                }
                Rule::response => {
                    let response = self.response(field);
                    set_once(
                        &mut sev.response,
                        Spanned::new(response, span),
                        "response",
                        span,
                        |r| r.span,
                        &mut self.errors,
                    );
                }
                Rule::description => self.description(&mut sev.description, field),
                _ => self.internal(&field, "this severity field"),
            }
        }
        Some(sev)
    }

    /// `keyword [a, b]` (names or label names): the list inside.
    fn list_field(&mut self, pair: Pair<Rule>) -> Option<Spanned<Vec<Ident>>> {
        let parent = pair.clone();
        let mut inner = pair.into_inner();
        match inner.find(|p| {
            matches!(
                p.as_rule(),
                Rule::ident_list | Rule::label_list | Rule::name_list | Rule::kw_all
            )
        }) {
            // `group_by all`: Alertmanager's `...`, every label.
            Some(all) if all.as_rule() == Rule::kw_all => {
                let span = self.span(&all);
                Some(Spanned::new(
                    vec![Spanned::new("...".to_string(), span)],
                    span,
                ))
            }
            Some(list) => Some(self.ident_list(list)),
            None => {
                self.internal(&parent, "a missing list");
                None
            }
        }
    }

    fn timing(&mut self, timing: &mut Timing, field: Pair<Rule>) {
        let span = self.span(&field);
        match field.as_rule() {
            Rule::group_by => {
                if let Some(list) = self.list_field(field) {
                    set_once(
                        &mut timing.group_by,
                        list,
                        "group_by",
                        span,
                        |l| l.span,
                        &mut self.errors,
                    );
                }
            }
            Rule::group_wait => {
                let v = self.first_text(field, Rule::duration);
                self.set_text(&mut timing.group_wait, v, "group_wait", span);
            }
            Rule::group_interval => {
                let v = self.first_text(field, Rule::duration);
                self.set_text(&mut timing.group_interval, v, "group_interval", span);
            }
            _ => {
                let v = self.first_text(field, Rule::duration);
                self.set_text(&mut timing.repeat_interval, v, "repeat_interval", span);
            }
        }
    }

    fn receiver(&mut self, pair: Pair<Rule>) -> Option<Receiver> {
        let (name, fields) = self.header(pair)?;
        let mut receiver = Receiver {
            name,
            integrations: Vec::new(),
            description: None,
        };
        for field in fields {
            match field.as_rule() {
                Rule::integration => {
                    let parent = field.clone();
                    let mut parts = field.into_inner();
                    let Some(kind) = self.next(&mut parts, &parent, "integration") else {
                        continue;
                    };
                    let kind = self.ident(&kind);
                    let settings = parts.filter_map(|p| self.setting(p)).collect();
                    receiver.integrations.push(Integration { kind, settings });
                }
                Rule::description => self.description(&mut receiver.description, field),
                _ => self.internal(&field, "this receiver field"),
            }
        }
        Some(receiver)
    }

    fn routing(&mut self, pair: Pair<Rule>) -> Routing {
        let span = self.span(&pair);
        let mut routing = Routing {
            span,
            default: None,
            timing: Timing::default(),
        };
        for field in pair.into_inner() {
            let field_span = self.span(&field);
            match field.as_rule() {
                Rule::kw_routing => {}
                Rule::default_receiver => {
                    let v = field.into_inner().next().map(|n| self.any_name(n));
                    self.set_text(&mut routing.default, v, "default", field_span);
                }
                _ => self.timing(&mut routing.timing, field),
            }
        }
        routing
    }

    fn team(&mut self, pair: Pair<Rule>) -> Option<Team> {
        let (name, fields) = self.header(pair)?;
        let mut team = Team {
            name,
            routes: Vec::new(),
            description: None,
        };
        for field in fields {
            match field.as_rule() {
                Rule::team_route => {
                    let parent = field.clone();
                    let mut inner = field.into_inner();
                    let (Some(severity), Some(list)) = (
                        self.next(&mut inner, &parent, "severity"),
                        self.next(&mut inner, &parent, "receivers"),
                    ) else {
                        continue;
                    };
                    let severity = self.ident(&severity);
                    let list = self.ident_list(list);
                    team.routes.push((severity, list));
                }
                Rule::description => self.description(&mut team.description, field),
                _ => self.internal(&field, "this team field"),
            }
        }
        Some(team)
    }

    fn inhibit(&mut self, pair: Pair<Rule>) -> Option<Inhibit> {
        let (name, fields) = self.header(pair)?;
        let mut inhibit = Inhibit {
            name,
            source: Vec::new(),
            target: Vec::new(),
            equal: Vec::new(),
        };
        for field in fields {
            match field.as_rule() {
                Rule::source => inhibit.source.extend(self.selector(field)),
                Rule::target => inhibit.target.extend(self.selector(field)),
                Rule::equal => inhibit
                    .equal
                    .extend(self.list_field(field).map(|l| l.value).unwrap_or_default()),
                _ => self.internal(&field, "this inhibit field"),
            }
        }
        Some(inhibit)
    }

    fn escalation(&mut self, pair: Pair<Rule>) -> Option<Escalation> {
        let parent = pair.clone();
        let mut inner = pair.into_inner();
        self.next(&mut inner, &parent, "keyword")?;
        let name = self.next(&mut inner, &parent, "level")?;
        let contact = self.next(&mut inner, &parent, "contact")?;
        let mut level = Escalation {
            name: self.ident(&name),
            contact: self.string(contact),
            response: None,
            scope: None,
            description: None,
        };
        for field in inner {
            let span = self.span(&field);
            match field.as_rule() {
                Rule::response => {
                    let response = self.response(field);
                    set_once(
                        &mut level.response,
                        Spanned::new(response, span),
                        "response",
                        span,
                        |r| r.span,
                        &mut self.errors,
                    );
                }
                Rule::scope => {
                    let v = self.first_string(field);
                    self.set_text(&mut level.scope, v, "scope", span);
                }
                Rule::description => self.description(&mut level.description, field),
                _ => self.internal(&field, "this escalation field"),
            }
        }
        Some(level)
    }

    fn response(&mut self, field: Pair<Rule>) -> Response {
        match field.into_inner().next() {
            Some(v) if v.as_rule() == Rule::duration => Response::Within(self.ident(&v)),
            _ => Response::BestEffort,
        }
    }

    fn route_test(&mut self, pair: Pair<Rule>) -> Option<RouteTest> {
        let (name, fields) = self.header(pair)?;
        let mut test = RouteTest {
            name,
            labels: Vec::new(),
            expect: None,
            at: None,
        };
        for field in fields {
            let span = self.span(&field);
            match field.as_rule() {
                Rule::labels => test.labels.extend(self.labels(field)),
                Rule::route_test_at => {
                    let v = self.first_string(field);
                    self.set_text(&mut test.at, v, "at", span);
                }
                Rule::expect => {
                    if let Some(list) = self.list_field(field) {
                        set_once(
                            &mut test.expect,
                            list,
                            "expect",
                            span,
                            |l| l.span,
                            &mut self.errors,
                        );
                    }
                }
                _ => self.internal(&field, "this route test field"),
            }
        }
        Some(test)
    }

    /// A triple-quoted block's text; its span covers only the text.
    fn block(&mut self, pair: Pair<Rule>) -> Option<Text> {
        let parent = pair.clone();
        let body = self.next(&mut pair.into_inner(), &parent, "block body")?;
        Some(Spanned::new(body.as_str().to_string(), self.span(&body)))
    }

    fn policy(&mut self, pair: Pair<Rule>) -> Option<Policy> {
        let (name, fields) = self.header(pair)?;
        let mut policy = Policy {
            name,
            rules: Vec::new(),
        };
        for rule in fields {
            let mut parts = rule.into_inner();
            let Some(title) = parts.next() else { continue };
            let mut r = PolicyRule {
                name: self.string(title),
                matchers: Vec::new(),
                items: Vec::new(),
            };
            for item in parts {
                let span = self.span(&item);
                let bound = |b: &Pair<Rule>, this: &Self| {
                    let kind = if b.as_str() == "at_least" {
                        BoundKind::AtLeast
                    } else {
                        BoundKind::AtMost
                    };
                    Spanned::new(kind, this.span(b))
                };
                let value = match item.as_rule() {
                    Rule::policy_match => {
                        r.matchers.extend(self.selector(item));
                        continue;
                    }
                    Rule::policy_for | Rule::policy_objective => {
                        let is_for = item.as_rule() == Rule::policy_for;
                        let inner: Vec<Pair<Rule>> = item.into_inner().collect();
                        let [kind, amount] = inner.as_slice() else {
                            continue;
                        };
                        let (kind, amount) = (bound(kind, self), self.ident(amount));
                        if is_for {
                            PolicyItem::For(kind, amount)
                        } else {
                            PolicyItem::Objective(kind, amount)
                        }
                    }
                    Rule::policy_threshold => {
                        let inner: Vec<Pair<Rule>> = item.into_inner().collect();
                        let [threshold, level, kind, amount] = inner.as_slice() else {
                            continue;
                        };
                        PolicyItem::Threshold {
                            threshold: self.ident(threshold),
                            level: self.level(level),
                            bound: bound(kind, self),
                            value: self.ident(amount),
                        }
                    }
                    Rule::policy_severities | Rule::policy_require => {
                        let severities = item.as_rule() == Rule::policy_severities;
                        let Some(list) = item.into_inner().next() else {
                            continue;
                        };
                        let list = self.ident_list(list);
                        if severities {
                            PolicyItem::Severities(list)
                        } else {
                            PolicyItem::Require(list)
                        }
                    }
                    Rule::policy_label => {
                        let mut inner = item.into_inner();
                        let (Some(label), Some(values)) = (inner.next(), inner.next()) else {
                            continue;
                        };
                        let label = self.ident(&label);
                        let values = values.into_inner().map(|v| self.string(v)).collect();
                        PolicyItem::Label { label, values }
                    }
                    Rule::policy_change => {
                        let kind = match item.into_inner().next().map(|k| k.as_str().to_string()) {
                            Some(k) if k == "loosen" => ChangeKind::Loosen,
                            Some(k) if k == "stop_paging" => ChangeKind::StopPaging,
                            _ => ChangeKind::StartPaging,
                        };
                        PolicyItem::Change(kind)
                    }
                    _ => continue,
                };
                r.items.push(Spanned::new(value, span));
            }
            policy.rules.push(r);
        }
        Some(policy)
    }

    /// `page NAME { ... }`, `page { ... }`, `page NAME` or `page off`.
    fn slo_alert(&mut self, pair: Pair<Rule>) -> SloAlert {
        let mut alert = SloAlert {
            span: self.span(&pair),
            name: None,
            off: false,
            labels: Vec::new(),
            annotations: Vec::new(),
            for_: None,
        };
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::kw_off => alert.off = true,
                Rule::ident | Rule::string => alert.name = Some(self.any_name(part)),
                Rule::slo_alert_body => {
                    for field in part.into_inner() {
                        let span = self.span(&field);
                        match field.as_rule() {
                            Rule::labels => alert.labels.extend(self.labels(field)),
                            Rule::label => alert.labels.extend(self.label_pair(field)),
                            Rule::annotation => alert.annotations.extend(self.label_pair(field)),
                            Rule::for_clause => {
                                let v = self.first_text(field, Rule::duration);
                                self.set_text(&mut alert.for_, v, "for", span);
                            }
                            _ => self.internal(&field, "this SLO alert field"),
                        }
                    }
                }
                _ => {}
            }
        }
        alert
    }

    fn slo_setting(&mut self, settings: &mut SloDefaults, field: Pair<Rule>) {
        let span = self.span(&field);
        match field.as_rule() {
            Rule::page_severity => {
                let v = self.first_text(field, Rule::ident);
                self.set_text(&mut settings.page_severity, v, "page_severity", span);
            }
            Rule::absent_severity => {
                let v = self.first_text(field, Rule::ident);
                self.set_text(&mut settings.absent_severity, v, "absent_severity", span);
            }
            Rule::ticket_severity => {
                let v = self.first_text(field, Rule::ident);
                self.set_text(&mut settings.ticket_severity, v, "ticket_severity", span);
            }
            Rule::alert_style => {
                let v = self.first_text(field, Rule::ident);
                self.set_text(&mut settings.alert_style, v, "alert_style", span);
            }
            _ => {
                let mut windows = Vec::new();
                for w in field.into_inner() {
                    let parts: Vec<Pair<Rule>> = w.into_inner().collect();
                    let (fixed, for_) = match parts.as_slice() {
                        [kind, long, short, share] => ([kind, long, short, share], None),
                        [kind, long, short, share, for_] => {
                            let for_ = for_
                                .clone()
                                .into_inner()
                                .find(|p| p.as_rule() == Rule::duration);
                            ([kind, long, short, share], for_)
                        }
                        _ => continue,
                    };
                    let [kind, long, short, share] = fixed;
                    windows.push(BurnWindow {
                        kind: self.ident(kind),
                        long: self.ident(long),
                        short: self.ident(short),
                        share: self.ident(share),
                        for_: for_.map(|d| self.ident(&d)),
                    });
                }
                let windows = Spanned::new(windows, span);
                set_once(
                    &mut settings.windows,
                    windows,
                    "windows",
                    span,
                    |w| w.span,
                    &mut self.errors,
                );
            }
        }
    }

    fn slo_defaults(&mut self, pair: Pair<Rule>) -> SloDefaults {
        let mut defaults = SloDefaults::default();
        for field in pair.into_inner() {
            if field.as_rule() != Rule::kw_slo_defaults {
                self.slo_setting(&mut defaults, field);
            }
        }
        defaults
    }

    fn slo(&mut self, pair: Pair<Rule>) -> Option<Slo> {
        let parent = pair.clone();
        let mut inner = pair.into_inner();
        self.next(&mut inner, &parent, "keyword")?;
        let name = self.next(&mut inner, &parent, "name")?;
        let title = self.next(&mut inner, &parent, "title")?;
        let mut slo = Slo {
            name: self.ident(&name),
            title: self.string(title),
            objective: None,
            period: None,
            sli: None,
            page: None,
            ticket: None,
            absent: None,
            id: None,
            settings: SloDefaults::default(),
            scope: Scope::default(),
            summary: None,
            description: None,
            examples: Vec::new(),
        };
        for field in inner {
            let span = self.span(&field);
            match field.as_rule() {
                Rule::objective => {
                    let v = self.first_text(field, Rule::quantity);
                    self.set_text(&mut slo.objective, v, "objective", span);
                }
                Rule::period => {
                    let v = self.first_text(field, Rule::duration);
                    self.set_text(&mut slo.period, v, "period", span);
                }
                Rule::sli_ratio | Rule::sli_latency | Rule::sli_availability | Rule::sli_raw => {
                    let rule = field.as_rule();
                    let mut texts = Vec::new();
                    let mut bound = None;
                    let mut pooled = false;
                    for part in field.into_inner() {
                        match part.as_rule() {
                            Rule::sli_errors | Rule::sli_total => {
                                texts.extend(self.first_raw(part))
                            }
                            Rule::raw => texts.extend(self.raw(part)),
                            Rule::quantity => bound = Some(self.ident(&part)),
                            Rule::kw_pooled => pooled = true,
                            _ => {}
                        }
                    }
                    let sli = match (rule, texts.len(), bound) {
                        (Rule::sli_ratio, 2, _) => {
                            let total = texts.pop()?;
                            let errors = texts.pop()?;
                            Sli::Ratio { errors, total }
                        }
                        (Rule::sli_latency, 1, Some(below)) => Sli::Latency {
                            histogram: texts.pop()?,
                            below,
                        },
                        (Rule::sli_availability, 1, _) => Sli::Availability {
                            gauge: texts.pop()?,
                            pooled,
                        },
                        (Rule::sli_raw, 1, _) => Sli::Raw {
                            ratio: texts.pop()?,
                        },
                        _ => continue,
                    };
                    set_once(
                        &mut slo.sli,
                        Spanned::new(sli, span),
                        "sli",
                        span,
                        |s| s.span,
                        &mut self.errors,
                    );
                }
                Rule::page_alert | Rule::ticket_alert => {
                    let page = field.as_rule() == Rule::page_alert;
                    let alert = self.slo_alert(field);
                    let (slot, word) = if page {
                        (&mut slo.page, "page")
                    } else {
                        (&mut slo.ticket, "ticket")
                    };
                    set_once(slot, alert, word, span, |a| a.span, &mut self.errors);
                }
                Rule::absent_alert => {
                    let alert = self.slo_alert(field);
                    set_once(
                        &mut slo.absent,
                        alert,
                        "absent",
                        span,
                        |a| a.span,
                        &mut self.errors,
                    );
                }
                Rule::slo_id => {
                    let v = self.first_string(field);
                    self.set_text(&mut slo.id, v, "id", span);
                }
                Rule::page_severity
                | Rule::ticket_severity
                | Rule::absent_severity
                | Rule::burn_windows
                | Rule::alert_style => self.slo_setting(&mut slo.settings, field),
                Rule::services | Rule::environments | Rule::labels => {
                    self.scope_field(&mut slo.scope, field)
                }
                Rule::summary => {
                    let v = self.first_string(field);
                    self.set_text(&mut slo.summary, v, "summary", span);
                }
                Rule::description => self.description(&mut slo.description, field),
                Rule::example => {
                    if let Some(e) = self.example(field) {
                        slo.examples.push(e);
                    }
                }
                _ => self.internal(&field, "this slo field"),
            }
        }
        Some(slo)
    }

    fn component(&mut self, pair: Pair<Rule>) -> Option<Component> {
        let parent = pair.clone();
        let mut inner = pair.into_inner();
        self.next(&mut inner, &parent, "keyword")?;
        let name = self.next(&mut inner, &parent, "name")?;
        let title = self.next(&mut inner, &parent, "title")?;
        let mut c = Component {
            name: self.ident(&name),
            title: self.string(title),
            purpose: None,
            access: None,
            port: None,
            description: None,
        };
        for field in inner {
            let span = self.span(&field);
            match field.as_rule() {
                Rule::purpose => {
                    let v = self.first_string(field);
                    self.set_text(&mut c.purpose, v, "purpose", span);
                }
                Rule::access => {
                    let v = self.first_string(field);
                    self.set_text(&mut c.access, v, "access", span);
                }
                Rule::port => {
                    let v = self.first_text(field, Rule::quantity);
                    self.set_text(&mut c.port, v, "port", span);
                }
                Rule::description => self.description(&mut c.description, field),
                _ => self.internal(&field, "this component field"),
            }
        }
        Some(c)
    }

    fn section(&mut self, pair: Pair<Rule>) -> Option<Section> {
        let parent = pair.clone();
        let mut inner = pair.into_inner();
        self.next(&mut inner, &parent, "keyword")?;
        let name = self.next(&mut inner, &parent, "section name")?;
        let mut next = self.next(&mut inner, &parent, "markdown")?;
        let mut title = None;
        if next.as_rule() == Rule::string {
            title = Some(self.string(next));
            next = self.next(&mut inner, &parent, "markdown")?;
        }
        Some(Section {
            name: self.ident(&name),
            title,
            markdown: self.block(next)?,
        })
    }

    fn scenario(&mut self, pair: Pair<Rule>) -> Option<Scenario> {
        let (title, fields) = self.header(pair)?;
        let mut scenario = Scenario {
            title,
            symptoms: Vec::new(),
            investigate: Vec::new(),
            resolve: Vec::new(),
        };
        for field in fields {
            match field.as_rule() {
                Rule::symptoms => {
                    for list in field.into_inner() {
                        for s in list.into_inner() {
                            let symptom = self.string(s);
                            scenario.symptoms.push(symptom);
                        }
                    }
                }
                Rule::investigate => scenario.investigate.extend(self.steps(field)),
                Rule::resolve => scenario.resolve.extend(self.steps(field)),
                _ => self.internal(&field, "this scenario field"),
            }
        }
        Some(scenario)
    }

    fn appendix(&mut self, pair: Pair<Rule>) -> Option<Appendix> {
        let parent = pair.clone();
        let mut inner = pair.into_inner();
        self.next(&mut inner, &parent, "keyword")?;
        let title = self.next(&mut inner, &parent, "title")?;
        let language = self.next(&mut inner, &parent, "language")?;
        let mut appendix = Appendix {
            title: self.string(title),
            language: self.ident(&language),
            entries: Vec::new(),
        };
        for entry in inner {
            let parent = entry.clone();
            let mut parts = entry.into_inner();
            let (Some(label), Some(text)) = (
                self.next(&mut parts, &parent, "entry title"),
                self.next(&mut parts, &parent, "entry text"),
            ) else {
                continue;
            };
            let label = self.string(label);
            if let Some(text) = self.raw(text) {
                appendix.entries.push((label, text));
            }
        }
        Some(appendix)
    }

    fn dashboard(&mut self, pair: Pair<Rule>) -> Option<Dashboard> {
        let parent = pair.clone();
        let mut inner = pair.into_inner();
        self.next(&mut inner, &parent, "keyword")?;
        let name = self.next(&mut inner, &parent, "name")?;
        let title = self.next(&mut inner, &parent, "title")?;
        let mut d = Dashboard {
            name: self.ident(&name),
            title: self.string(title),
            folder: None,
            tags: Vec::new(),
            refresh: None,
            time: None,
            scope: Scope::default(),
            variables: Vec::new(),
            links: Vec::new(),
            description: None,
            items: Vec::new(),
        };
        for field in inner {
            let span = self.span(&field);
            match field.as_rule() {
                Rule::folder => {
                    let v = self.first_string(field);
                    self.set_text(&mut d.folder, v, "folder", span);
                }
                Rule::tags => {
                    for list in field.into_inner() {
                        for tag in list.into_inner() {
                            let tag = self.string(tag);
                            d.tags.push(tag);
                        }
                    }
                }
                Rule::refresh => {
                    let v = self.first_text(field, Rule::duration);
                    self.set_text(&mut d.refresh, v, "refresh", span);
                }
                Rule::time_range => {
                    let v = self.first_text(field, Rule::duration);
                    self.set_text(&mut d.time, v, "time", span);
                }
                Rule::services | Rule::environments => self.scope_field(&mut d.scope, field),
                Rule::variable => {
                    let parent = field.clone();
                    let mut parts = field.into_inner();
                    let (Some(name), Some(query)) = (
                        self.next(&mut parts, &parent, "variable name"),
                        self.next(&mut parts, &parent, "variable query"),
                    ) else {
                        continue;
                    };
                    let name = self.ident(&name);
                    if let Some(query) = self.raw(query) {
                        d.variables.push((name, query));
                    }
                }
                Rule::link => {
                    let mut parts = field.into_inner();
                    match parts.next() {
                        Some(p) if p.as_rule() == Rule::link_dashboard => {
                            if let Some(target) =
                                p.into_inner().find(|x| x.as_rule() == Rule::ident)
                            {
                                d.links.push(Link::Dashboard(self.ident(&target)));
                            }
                        }
                        Some(title) => {
                            if let Some(url) = parts.next() {
                                let title = self.string(title);
                                let url = self.string(url);
                                d.links.push(Link::Url { title, url });
                            }
                        }
                        None => {}
                    }
                }
                Rule::description => self.description(&mut d.description, field),
                Rule::row => {
                    let mut parts = field.into_inner();
                    parts.next();
                    let Some(title) = parts.next() else { continue };
                    let title = self.string(title);
                    let panels = parts.filter_map(|p| self.panel(p)).collect();
                    d.items.push(DashboardItem::Row { title, panels });
                }
                Rule::panel => {
                    if let Some(p) = self.panel(field) {
                        d.items.push(DashboardItem::Panel(Box::new(p)));
                    }
                }
                Rule::slo_row => {
                    if let Some(name) = self.first_text(field, Rule::ident) {
                        d.items.push(DashboardItem::Slo(name));
                    }
                }
                _ => self.internal(&field, "this dashboard field"),
            }
        }
        Some(d)
    }

    fn panel(&mut self, pair: Pair<Rule>) -> Option<Panel> {
        let parent = pair.clone();
        let mut inner = pair.into_inner();
        self.next(&mut inner, &parent, "keyword")?;
        let kind = self.next(&mut inner, &parent, "panel kind")?;
        let title = self.next(&mut inner, &parent, "panel title")?;
        let mut p = Panel {
            kind: self.ident(&kind),
            title: self.string(title),
            queries: Vec::new(),
            thresholds: None,
            unit: None,
            min: None,
            max: None,
            size: None,
            at: None,
            runbook: Vec::new(),
            description: None,
        };
        for field in inner {
            let span = self.span(&field);
            match field.as_rule() {
                Rule::panel_query => {
                    let mut parts = field.into_inner();
                    let Some(name) = parts.next() else { continue };
                    let name = self.ident(&name);
                    let legend = parts.next().map(|l| self.string(l));
                    p.queries.push((name, legend));
                }
                Rule::thresholds => {
                    let v = self.first_text(field, Rule::ident);
                    self.set_text(&mut p.thresholds, v, "thresholds", span);
                }
                Rule::unit_override => {
                    let v = self.first_string(field);
                    self.set_text(&mut p.unit, v, "unit", span);
                }
                Rule::min => {
                    let v = self.first_text(field, Rule::quantity);
                    self.set_text(&mut p.min, v, "min", span);
                }
                Rule::max => {
                    let v = self.first_text(field, Rule::quantity);
                    self.set_text(&mut p.max, v, "max", span);
                }
                Rule::size | Rule::at => {
                    let numbers: Vec<u32> = field
                        .as_str()
                        .split(|c: char| !c.is_ascii_digit())
                        .filter(|n| !n.is_empty())
                        .filter_map(|n| n.parse().ok())
                        .collect();
                    let [a, b] = numbers[..] else { continue };
                    let value = Spanned::new((a, b), span);
                    if field.as_rule() == Rule::size {
                        set_once(
                            &mut p.size,
                            value,
                            "size",
                            span,
                            |v| v.span,
                            &mut self.errors,
                        );
                    } else {
                        set_once(&mut p.at, value, "at", span, |v| v.span, &mut self.errors);
                    }
                }
                Rule::runbook => match field.into_inner().next() {
                    Some(name) if name.as_rule() == Rule::string => {
                        p.runbook.push(self.string(name));
                    }
                    Some(name) => p.runbook.push(self.ident(&name)),
                    None => {}
                },
                Rule::description => self.description(&mut p.description, field),
                _ => self.internal(&field, "this panel field"),
            }
        }
        Some(p)
    }

    fn query(&mut self, pair: Pair<Rule>) -> Option<Query> {
        let (name, fields) = self.header(pair)?;
        let mut q = Query {
            name,
            title: None,
            body: None,
            unit: None,
            topic: None,
            description: None,
        };
        for field in fields {
            let span = self.span(&field);
            match field.as_rule() {
                Rule::string => q.title = Some(self.string(field)),
                Rule::promql | Rule::logql => {
                    let language = if field.as_rule() == Rule::promql {
                        QueryLanguage::PromQl
                    } else {
                        QueryLanguage::LogQl
                    };
                    if let Some(text) = self.first_raw(field) {
                        set_once(
                            &mut q.body,
                            (language, text),
                            "promql",
                            span,
                            |b| b.1.span,
                            &mut self.errors,
                        );
                    }
                }
                Rule::unit => {
                    let v = self.first_text(field, Rule::ident);
                    self.set_text(&mut q.unit, v, "unit", span);
                }
                Rule::topic => {
                    let v = self.first_string(field);
                    self.set_text(&mut q.topic, v, "topic", span);
                }
                Rule::description => self.description(&mut q.description, field),
                _ => self.internal(&field, "this query field"),
            }
        }
        Some(q)
    }

    fn threshold(&mut self, pair: Pair<Rule>) -> Option<Threshold> {
        let (name, fields) = self.header(pair)?;
        let mut t = Threshold {
            name,
            query: None,
            bounds: Vec::new(),
            metric: None,
            description: None,
            reason: None,
        };
        for field in fields {
            match field.as_rule() {
                Rule::kw_on => {}
                Rule::ident => t.query = Some(self.ident(&field)),
                Rule::level_bound => {
                    if let Some(bound) = self.bound(field) {
                        if let Some(first) =
                            t.bounds.iter().find(|b| b.level.value == bound.level.value)
                        {
                            self.errors.push(ParseError::DuplicateField {
                                field: level_word(bound.level.value),
                                span: bound.level.span,
                                first: first.level.span,
                            });
                        } else {
                            t.bounds.push(bound);
                        }
                    }
                }
                Rule::key_metric => {
                    let span = self.span(&field);
                    let v = self.first_string(field);
                    self.set_text(&mut t.metric, v, "metric", span);
                }
                Rule::description => self.description(&mut t.description, field),
                Rule::reason => {
                    let span = self.span(&field);
                    let v = self.first_string(field);
                    self.set_text(&mut t.reason, v, "reason", span);
                }
                _ => self.internal(&field, "this threshold field"),
            }
        }
        Some(t)
    }

    fn bound(&mut self, pair: Pair<Rule>) -> Option<Bound> {
        let parent = pair.clone();
        let mut inner = pair.into_inner();
        let level = self.next(&mut inner, &parent, "level")?;
        let comparison = self.next(&mut inner, &parent, "comparison")?;
        let level = self.level(&level);
        if comparison.as_rule() == Rule::band {
            let span = self.span(&comparison);
            let words = comparison.as_str().len().min(7);
            let mut ends = comparison.into_inner();
            let (Some(low), Some(high)) = (ends.next(), ends.next()) else {
                self.internal(&parent, "an incomplete band");
                return None;
            };
            return Some(Bound {
                level,
                comparison: Spanned::new(Comparison::Between, span.sub(0, words)),
                value: self.ident(&low),
                upper: Some(self.ident(&high)),
            });
        }
        let value = self.next(&mut inner, &parent, "value")?;
        let Some(op) = Comparison::from_word(comparison.as_str()) else {
            self.internal(&comparison, "this comparison");
            return None;
        };
        Some(Bound {
            level,
            comparison: Spanned::new(op, self.span(&comparison)),
            value: self.ident(&value),
            upper: None,
        })
    }

    fn level(&self, pair: &Pair<Rule>) -> Spanned<Level> {
        let level = match pair.as_str() {
            "target" => Level::Target,
            "warning" => Level::Warning,
            _ => Level::Critical,
        };
        Spanned::new(level, self.span(pair))
    }

    fn scope_field(&mut self, scope: &mut Scope, field: Pair<Rule>) {
        let span = self.span(&field);
        match field.as_rule() {
            Rule::services => {
                let value = match field.into_inner().find(|p| p.as_rule() == Rule::ident_list) {
                    Some(list) => ServiceScope::Listed(self.ident_list(list).value),
                    None => ServiceScope::All,
                };
                set_once(
                    &mut scope.services,
                    Spanned::new(value, span),
                    "services",
                    span,
                    |s| s.span,
                    &mut self.errors,
                );
            }
            Rule::environments => {
                if let Some(list) = self.environments(field) {
                    set_once(
                        &mut scope.environments,
                        list,
                        "environments",
                        span,
                        |l| l.span,
                        &mut self.errors,
                    );
                }
            }
            Rule::labels => scope.labels.extend(self.labels(field)),
            _ => self.internal(&field, "this field"),
        }
    }
}

fn level_word(level: Level) -> &'static str {
    match level {
        Level::Target => "target",
        Level::Warning => "warning",
        Level::Critical => "critical",
    }
}
