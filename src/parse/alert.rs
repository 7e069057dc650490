//! `alert NAME { ... }`: conditions, variants, texts, runbook steps and examples.

use super::ast::*;
use super::{set_once, Builder, ParseError, Rule};
use crate::source::Span;
use pest::iterators::Pair;

impl Builder {
    pub(super) fn alert(&mut self, pair: Pair<Rule>) -> Option<Alert> {
        let (name, fields) = self.header(pair)?;
        let mut a = Alert {
            name,
            severity: None,
            body: RuleBody::default(),
            variants: Vec::new(),
            scope: Scope::default(),
            runbook_url: None,
            reason: None,
            group: None,
            investigate: Vec::new(),
            causes: Vec::new(),
            resolve: Vec::new(),
            examples: Vec::new(),
        };
        for field in fields {
            let span = self.span(&field);
            match field.as_rule() {
                Rule::when
                | Rule::expr
                | Rule::logql
                | Rule::for_clause
                | Rule::keep_firing_for
                | Rule::annotation
                | Rule::summary
                | Rule::description => self.rule_body_field(&mut a.body, field, true),
                // Variants may share a severity when their labels differ (checked later).
                Rule::variant => a.variants.extend(self.variant(field)),
                Rule::reason => {
                    let v = self.first_string(field);
                    self.set_text(&mut a.reason, v, "reason", span);
                }
                Rule::severity_ref => {
                    let v = self.first_text(field, Rule::ident);
                    self.set_text(&mut a.severity, v, "severity", span);
                }
                Rule::label => a.scope.labels.extend(self.label_pair(field)),
                Rule::services | Rule::environments | Rule::labels => {
                    self.scope_field(&mut a.scope, field)
                }
                Rule::alert_runbook_url => {
                    let url = match field.into_inner().next() {
                        Some(p) if p.as_rule() == Rule::string => RunbookUrl::Url(self.string(p)),
                        _ => RunbookUrl::None(span),
                    };
                    let url_span = |u: &RunbookUrl| match u {
                        RunbookUrl::Url(t) => t.span,
                        RunbookUrl::None(s) => *s,
                    };
                    set_once(
                        &mut a.runbook_url,
                        url,
                        "runbook_url",
                        span,
                        url_span,
                        &mut self.errors,
                    );
                }
                Rule::group_ref => {
                    let v = self.first_text(field, Rule::ident);
                    self.set_text(&mut a.group, v, "group", span);
                }
                Rule::investigate => a.investigate.extend(self.steps(field)),
                Rule::resolve => a.resolve.extend(self.steps(field)),
                Rule::causes => {
                    for list in field.into_inner() {
                        for s in list.into_inner() {
                            let cause = self.string(s);
                            a.causes.push(cause);
                        }
                    }
                }
                Rule::example => {
                    if let Some(e) = self.example(field) {
                        a.examples.push(e);
                    }
                }
                _ => self.internal(&field, "this alert field"),
            }
        }
        Some(a)
    }

    /// `severity NAME { ... }`: one variant.
    fn variant(&mut self, pair: Pair<Rule>) -> Option<Variant> {
        let (severity, fields) = self.header(pair)?;
        let mut body = RuleBody::default();
        for field in fields {
            match field.as_rule() {
                Rule::labels => body.labels.extend(self.labels(field)),
                Rule::label => body.labels.extend(self.label_pair(field)),
                _ => self.rule_body_field(&mut body, field, false),
            }
        }
        Some(Variant { severity, body })
    }

    /// A field an alert and its variants share. At the alert's top level several `when`s are
    /// allowed (one variant each); in a variant, one.
    fn rule_body_field(&mut self, body: &mut RuleBody, field: Pair<Rule>, many_whens: bool) {
        let span = self.span(&field);
        match field.as_rule() {
            Rule::when => {
                let Some(when) = self.when(field, span) else {
                    return;
                };
                if let Some(first) = body
                    .whens
                    .iter()
                    .find(|w| !many_whens || (w.level.value == when.level.value))
                {
                    self.errors.push(ParseError::DuplicateField {
                        field: "when",
                        span,
                        first: first.span,
                    });
                } else {
                    body.whens.push(when);
                }
            }
            Rule::expr => {
                let v = self.first_raw(field);
                self.set_text(&mut body.expr, v, "expr", span);
            }
            Rule::logql => {
                let v = self.first_raw(field);
                self.set_text(&mut body.logql, v, "logql", span);
            }
            Rule::for_clause => {
                let v = self.first_text(field, Rule::duration);
                self.set_text(&mut body.for_, v, "for", span);
            }
            Rule::keep_firing_for => {
                let v = self.first_text(field, Rule::duration);
                self.set_text(&mut body.keep_firing_for, v, "keep_firing_for", span);
            }
            Rule::annotation => {
                let pair = self.label_pair(field);
                if let Some(pair) = pair {
                    match body
                        .annotations
                        .iter()
                        .find(|p| p.name.value == pair.name.value)
                    {
                        Some(first) => self.errors.push(ParseError::DuplicateField {
                            field: "annotation",
                            span: pair.name.span,
                            first: first.name.span,
                        }),
                        None => body.annotations.push(pair),
                    }
                }
            }
            Rule::summary => {
                let v = self.first_string(field);
                self.set_text(&mut body.summary, v, "summary", span);
            }
            Rule::description => self.description(&mut body.description, field),
            _ => self.internal(&field, "this alert field"),
        }
    }

