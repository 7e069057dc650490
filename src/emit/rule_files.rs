//! Rule files as the Prometheus family reads them: the rules of each source file's groups, in
//! source order, for one query language; and the YAML of a list of groups, written directly
//! (the same text a YAML serializer gives, an order of magnitude faster on large sources).

use super::yaml_scalar::scalar;
use crate::parse::ast::QueryLanguage;
use crate::resolve::model::{AlertRule, Labels, Model, RecordLabels, RuleGroup};
use std::collections::BTreeMap;
use std::fmt::Write;

/// A source file's stem and its groups with their rules, in order.
pub(super) type RuleFile<'a> = (&'a str, Vec<(&'a RuleGroup, Vec<Rule<'a>>)>);

/// One rule of a group, borrowed from the model.
pub(super) enum Rule<'a> {
    Record {
        record: &'a str,
        expr: &'a str,
        labels: &'a RecordLabels,
    },
    Alert {
        alert: &'a str,
        rule: &'a AlertRule,
    },
}

/// The rule files of one language: PromQL for Prometheus and its kin, LogQL for Loki. A
/// declared group is kept even when empty, in the PromQL files only.
pub(super) fn collect(model: &Model, language: QueryLanguage) -> Vec<RuleFile<'_>> {
    // (group order, rank: recordings before alerts of one declaration, position, rule).
    type Entry<'a> = ((usize, usize), u8, usize, Rule<'a>);
    let mut by_group: Vec<Vec<Entry>> = model.groups.iter().map(|_| Vec::new()).collect();
    for record in model.records.iter().filter(|r| r.language == language) {
        let rules = &mut by_group[record.group];
        for r in &record.rules {
            let seq = rules.len();
            rules.push((
                record.order,
                0,
                seq,
                Rule::Record {
                    record: &record.name,
                    expr: &r.expr,
                    labels: &r.labels,
                },
            ));
        }
    }
    for alert in model.alerts.iter().filter(|a| a.language == language) {
        let rules = &mut by_group[alert.group];
        for rule in alert.rules.iter().chain(&alert.escalations) {
            let seq = rules.len();
            rules.push((
                alert.order,
                1,
                seq,
                Rule::Alert {
                    alert: &alert.name,
                    rule,
                },
            ));
        }
    }
    let keep_empty = language == QueryLanguage::PromQl;
    let mut files: BTreeMap<&str, Vec<(&RuleGroup, Vec<Rule>)>> = BTreeMap::new();
    let mut groups: Vec<(usize, Vec<Entry>)> = by_group.into_iter().enumerate().collect();
    groups.sort_by_key(|(i, _)| model.groups[*i].order);
    for (index, mut rules) in groups {
        let group = &model.groups[index];
        if rules.is_empty() && !(group.declared && keep_empty) {
            continue;
        }
        rules.sort_by_key(|(order, rank, seq, _)| (*order, *rank, *seq));
        let rules = rules.into_iter().map(|(.., rule)| rule).collect();
        files.entry(&group.file).or_default().push((group, rules));
    }
    files.into_iter().collect()
}

/// What a target adds to every group.
#[derive(Default, Clone, Copy)]
pub(super) struct GroupExtras<'a> {
    /// Thanos' `partial_response_strategy`.
    pub partial_response_strategy: Option<&'a str>,
    /// Loki's ruler reads no `query_offset` or group `labels` (refused before emitting).
    pub prometheus_fields: bool,
}

/// `groups:` and every group with its settings and rules, at the left margin.
pub(super) fn groups(out: &mut String, groups: &[(&RuleGroup, Vec<Rule>)], extras: GroupExtras) {
    out.push_str("groups:\n");
    items(out, groups, extras);
}

/// The items of a `groups:` list: each group with its settings and rules.
pub(super) fn items(out: &mut String, groups: &[(&RuleGroup, Vec<Rule>)], extras: GroupExtras) {
    let size: usize = groups.iter().map(|(_, rules)| rules.len()).sum();
    out.reserve(size * 512);
    for (group, rules) in groups {
        group_header(out, group, extras);
        if rules.is_empty() {
            out.push_str("  rules: []\n");
            continue;
        }
        out.push_str("  rules:\n");
        for rule in rules {
            match rule {
                Rule::Record {
                    record,
                    expr,
                    labels,
                } => {
                    field(out, "  - record: ", record);
                    field(out, "    expr: ", expr);
                    if !labels.is_empty() {
                        map(out, "    ", "labels", labels.iter());
                    }
                }
                Rule::Alert { alert, rule } => {
                    field(out, "  - alert: ", alert);
                    field(out, "    expr: ", &rule.expr);
                    if let Some(f) = rule.for_ {
                        let _ = writeln!(out, "    for: {f}");
                    }
                    if let Some(k) = rule.keep_firing_for {
                        let _ = writeln!(out, "    keep_firing_for: {k}");
                    }
                    map(out, "    ", "labels", pairs(&rule.labels));
                    map(out, "    ", "annotations", pairs(&rule.annotations));
                }
            }
        }
    }
}

/// `- name: ...` and the group's settings.
fn group_header(out: &mut String, group: &RuleGroup, extras: GroupExtras) {
    field(out, "- name: ", &group.name);
    if let Some(interval) = group.interval {
        let _ = writeln!(out, "  interval: {interval}");
    }
    if let (Some(offset), true) = (group.query_offset, extras.prometheus_fields) {
        let _ = writeln!(out, "  query_offset: {offset}");
    }
    if let Some(limit) = group.limit {
        let _ = writeln!(out, "  limit: {limit}");
    }
    if let Some(strategy) = extras.partial_response_strategy {
        let _ = writeln!(out, "  partial_response_strategy: {strategy}");
    }
    if !group.labels.is_empty() && extras.prometheus_fields {
        map(out, "  ", "labels", pairs(&group.labels));
    }
}

/// `prefix` (a key, indented) and its scalar value, on its own line.
pub(super) fn field(out: &mut String, prefix: &str, value: &str) {
    out.push_str(prefix);
    let indent = prefix.len() - prefix.trim_start_matches([' ', '-']).len();
    scalar(out, value, indent);
    out.push('\n');
}

/// `labels` or `annotations` at `indent`: `{}` when empty, else one key per line.
/// A label map's entries as [`map`] takes them.
pub(super) fn pairs(labels: &Labels) -> impl Iterator<Item = (&str, &str)> {
    labels.iter().map(|(k, v)| (k.as_str(), v.as_str()))
}

pub(super) fn map<'a>(
    out: &mut String,
    indent: &str,
    key: &str,
    entries: impl Iterator<Item = (&'a str, &'a str)>,
) {
    let mut entries = entries.peekable();
    if entries.peek().is_none() {
        let _ = writeln!(out, "{indent}{key}: {{}}");
        return;
    }
    let _ = writeln!(out, "{indent}{key}:");
    let inner = indent.len() + 2;
    for (k, v) in entries {
        for _ in 0..inner {
            out.push(' ');
        }
        scalar(out, k, inner);
        out.push_str(": ");
        scalar(out, v, inner);
        out.push('\n');
    }
}

/// `text` with every non-empty line indented by `by` spaces (a YAML document nested under a
/// key; the lines of literal blocks keep their relative indentation).
pub(super) fn indented(text: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    let mut out = String::with_capacity(text.len() + text.lines().count() * by);
    for line in text.split_inclusive('\n') {
        if line != "\n" {
            out.push_str(&pad);
        }
        out.push_str(line);
    }
    out
}
