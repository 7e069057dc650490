//! `alert NAME { ... }`: its variants (one per severity), each fanned out into one rule per
//! environment, with texts, labels, `runbook_url` and examples.

use super::duration::Duration;
use super::error::ResolveError;
use super::model::{self, Alert, AlertRule, Condition, Example, Labels, Model, Query, Threshold};
use super::threshold::comparison_text;
use super::version::Version;
use super::{escalation_twins, indent, labels_of, level_name, not_a_rule_value, promql};
use super::{steps, template, Instance, Resolver};
use crate::anchor;
use crate::parse::ast::{self, Level, QueryLanguage};
use crate::source::Span;

/// One variant as written: the alert's fields with the variant's over them.
struct Spec<'a> {
    severity: Option<ast::Ident>,
    /// Where the variant is written (the alert's name when it has none).
    span: Span,
    when: Option<&'a ast::When>,
    expr: Option<&'a ast::Text>,
    logql: Option<&'a ast::Text>,
    for_: Option<&'a ast::Text>,
    keep_firing_for: Option<&'a ast::Text>,
    labels: Vec<&'a ast::LabelPair>,
    /// Annotation name and text, `summary` and `description` among them.
    annotations: Vec<(&'a str, &'a ast::Text)>,
    summary: Option<&'a ast::Text>,
    description: Option<&'a ast::Text>,
}