    /// `label NAME "value"` or `annotation NAME "value"`.
    pub(super) fn label_pair(&mut self, pair: Pair<Rule>) -> Option<LabelPair> {
        let parent = pair.clone();
        let mut inner = pair
            .into_inner()
            .filter(|p| !matches!(p.as_rule(), Rule::kw_label | Rule::kw_annotation));
        let name = inner.next();
        let value = inner.next();
        let (Some(name), Some(value)) = (name, value) else {
            self.internal(&parent, "an incomplete label");
            return None;
        };
        Some(LabelPair {
            name: self.ident(&name),
            value: self.string(value),
        })
    }

    fn when(&mut self, pair: Pair<Rule>, span: Span) -> Option<When> {
        let parent = pair.clone();
        let mut threshold = None;
        let mut level = None;
        let mut for_ = None;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::ident => threshold = Some(self.ident(&part)),
                Rule::level => level = Some(self.level(&part)),
                Rule::for_clause => for_ = self.first_text(part, Rule::duration),
                _ => {}
            }
        }
        let (Some(threshold), Some(level)) = (threshold, level) else {
            self.internal(&parent, "an incomplete `when`");
            return None;
        };
        Some(When {
            threshold,
            level,
            for_,
            span,
        })
    }

    pub(super) fn steps(&mut self, pair: Pair<Rule>) -> Vec<Step> {
        let mut steps = Vec::new();
        for step in pair.into_inner() {
            let mut title = None;
            let mut items = Vec::new();
            for part in step.into_inner() {
                let kind = match part.as_rule() {
                    Rule::string => {
                        title = Some(self.string(part));
                        continue;
                    }
                    Rule::run => StepKind::Run,
                    Rule::promql => StepKind::PromQl,
                    Rule::logql => StepKind::LogQl,
                    Rule::sql => StepKind::Sql,
                    Rule::note => StepKind::Note,
                    _ => continue,
                };
                let text = if kind == StepKind::Note {
                    self.first_string(part)
                } else {
                    self.first_raw(part)
                };
                if let Some(text) = text {
                    items.push(StepItem { kind, text });
                }
            }
            if let Some(title) = title {
                steps.push(Step { title, items });
            }
        }
        steps
    }

    pub(super) fn example(&mut self, pair: Pair<Rule>) -> Option<Example> {
        let parent = pair.clone();
        let mut inner = pair.into_inner();
        let name = self.next(&mut inner, &parent, "example name")?;
        let mut example = Example {
            name: self.string(name),
            series: Vec::new(),
            checks: Vec::new(),
            environment: None,
        };
        for item in inner {
            let span = self.span(&item);
            match item.as_rule() {
                Rule::series => {
                    let parent = item.clone();
                    let mut parts = item.into_inner();
                    let (Some(selector), Some(values)) = (
                        self.next(&mut parts, &parent, "series"),
                        self.next(&mut parts, &parent, "values"),
                    ) else {
                        continue;
                    };
                    if let Some(selector) = self.raw(selector) {
                        let values = self.string(values);
                        example.series.push((selector, values));
                    }
                }
                Rule::fires | Rule::quiet => {
                    let fires = item.as_rule() == Rule::fires;
                    let mut at = None;
                    let mut labels = Vec::new();
                    let mut which = None;
                    for part in item.into_inner() {
                        match part.as_rule() {
                            Rule::duration => at = Some(self.ident(&part)),
                            Rule::label_map => labels = self.label_map(part),
                            Rule::ident => which = Some(self.ident(&part)),
                            _ => {}
                        }
                    }
                    if let Some(at) = at {
                        example.checks.push(ExampleCheck {
                            at,
                            fires: fires.then_some(labels),
                            which,
                        });
                    }
                }
                Rule::example_environment => {
                    let v = self.first_text(item, Rule::ident);
                    self.set_text(&mut example.environment, v, "environment", span);
                }
                _ => self.internal(&item, "this example field"),
            }
        }
        Some(example)
    }
}
