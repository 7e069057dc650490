//! Rule groups (declared with `group`, or one per source file) and recording rules.

use super::error::ResolveError;
use super::model::{Model, Query, Record, RecordRule, RuleGroup};
use super::version::Version;
use super::{is_metric_name, promql, Resolver};
use crate::parse::ast::{self, QueryLanguage};
use crate::source::{FileId, Span};
use std::collections::HashMap;

/// The rule groups of a compile: the declared ones first (in declaration order, so that a
/// group's index is its declaration's), then one per file whose rules name no group.
#[derive(Default)]
pub(super) struct Groups {
    pub list: Vec<RuleGroup>,
    /// Where each group was declared (`None` for a file's own group).
    spans: Vec<Option<Span>>,
    implicit: HashMap<FileId, usize>,
}

/// The name of the group a file's undeclared rules form: its stem, `/` read as `-`.
pub(crate) fn implicit_name(stem: &str) -> String {
    stem.replace('/', "-")
}

impl Groups {
    /// The group of a rule declared at `span`, named by `group` (already looked up) or its
    /// file's own.
    pub(super) fn of(&mut self, declared: Option<usize>, span: Span, r: &Resolver) -> usize {
        if let Some(index) = declared {
            return index;
        }
        if let Some(index) = self.implicit.get(&span.file) {
            return *index;
        }
        let stem = r.sources.file(span.file).stem.clone();
        self.list.push(RuleGroup {
            name: implicit_name(&stem),
            file: stem,
            interval: None,
            limit: None,
            query_offset: None,
            labels: Default::default(),
            declared: false,
            order: (span.file.0 as usize, 0),
        });
        self.spans.push(None);
        self.implicit.insert(span.file, self.list.len() - 1);
        self.list.len() - 1
    }
}