impl Resolver<'_> {
    /// The alert's variants, in order; empty when anything is wrong with it.
    /// The variants of alert `a`, and its rule group as written (`Some(None)`: its file's)
    /// once it got far enough to have one: the caller makes the groups in declaration order
    /// and sets each variant's.
    pub(super) fn alert(
        &mut self,
        a: &ast::Alert,
        model: &Model,
        queries: &[Option<Query>],
        thresholds: &[Option<Threshold>],
    ) -> (Vec<Alert>, Option<Option<usize>>) {
        let errors_before = self.errors.len();
        let specs = self.variant_specs(a);
        let group = self.group_ref(&a.group);
        let instances = self.instances(&a.scope, model, a.name.span, true);
        // Prometheus expands templates in an alert's labels as in its annotations.
        for pair in a
            .scope
            .labels
            .iter()
            .chain(a.variants.iter().flat_map(|v| &v.body.labels))
        {
            if let Some(e) = template::check(&pair.value) {
                self.errors.push(e);
            }
        }
        let runbook_url = self.alert_runbook_url(a);
        let (Some(instances), Some(group)) = (instances, group) else {
            return (Vec::new(), None);
        };
        let mut alerts = Vec::new();
        for (i, spec) in specs.iter().enumerate() {
            let variant = self.variant(
                a,
                spec,
                &instances,
                runbook_url.as_ref(),
                model,
                (queries, thresholds),
            );
            if let Some(mut alert) = variant {
                alert.primary = i == 0;
                alerts.push(alert);
            }
        }
        for step in a.investigate.iter().chain(&a.resolve) {
            self.check_step(step);
        }
        if self.errors.len() > errors_before || alerts.len() != specs.len() {
            return (Vec::new(), Some(group));
        }
        self.check_variant_labels(a, &alerts);
        if let (Some(e), true) = (
            a.examples.first(),
            alerts.iter().any(|v| v.language == QueryLanguage::LogQl),
        ) {
            self.errors.push(ResolveError::LogqlExamples {
                alert: a.name.value.clone(),
                span: e.name.span,
            });
            return (Vec::new(), Some(group));
        }
        let examples = a
            .examples
            .iter()
            .filter_map(|e| self.example(e, a, &alerts, model))
            .collect();
        alerts[0].examples = examples;
        if self.errors.len() > errors_before {
            return (Vec::new(), Some(group));
        }
        (alerts, Some(group))
    }

    /// Two variants whose rules carry the same labels would be one series from two rules.
    fn check_variant_labels(&mut self, a: &ast::Alert, variants: &[Alert]) {
        for (i, v) in variants.iter().enumerate() {
            let labels = v.rules.first().map(|r| &r.labels);
            if let Some(first) = variants[..i]
                .iter()
                .find(|w| w.rules.first().map(|r| &r.labels) == labels)
            {
                self.errors.push(ResolveError::DuplicateVariant {
                    alert: a.name.value.clone(),
                    span: v.span,
                    first: first.span,
                });
            }
        }
    }

    /// What each variant says, with the alert's fields as defaults; reports conditions that
    /// stand where the variants should say them.
    fn variant_specs<'a>(&mut self, a: &'a ast::Alert) -> Vec<Spec<'a>> {
        let common = |severity: Option<ast::Ident>,
                      span: Span,
                      when: Option<&'a ast::When>,
                      expr: Option<&'a ast::Text>,
                      logql: Option<&'a ast::Text>| Spec {
            severity,
            span,
            when,
            expr,
            logql,
            for_: when.and_then(|w| w.for_.as_ref()).or(a.body.for_.as_ref()),
            keep_firing_for: a.body.keep_firing_for.as_ref(),
            labels: Vec::new(),
            annotations: a
                .body
                .annotations
                .iter()
                .map(|p| (p.name.value.as_str(), &p.value))
                .collect(),
            summary: a.body.summary.as_ref(),
            description: a.body.description.as_ref(),
        };
        if !a.variants.is_empty() {
            let stray = a
                .body
                .whens
                .first()
                .map(|w| w.span)
                .or(a.body.expr.as_ref().map(|e| e.span))
                .or(a.body.logql.as_ref().map(|e| e.span));
            if let Some(span) = stray.or(a.severity.as_ref().map(|s| s.span)) {
                self.errors.push(ResolveError::VariantConflict {
                    alert: a.name.value.clone(),
                    span,
                    several_whens: false,
                });
            }
            return a
                .variants
                .iter()
                .map(|v| {
                    let body = &v.body;
                    let when = body.whens.first();
                    let mut spec = common(
                        Some(v.severity.clone()),
                        v.severity.span,
                        when,
                        body.expr.as_ref(),
                        body.logql.as_ref(),
                    );
                    spec.for_ = when
                        .and_then(|w| w.for_.as_ref())
                        .or(body.for_.as_ref())
                        .or(a.body.for_.as_ref());
                    if body.keep_firing_for.is_some() {
                        spec.keep_firing_for = body.keep_firing_for.as_ref();
                    }
                    spec.labels = body.labels.iter().collect();
                    for p in &body.annotations {
                        spec.annotations.retain(|(k, _)| *k != p.name.value);
                        spec.annotations.push((p.name.value.as_str(), &p.value));
                    }
                    spec.summary = body.summary.as_ref().or(spec.summary);
                    spec.description = body.description.as_ref().or(spec.description);
                    spec
                })
                .collect();
        }
        if a.body.whens.len() > 1 {
            if let Some(s) = &a.severity {
                self.errors.push(ResolveError::VariantConflict {
                    alert: a.name.value.clone(),
                    span: s.span,
                    several_whens: true,
                });
            }
            return a
                .body
                .whens
                .iter()
                .map(|w| common(None, w.span, Some(w), None, None))
                .collect();
        }
        vec![common(
            a.severity.clone(),
            a.name.span,
            a.body.whens.first(),
            a.body.expr.as_ref(),
            a.body.logql.as_ref(),
        )]
    }

    /// `runbook_url "..."`: `Some(None)` leaves the annotation out; `None` is ours.
    fn alert_runbook_url(&mut self, a: &ast::Alert) -> Option<Option<ast::Text>> {
        match &a.runbook_url {
            None => None,
            Some(ast::RunbookUrl::None(_)) => Some(None),
            Some(ast::RunbookUrl::Url(url)) => {
                if let Some(e) = template::check(url) {
                    self.errors.push(e);
                }
                Some(Some(url.clone()))
            }
        }
    }

    fn variant(
        &mut self,
        a: &ast::Alert,
        spec: &Spec,
        instances: &[Instance],
        runbook_url: Option<&Option<ast::Text>>,
        model: &Model,
        (queries, thresholds): (&[Option<Query>], &[Option<Threshold>]),
    ) -> Option<Alert> {
        let condition = self.condition(a, spec, queries, thresholds, model);
        let severity_span = spec
            .severity
            .as_ref()
            .map(|s| s.span)
            .or(spec.when.map(|w| w.level.span))
            .unwrap_or(spec.span);
        let severity = match (&spec.severity, spec.when) {
            (Some(s), _) => self.lookup("severity", s),
            (None, Some(w)) if w.level.value != Level::Target => {
                let name = ast::Ident::new(level_name(w.level.value).to_string(), w.level.span);
                self.lookup("severity", &name)
            }
            _ => {
                self.errors.push(ResolveError::MissingSeverity {
                    alert: a.name.value.clone(),
                    span: spec.span,
                });
                None
            }
        };
        let for_ = spec.for_.and_then(|f| self.duration(f));
        let keep_firing_for = spec.keep_firing_for.and_then(|k| {
            let version = model.project.prometheus_version;
            self.needs(
                version,
                Version::KEEP_FIRING_FOR,
                "`keep_firing_for`",
                k.span,
            );
            self.duration(k)
        });
        let (condition, expr_text, expr_span, language) = condition?;
        let severity = severity?;
        let severity_name = model.severities[severity].name.as_str();
        let threshold_parts = match &condition {
            Condition::Threshold { threshold, level } => {
                let t = thresholds[*threshold].as_ref()?;
                let q = queries[t.query].as_ref()?;
                Some((t.bound(*level)?.spoken.as_str(), q.title.as_str()))
            }
            Condition::Expr { .. } | Condition::Slo { .. } | Condition::SloAbsent { .. } => None,
        };
        let mut rules = Vec::new();
        for (i, instance) in instances.iter().enumerate() {
            let environment = instance
                .environment
                .map(|e| model.environments[e].name.as_str());
            let values = template::Values {
                threshold: threshold_parts.map(|t| t.0),
                for_: for_.map(Duration::human),
                severity: Some(severity_name),
                environment,
                query: threshold_parts.map(|t| t.1),
            };
            let mut annotations = Labels::new();
            let texts = spec
                .annotations
                .iter()
                .copied()
                .chain(spec.summary.map(|s| ("summary", s)))
                .chain(spec.description.map(|d| ("description", d)));
            for (key, text) in texts {
                match template::substitute(text, &values) {
                    Ok(v) => {
                        annotations.insert(key.to_string(), v);
                    }
                    // The same template fails the same way in every environment: report once.
                    Err(errors) if i == 0 => self.errors.extend(errors),
                    Err(_) => {}
                }
            }
            match runbook_url {
                None => {
                    annotations.insert(
                        "runbook_url".into(),
                        anchor::alert_url(&model.project.runbook_url, &a.name.value),
                    );
                }
                Some(Some(url)) => match template::substitute(url, &values) {
                    Ok(v) => {
                        annotations.insert("runbook_url".into(), v);
                    }
                    Err(errors) if i == 0 => self.errors.extend(errors),
                    Err(_) => {}
                },
                Some(None) => {}
            }
            let matchers = match language {
                QueryLanguage::PromQl => &instance.matchers,
                QueryLanguage::LogQl => &instance.log_matchers,
            };
            let expr = self.rule_expr(&expr_text, matchers, expr_span, spec.span)?;
            let mut labels = instance.labels.clone();
            labels.insert("severity".into(), severity_name.to_string());
            labels.extend(self.rule_labels(&a.scope.labels));
            let own: Vec<ast::LabelPair> = spec.labels.iter().map(|p| (*p).clone()).collect();
            labels.extend(self.rule_labels(&own));
            rules.push(AlertRule {
                environment: instance.environment,
                for_,
                keep_firing_for,
                expr,
                labels,
                annotations,
            });
        }
        let escalations =
            escalation_twins(&rules, for_, model.severities[severity].escalate.as_ref());
        Some(Alert {
            reason: a.reason.as_ref().map(|r| r.value.clone()),
            name: a.name.value.clone(),
            span: spec.span,
            group: 0,
            order: (a.name.span.file.0 as usize, a.name.span.start + 1),
            primary: true,
            declaration: 0,
            external_runbook: runbook_url.is_some(),
            language,
            severity,
            severity_span,
            condition,
            for_,
            keep_firing_for,
            rules,
            escalations,
            summary: spec.summary.map(|s| s.value.clone()),
            description: spec.description.map(|s| s.value.clone()),
            investigate: steps(&a.investigate),
            causes: a.causes.iter().map(|c| c.value.clone()).collect(),
            resolve: steps(&a.resolve),
            examples: Vec::new(),
            anchor: anchor::alert(&a.name.value),
            page: None,
        })
    }

    /// The variant's condition, the expression text it compiles to (before `$selector`), and
    /// its language: PromQL for Prometheus, LogQL for Loki's ruler.
    fn condition(
        &mut self,
        a: &ast::Alert,
        spec: &Spec,
        queries: &[Option<Query>],
        thresholds: &[Option<Threshold>],
        model: &Model,
    ) -> Option<(Condition, String, Span, QueryLanguage)> {
        let written: Vec<Span> = [
            spec.when.map(|w| w.span),
            spec.expr.map(|e| e.span),
            spec.logql.map(|l| l.span),
        ]
        .into_iter()
        .flatten()
        .collect();
        if written.len() != 1 {
            self.errors.push(ResolveError::AlertCondition {
                alert: a.name.value.clone(),
                span: written.get(1).copied().unwrap_or(spec.span),
                both: written.len() > 1,
            });
            return None;
        }
        if let Some(expr) = spec.expr {
            let (text, used) = self.query_refs(&promql::dedent(&expr.value), expr.span, queries)?;
            self.rule_shape(&text, expr.span)?;
            return Some((
                Condition::Expr { queries: used },
                text,
                expr.span,
                QueryLanguage::PromQl,
            ));
        }
        if let Some(logql) = spec.logql {
            let text = promql::dedent(&logql.value);
            self.loki_rule(model, logql.span, None)?;
            let probe = super::selector::expand(
                &text,
                &[super::selector::Matcher::equal("__selector__", "x")],
            );
            if !self
                .parse_query(QueryLanguage::LogQl, &probe, logql.span, None)?
                .rule_value
            {
                self.errors.push(not_a_rule_value(logql.span, None));
                return None;
            }
            return Some((
                Condition::Expr {
                    queries: Vec::new(),
                },
                text,
                logql.span,
                QueryLanguage::LogQl,
            ));
        }
        let when = spec.when?;
        let index = self.threshold_of(&when.threshold)?;
        let threshold = thresholds.get(index)?.as_ref()?;
        let query = queries.get(threshold.query)?.as_ref()?;
        let Some(bound) = threshold.bound(when.level.value) else {
            self.errors.push(ResolveError::MissingLevel {
                threshold: threshold.name.clone(),
                level: level_name(when.level.value),
                span: when.level.span,
                threshold_span: threshold.bounds[0].span,
            });
            return None;
        };
        if query.language == QueryLanguage::LogQl {
            self.loki_rule(model, when.threshold.span, Some(query))?;
        }
        if !query.rule_value {
            self.errors
                .push(not_a_rule_value(query.span, Some(when.threshold.span)));
            return None;
        }
        let lhs = if query.binary {
            format!("(\n{}\n)", indent(&query.text))
        } else {
            query.text.clone()
        };
        Some((
            Condition::Threshold {
                threshold: index,
                level: when.level.value,
            },
            comparison_text(&lhs, bound),
            when.threshold.span,
            query.language,
        ))
    }

    /// A LogQL rule goes to Loki's ruler, which a `target loki` must ask for.
    pub(super) fn loki_rule(
        &mut self,
        model: &Model,
        span: Span,
        query: Option<&Query>,
    ) -> Option<()> {
        if model.targets.loki.is_some() {
            return Some(());
        }
        self.errors.push(ResolveError::LogqlInRule {
            query: query.map(|q| q.name.clone()),
            span,
            query_span: query.map(|q| q.span),
        });
        None
    }

    /// A threshold by name; when only a query has that name, says that the threshold is missing.
    fn threshold_of(&mut self, name: &ast::Ident) -> Option<usize> {
        match self.names.lookup("threshold", name) {
            Ok(index) => Some(index),
            Err(e)
                if matches!(
                    *e,
                    ResolveError::UnknownName {
                        suggestion: None,
                        ..
                    }
                ) && self.names.lookup("query", name).is_ok() =>
            {
                self.errors.push(ResolveError::QueryWithoutThreshold {
                    query: name.value.clone(),
                    span: name.span,
                });
                None
            }
            Err(e) => {
                self.errors.push(*e);
                None
            }
        }
    }

    /// An example of the alert: the environment it exercises, and for each check the variant
    /// it names (an alert with variants must say which one fires).
    fn example(
        &mut self,
        e: &ast::Example,
        a: &ast::Alert,
        variants: &[Alert],
        model: &Model,
    ) -> Option<Example> {
        let environments: Vec<Option<usize>> =
            variants[0].rules.iter().map(|r| r.environment).collect();
        let (rule, series) = self.example_target(e, &a.name, &environments, model)?;
        let names: Vec<String> = variants
            .iter()
            .map(|v| model.severities[v.severity].name.clone())
            .collect();
        let mut checks = Vec::new();
        for c in &e.checks {
            let severity = match &c.which {
                Some(which) => {
                    let matching = names.iter().filter(|n| **n == which.value).count();
                    match names.iter().position(|n| *n == which.value) {
                        Some(i) if matching == 1 => Some(variants[i].severity),
                        _ => {
                            self.errors.push(ResolveError::ExampleVariant {
                                alert: a.name.value.clone(),
                                named: Some(which.value.clone()),
                                ambiguous: matching > 1,
                                variants: names.clone(),
                                span: which.span,
                            });
                            continue;
                        }
                    }
                }
                None if variants.len() > 1 && c.fires.is_some() => {
                    self.errors.push(ResolveError::ExampleVariant {
                        alert: a.name.value.clone(),
                        named: None,
                        ambiguous: false,
                        variants: names.clone(),
                        span: c.at.span,
                    });
                    continue;
                }
                None => (variants.len() == 1).then_some(variants[0].severity),
            };
            let Some(at) = self.example_time(&c.at, model) else {
                continue;
            };
            checks.push(model::ExampleCheck {
                at,
                span: c.at.span,
                severity,
                fires: c.fires.as_ref().map(|l| labels_of(l)),
            });
        }
        Some(Example {
            name: e.name.value.clone(),
            span: e.name.span,
            rule,
            series,
            checks,
        })
    }
}