impl Resolver<'_> {
    /// Every declared group, in declaration order.
    pub(super) fn declared_groups(&mut self, groups: &[&ast::RuleGroup], model: &Model) -> Groups {
        let mut out = Groups::default();
        let version = model.project.prometheus_version;
        for g in groups {
            let interval = g
                .interval
                .as_ref()
                .and_then(|t| self.positive_duration(t, "a group's interval"));
            let query_offset = g.query_offset.as_ref().and_then(|t| {
                self.needs(
                    version,
                    Version::QUERY_OFFSET,
                    "a group's `query_offset`",
                    t.span,
                );
                self.duration(t)
            });
            let limit = g.limit.as_ref().and_then(|t| {
                self.needs(version, Version::GROUP_LIMIT, "a group's `limit`", t.span);
                match t.value.parse::<u64>() {
                    Ok(n) => Some(n),
                    Err(_) => {
                        self.errors.push(ResolveError::BadSetting {
                            key: "limit".into(),
                            value: t.value.clone(),
                            expected: "a whole number of rules' results (0: no limit)",
                            span: t.span,
                        });
                        None
                    }
                }
            });
            if let Some(first) = g.labels.first() {
                self.needs(
                    version,
                    Version::GROUP_LABELS,
                    "a group's `labels`",
                    first.name.span,
                );
            }
            let file = g.name.span.file;
            out.list.push(RuleGroup {
                name: g
                    .title
                    .as_ref()
                    .map_or_else(|| g.name.value.clone(), |t| t.value.clone()),
                file: self.sources.file(file).stem.clone(),
                interval,
                limit,
                query_offset,
                labels: self.rule_labels(&g.labels),
                declared: true,
                order: (file.0 as usize, g.name.span.start + 1),
            });
            out.spans
                .push(Some(g.title.as_ref().map_or(g.name.span, |t| t.span)));
        }
        out
    }

    /// Prometheus refuses a rule file holding two groups of one name; a Mimir or Cortex
    /// target with one namespace for every file makes every group name unique.
    pub(super) fn check_group_names(&mut self, groups: &Groups, one_namespace: bool) {
        let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
        for (i, g) in groups.list.iter().enumerate() {
            let file = if one_namespace { "" } else { g.file.as_str() };
            match seen.get(&(file, g.name.as_str())) {
                Some(&first) => {
                    let (span, first) = match (groups.spans[i], groups.spans[first]) {
                        (Some(span), first) => (span, first),
                        (None, Some(first)) => (first, None),
                        (None, None) => continue,
                    };
                    self.errors.push(ResolveError::DuplicateGroup {
                        name: g.name.clone(),
                        file: file.to_string(),
                        span,
                        first,
                    });
                }
                None => {
                    seen.insert((file, &g.name), i);
                }
            }
        }
    }

    /// Groups holding LogQL rules: Loki's ruler reads no `query_offset` or group `labels`.
    pub(super) fn check_loki_groups(&mut self, groups: &Groups, used: &[usize]) {
        for &g in used {
            let group = &groups.list[g];
            let Some(span) = groups.spans[g] else {
                continue;
            };
            for (setting, set) in [
                ("query_offset", group.query_offset.is_some()),
                ("labels", !group.labels.is_empty()),
            ] {
                if set {
                    self.errors.push(ResolveError::NotForLoki {
                        setting,
                        group: group.name.clone(),
                        span,
                    });
                }
            }
        }
    }

    /// A feature of the rule format that Prometheus gained in `since`.
    pub(super) fn needs(
        &mut self,
        version: Version,
        since: Version,
        feature: &'static str,
        span: Span,
    ) {
        if version < since {
            self.errors.push(ResolveError::NewerFeature {
                feature: feature.to_string(),
                system: "Prometheus",
                needs: since.to_string(),
                have: version.to_string(),
                span,
            });
        }
    }

    /// The group a rule names, looked up.
    pub(super) fn group_ref(&mut self, group: &Option<ast::Ident>) -> Option<Option<usize>> {
        match group {
            Some(name) => self.lookup("group", name).map(Some),
            None => Some(None),
        }
    }

    /// A recording rule's rules, and the group it names (`None`: its file's). Its `group`
    /// index is set by [`Groups::of`] afterwards, in declaration order.
    pub(super) fn record(
        &mut self,
        rec: &ast::Record,
        model: &Model,
        queries: &[Option<Query>],
    ) -> Option<(Record, Option<usize>)> {
        if !is_metric_name(&rec.name.value) {
            self.errors.push(ResolveError::BadRecordName {
                name: rec.name.value.clone(),
                span: rec.name.span,
            });
        }
        let group = self.group_ref(&rec.group);
        let (expr, language) = match (&rec.expr, &rec.logql) {
            (Some(e), None) => (e, QueryLanguage::PromQl),
            (None, Some(l)) => (l, QueryLanguage::LogQl),
            (Some(_), Some(l)) => {
                self.errors.push(ResolveError::AlertCondition {
                    alert: rec.name.value.clone(),
                    span: l.span,
                    both: true,
                });
                return None;
            }
            (None, None) => {
                self.errors.push(ResolveError::NoQueryBody {
                    query: rec.name.value.clone(),
                    span: rec.name.span,
                });
                return None;
            }
        };
        let (text, used) = match language {
            QueryLanguage::PromQl => {
                let refs = self.query_refs(&promql::dedent(&expr.value), expr.span, queries)?;
                self.rule_shape(&refs.0, expr.span)?;
                refs
            }
            QueryLanguage::LogQl => {
                let text = promql::dedent(&expr.value);
                self.loki_rule(model, expr.span, None)?;
                let probe = super::selector::expand(
                    &text,
                    &[super::selector::Matcher::equal("__selector__", "x")],
                );
                let shape = self.parse_query(QueryLanguage::LogQl, &probe, expr.span, None)?;
                if !shape.rule_value {
                    self.errors.push(super::not_a_rule_value(expr.span, None));
                    return None;
                }
                (text, Vec::new())
            }
        };
        let instances = self.instances(&rec.scope, model, rec.name.span, true)?;
        let mut rules = Vec::new();
        for instance in instances {
            let matchers = match language {
                QueryLanguage::PromQl => &instance.matchers,
                QueryLanguage::LogQl => &instance.log_matchers,
            };
            let expr = self.rule_expr(&text, matchers, expr.span, rec.name.span)?;
            let mut labels = instance.labels;
            labels.extend(self.rule_labels(&rec.scope.labels));
            rules.push(RecordRule {
                environment: instance.environment,
                expr,
                labels: labels.into(),
            });
        }
        let declared = group?;
        let record = Record {
            name: rec.name.value.clone(),
            span: rec.name.span,
            group: 0,
            order: (rec.name.span.file.0 as usize, rec.name.span.start + 1),
            queries: used,
            language,
            rules,
            description: rec.description.as_ref().map(|d| d.value.clone()),
        };
        Some((record, declared))
    }

    /// Replaces every `${name}` of a rule expression with the named query, in parentheses
    /// when it needs them; returns the text and the queries used.
    pub(super) fn query_refs(
        &mut self,
        text: &str,
        span: Span,
        queries: &[Option<Query>],
    ) -> Option<(String, Vec<usize>)> {
        if !text.contains("${") {
            return Some((text.to_string(), Vec::new()));
        }
        let mut out = String::with_capacity(text.len());
        let mut used = Vec::new();
        let mut rest = text;
        let mut failed = false;
        while let Some(open) = rest.find("${") {
            out.push_str(&rest[..open]);
            let after = &rest[open + 2..];
            let Some(close) = after.find('}') else {
                out.push_str(&rest[open..]);
                rest = "";
                break;
            };
            let name = &after[..close];
            // `${1}` in a `label_replace` replacement is Prometheus' own: only names refer.
            let is_name = name
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !is_name {
                out.push_str(&rest[open..open + 2]);
                rest = after;
                continue;
            }
            let offset = text.len() - rest.len() + open;
            // The span of `${name}` when the text is the source's own (not dedented away).
            let at = if text.len() == span.end - span.start {
                span.sub(offset, close + 3)
            } else {
                span
            };
            let ident = ast::Ident::new(name.to_string(), at);
            match self.lookup("query", &ident) {
                Some(index) => match queries.get(index).and_then(Option::as_ref) {
                    Some(q) if q.language == QueryLanguage::LogQl => {
                        self.errors.push(ResolveError::LogqlInRule {
                            query: Some(q.name.clone()),
                            span: at,
                            query_span: Some(q.span),
                        });
                        failed = true;
                    }
                    Some(q) => {
                        // A reference that is the whole expression needs no parentheses.
                        if q.binary && text.trim() != &rest[open..open + close + 3] {
                            out.push('(');
                            out.push_str(&q.text);
                            out.push(')');
                        } else {
                            out.push_str(&q.text);
                        }
                        used.push(index);
                    }
                    None => failed = true,
                },
                None => failed = true,
            }
            rest = &after[close + 1..];
        }
        out.push_str(rest);
        (!failed).then_some((out, used))
    }
}
