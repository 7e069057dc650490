//! Prometheus rule groups to the language: a `group` per group, a `record` per recording rule,
//! an `alert` per alert name (its rules of several severities or labels becoming variants),
//! and a query with a threshold where an alert is `query OP number`.

use super::rule_file::{Document, Group, Kind, Labels, Rule};
use super::ImportError;
use crate::parse::ast::*;
use crate::print::is_name as is_ident;
use crate::resolve::promql::parse_full;
use crate::source::{FileId, Span, Spanned};
use promql_parser::parser::Expr;
use std::collections::{BTreeSet, HashMap, HashSet};

/// Names already taken, by kind: those of the rules directory and of the files imported so far.
#[derive(Default)]
pub(crate) struct Taken {
    names: HashMap<&'static str, HashSet<String>>,
}

impl Taken {
    pub(crate) fn take(&mut self, kind: &'static str, name: &str) -> bool {
        self.names.entry(kind).or_default().insert(name.to_string())
    }

    pub(crate) fn has(&self, kind: &'static str, name: &str) -> bool {
        self.names.get(kind).is_some_and(|n| n.contains(name))
    }

    /// `base`, or `base_2`, `base_3`... whichever is free; taken on return.
    fn fresh(&mut self, kind: &'static str, base: &str) -> String {
        let mut name = base.to_string();
        let mut n = 2;
        while self.has(kind, &name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        self.take(kind, &name);
        name
    }
}

/// One converted file: its syntax tree and the severities its alerts use.
pub(crate) struct Converted {
    pub ast: SourceAst,
    pub severities: BTreeSet<String>,
    /// Whether the groups use `query_offset` (Prometheus 2.53) or `labels` (3.0).
    pub needs: Option<crate::resolve::version::Version>,
}

fn at() -> Span {
    Span::new(FileId(0), 0, 0)
}

fn text(value: &str) -> Text {
    Spanned::new(value.to_string(), at())
}

pub(super) fn pairs(labels: &Labels) -> Vec<LabelPair> {
    labels
        .iter()
        .map(|(k, v)| LabelPair {
            name: text(k),
            value: text(v),
        })
        .collect()
}

/// `node-exporter.rules` -> `node_exporter_rules`; `KubePodCrashLooping` ->
/// `kube_pod_crash_looping`.
fn snake(name: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if previous_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            previous_lower = false;
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
            previous_lower = true;
        } else {
            if !out.ends_with('_') && !out.is_empty() {
                out.push('_');
            }
            previous_lower = false;
        }
    }
    let out = out.trim_end_matches('_').to_string();
    match out.chars().next() {
        None => "imported".to_string(),
        Some(c) if c.is_ascii_digit() => format!("_{out}"),
        Some(_) => out,
    }
}

/// A duration as written, or nothing when it is zero (`for: 0m` is no `for`).
fn nonzero(text: &Option<String>) -> Option<&str> {
    text.as_deref()
        .filter(|t| crate::resolve::duration::Duration::parse(t).map_or(true, |d| d.0 != 0))
}

/// Converts one file's documents. `own_group` is the name of the group the file's undeclared
/// rules form; a group of that name without settings is that group, not declared.
pub(crate) fn convert(
    path: &str,
    documents: &[Document],
    own_group: &str,
    taken: &mut Taken,
) -> Result<Converted, ImportError> {
    let mut converted = Converted {
        ast: SourceAst::default(),
        severities: BTreeSet::new(),
        needs: None,
    };
    let unsupported = |group: &Group, rule: Option<&Rule>, what: String| ImportError::Unsupported {
        path: path.to_string(),
        group: group.name.clone(),
        rule: rule.map(Rule::described),
        what,
    };
    let mut alert_names: HashSet<&str> = HashSet::new();
    for group in documents.iter().flat_map(|d| &d.groups) {
        if let Some(key) = group.labels.keys().find(|k| !is_ident(k)) {
            return Err(unsupported(group, None, format!("the group label `{key}`")));
        }
        if group.query_offset.is_some() {
            need(
                &mut converted.needs,
                crate::resolve::version::Version::QUERY_OFFSET,
            );
        }
        if !group.labels.is_empty() {
            need(
                &mut converted.needs,
                crate::resolve::version::Version::GROUP_LABELS,
            );
        }
        let settings = group.interval.is_some()
            || group.limit.is_some()
            || group.query_offset.is_some()
            || !group.labels.is_empty();
        // An empty group must be declared to be kept: a file's own group exists by its rules.
        // The file's own group needs no declaration; another holds its rules in its block.
        let declared = if group.name == own_group && !settings && !group.rules.is_empty() {
            None
        } else {
            Some(declare_group(group, taken))
        };
        // Rules, and (before a declared group's block) the queries and thresholds they use.
        let mut rules_out: Vec<Declaration> = Vec::new();
        let mut support: Vec<Declaration> = Vec::new();
        // Alerts by name, in the order each name first appears.
        let mut by_name: Vec<(&str, Vec<&Rule>)> = Vec::new();
        let mut order: Vec<Result<&Rule, usize>> = Vec::new();
        for rule in &group.rules {
            for key in rule.labels.keys().chain(rule.annotations.keys()) {
                if !is_ident(key) {
                    let what = format!("the label or annotation name `{key}`");
                    return Err(unsupported(group, Some(rule), what));
                }
            }
            match rule.kind {
                Kind::Record => order.push(Ok(rule)),
                Kind::Alert => match by_name.iter_mut().find(|(n, _)| *n == rule.name) {
                    Some((_, rules)) => rules.push(rule),
                    None => {
                        if !alert_names.insert(&rule.name) || !taken.take("alert", &rule.name) {
                            let what = "an alert name used already, in another group or in the rules directory: watchbook alert names are unique, and their variants live in one group".to_string();
                            return Err(unsupported(group, Some(rule), what));
                        }
                        order.push(Err(by_name.len()));
                        by_name.push((&rule.name, vec![rule]));
                    }
                },
            }
        }
        for item in order {
            match item {
                Ok(rule) => rules_out.push(Declaration::Record(Record {
                    name: text(&rule.name),
                    expr: Some(text(rule.expr.trim_end())),
                    logql: None,
                    scope: Scope {
                        labels: pairs(&rule.labels),
                        ..Scope::default()
                    },
                    group: None,
                    description: None,
                })),
                Err(index) => {
                    let (_, rules) = &by_name[index];
                    for r in rules {
                        match r.labels.get("severity") {
                            Some(s) if is_ident(s) => {
                                converted.severities.insert(s.clone());
                            }
                            Some(s) => {
                                let what = format!("the severity `{s}`, which is not a name of the language; declare a severity and route on another label");
                                return Err(unsupported(group, Some(r), what));
                            }
                            None => {
                                let what =
                                    "no `severity` label: every watchbook alert has a severity"
                                        .to_string();
                                return Err(unsupported(group, Some(r), what));
                            }
                        }
                    }
                    let declarations = alert(rules, None, taken)
                        .map_err(|what| unsupported(group, Some(rules[0]), what))?;
                    for d in declarations {
                        match (&declared, d) {
                            (Some(_), d @ (Declaration::Query(_) | Declaration::Threshold(_))) => {
                                support.push(d)
                            }
                            (_, d) => rules_out.push(d),
                        }
                    }
                }
            }
        }
        match declared {
            Some(mut g) => {
                g.rules = rules_out;
                converted.ast.declarations.extend(support);
                converted.ast.declarations.push(Declaration::Group(g));
            }
            None => converted.ast.declarations.extend(rules_out),
        }
    }
    Ok(converted)
}

/// `group NAME "title" { ... }` for a group, its rules still to come; notes the Prometheus
/// version its settings need.
fn declare_group(group: &Group, taken: &mut Taken) -> crate::parse::ast::RuleGroup {
    let ident = taken.fresh("group", &snake(&group.name));
    let title = (ident != group.name).then(|| text(&group.name));
    crate::parse::ast::RuleGroup {
        name: text(&ident),
        title,
        interval: group.interval.as_deref().map(text),
        limit: group.limit.as_deref().map(text),
        query_offset: group.query_offset.as_deref().map(text),
        labels: pairs(&group.labels),
        description: None,
        rules: Vec::new(),
    }
}

fn need(slot: &mut Option<crate::resolve::version::Version>, v: crate::resolve::version::Version) {
    *slot = Some(slot.map_or(v, |s| s.max(v)));
}

/// A comparison with a number at the top of an alert's expression: the text before the
/// operator, the comparison, and the number as the language writes it.
fn split_comparison(expr: &str) -> Option<(String, Comparison, String)> {
    let parsed = parse_full(expr)?;
    // `( a > 5 )`: the parentheses around the whole say nothing.
    if let Expr::Paren(_) = parsed {
        let trimmed = expr.trim();
        let inner = trimmed.strip_prefix('(')?.strip_suffix(')')?;
        let reparsed = parse_full(inner)?;
        return if super::compare::same_expr(&reparsed, &parsed) {
            split_comparison(inner)
        } else {
            None
        };
    }
    let Expr::Binary(binary) = &parsed else {
        return None;
    };
    if !binary.op.is_comparison_operator() || binary.modifier.is_some() {
        return None;
    }
    let Expr::NumberLiteral(number) = binary.rhs.as_ref() else {
        return None;
    };
    if !number.val.is_finite() || matches!(binary.lhs.as_ref(), Expr::NumberLiteral(_)) {
        return None;
    }
    // The operator is the last comparison in the text: only a number follows it.
    let trimmed = expr.trim_end();
    let position = trimmed.rfind(['<', '>', '=', '!'])?;
    let (start, op) = match (
        trimmed[..position].chars().last(),
        &trimmed[position..position + 1],
    ) {
        (Some(p @ ('<' | '>' | '=' | '!')), "=") => (position - 1, format!("{p}=")),
        (_, "=" | "!") => return None,
        (_, op) => (position, op.to_string()),
    };
    let comparison = Comparison::from_word(&op)?;
    let lhs = trimmed[..start].trim_end();
    let lhs_parsed = parse_full(lhs)?;
    if !super::compare::same_expr(&lhs_parsed, &binary.lhs) {
        return None;
    }
    Some((lhs.to_string(), comparison, format!("{}", number.val)))
}

/// The language's level of a severity: `critical`, else `warning`.
fn level_of(severity: &str) -> Level {
    if severity == "critical" {
        Level::Critical
    } else {
        Level::Warning
    }
}

/// Whether a warning and a critical comparison are in the order the compiler checks.
fn in_order(warning: (Comparison, f64), critical: (Comparison, f64)) -> bool {
    match (warning.0.direction(), critical.0.direction()) {
        (Some(w), Some(c)) if w != c => false,
        (Some(Direction::Above), Some(_)) => {
            warning.1 < critical.1
                || (warning.1 == critical.1
                    && warning.0 == Comparison::AtLeast
                    && critical.0 == Comparison::Above)
        }
        (Some(Direction::Below), Some(_)) => {
            warning.1 > critical.1
                || (warning.1 == critical.1
                    && warning.0 == Comparison::AtMost
                    && critical.0 == Comparison::Below)
        }
        _ => true,
    }
}

/// The keys whose value every rule shares.
fn common(maps: &[&Labels]) -> Labels {
    let Some(first) = maps.first() else {
        return Labels::new();
    };
    first
        .iter()
        .filter(|(k, v)| maps.iter().all(|m| m.get(*k) == Some(*v)))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn without(map: &Labels, keys: &Labels) -> Labels {
    map.iter()
        .filter(|(k, _)| !keys.contains_key(*k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Summary, description and other annotations into a rule body.
fn texts(body: &mut RuleBody, annotations: &Labels) {
    for (key, value) in annotations {
        match key.as_str() {
            "summary" => body.summary = Some(text(value)),
            "description" => body.description = Some(text(value)),
            "runbook_url" => {}
            _ => body.annotations.push(LabelPair {
                name: text(key),
                value: text(value),
            }),
        }
    }
}

/// An alert's rules (one per severity or label set) as declarations: the alert, preceded by
/// its query and threshold when it compares a query with numbers.
fn alert(
    rules: &[&Rule],
    group: Option<Ident>,
    taken: &mut Taken,
) -> Result<Vec<Declaration>, String> {
    let name = &rules[0].name;
    let severities: Vec<&str> = rules
        .iter()
        .map(|r| r.labels.get("severity").map_or("", String::as_str))
        .collect();
    let runbooks: BTreeSet<Option<&String>> = rules
        .iter()
        .map(|r| r.annotations.get("runbook_url"))
        .collect();
    if runbooks.len() > 1 {
        return Err("rules of one name with different `runbook_url`s".into());
    }
    let runbook_url = match runbooks.into_iter().next().flatten() {
        Some(url) => RunbookUrl::Url(text(url)),
        None => RunbookUrl::None(at()),
    };
    let label_maps: Vec<Labels> = rules
        .iter()
        .map(|r| {
            let mut l = r.labels.clone();
            l.remove("severity");
            l
        })
        .collect();
    let shared_labels = common(&label_maps.iter().collect::<Vec<_>>());
    let annotation_maps: Vec<&Labels> = rules.iter().map(|r| &r.annotations).collect();
    let shared_annotations = common(&annotation_maps);
    let fors: BTreeSet<Option<&str>> = rules.iter().map(|r| nonzero(&r.for_)).collect();
    let keeps: BTreeSet<Option<&str>> = rules.iter().map(|r| nonzero(&r.keep_firing_for)).collect();

    // A threshold: every rule compares one query with a number, at distinct levels in order.
    let splits: Vec<Option<(String, Comparison, String)>> =
        rules.iter().map(|r| split_comparison(&r.expr)).collect();
    let levels: Vec<Level> = severities.iter().map(|s| level_of(s)).collect();
    let distinct_levels = levels.iter().collect::<BTreeSet<_>>().len() == levels.len();
    let same_query = splits.iter().all(|s| {
        s.as_ref()
            .zip(splits[0].as_ref())
            .is_some_and(|(a, b)| a.0.trim() == b.0.trim())
    });
    let ordered = match (splits.as_slice(), levels.as_slice()) {
        ([Some(a), Some(b)], [la, lb]) if la != lb => {
            let value = |s: &(String, Comparison, String)| (s.1, s.2.parse::<f64>().unwrap_or(0.0));
            let (w, c) = if *la == Level::Warning {
                (a, b)
            } else {
                (b, a)
            };
            in_order(value(w), value(c))
        }
        _ => true,
    };
    let thresholded = same_query && distinct_levels && ordered && rules.len() <= 2;

    let mut declarations = Vec::new();
    let mut a = Alert {
        name: text(name),
        severity: None,
        body: RuleBody::default(),
        variants: Vec::new(),
        scope: Scope::default(),
        runbook_url: Some(runbook_url),
        reason: None,
        group,
        investigate: Vec::new(),
        causes: Vec::new(),
        resolve: Vec::new(),
        examples: Vec::new(),
    };
    let query = if thresholded {
        let query = taken.fresh("query", &snake(name));
        taken.take("threshold", &query);
        let (lhs, _, _) = splits[0].as_ref().ok_or("no comparison")?;
        declarations.push(Declaration::Query(crate::parse::ast::Query {
            name: text(&query),
            title: None,
            body: Some((QueryLanguage::PromQl, text(lhs.trim()))),
            unit: None,
            topic: None,
            description: None,
        }));
        let bounds = splits
            .iter()
            .zip(&levels)
            .filter_map(|(s, level)| {
                let (_, comparison, number) = s.as_ref()?;
                Some(Bound {
                    level: Spanned::new(*level, at()),
                    comparison: Spanned::new(*comparison, at()),
                    value: text(number),
                    upper: None,
                })
            })
            .collect();
        declarations.push(Declaration::Threshold(crate::parse::ast::Threshold {
            name: text(&query),
            query: None,
            bounds,
            metric: None,
            description: None,
            reason: None,
        }));
        Some(query)
    } else {
        None
    };
    let when = |i: usize, for_: Option<&str>| When {
        threshold: text(query.as_deref().unwrap_or_default()),
        level: Spanned::new(levels[i], at()),
        for_: for_.map(text),
        span: at(),
    };
    // One rule, or rules that differ only in severity and `for`: `when`s at the top.
    let uniform = label_maps.iter().all(|l| *l == shared_labels)
        && annotation_maps.iter().all(|m| **m == shared_annotations)
        && keeps.len() == 1;
    let plain_severities = severities
        .iter()
        .zip(&levels)
        .all(|(s, l)| *s == level_name(*l));
    a.scope.labels = pairs(&shared_labels);
    if rules.len() == 1 || (thresholded && uniform && plain_severities) {
        texts(&mut a.body, &shared_annotations);
        a.body.keep_firing_for = nonzero(&rules[0].keep_firing_for).map(text);
        match &query {
            Some(_) => {
                for (i, r) in rules.iter().enumerate() {
                    a.body.whens.push(when(i, nonzero(&r.for_)));
                }
                if rules.len() == 1 && severities[0] != level_name(levels[0]) {
                    a.severity = Some(text(severities[0]));
                }
            }
            None => {
                a.body.expr = Some(text(rules[0].expr.trim_end()));
                a.body.for_ = nonzero(&rules[0].for_).map(text);
                a.severity = Some(text(severities[0]));
            }
        }
        declarations.push(Declaration::Alert(Box::new(a)));
        return Ok(declarations);
    }
    // Variants: what all share at the top, the rest in each.
    texts(&mut a.body, &shared_annotations);
    if fors.len() == 1 {
        a.body.for_ = nonzero(&rules[0].for_).map(text);
    }
    if keeps.len() == 1 {
        a.body.keep_firing_for = nonzero(&rules[0].keep_firing_for).map(text);
    }
    for (i, r) in rules.iter().enumerate() {
        let mut body = RuleBody::default();
        match &query {
            Some(_) => body.whens.push(when(i, None)),
            None => body.expr = Some(text(r.expr.trim_end())),
        }
        if fors.len() > 1 {
            body.for_ = nonzero(&r.for_).map(text);
        }
        if keeps.len() > 1 {
            body.keep_firing_for = nonzero(&r.keep_firing_for).map(text);
        }
        body.labels = pairs(&without(&label_maps[i], &shared_labels));
        texts(&mut body, &without(&r.annotations, &shared_annotations));
        a.variants.push(Variant {
            severity: text(severities[i]),
            body,
        });
    }
    declarations.push(Declaration::Alert(Box::new(a)));
    Ok(declarations)
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Target => "target",
        Level::Warning => "warning",
        Level::Critical => "critical",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_snake_case() {
        assert_eq!(snake("KubePodCrashLooping"), "kube_pod_crash_looping");
        assert_eq!(snake("node-exporter.rules"), "node_exporter_rules");
        assert_eq!(
            snake("kube-apiserver-burnrate.rules"),
            "kube_apiserver_burnrate_rules"
        );
        assert_eq!(snake("2fast"), "_2fast");
    }

    #[test]
    fn finds_the_comparison_at_the_top() {
        let (lhs, c, n) = split_comparison("sum(rate(x_total[5m])) by (job) > 0.05").unwrap();
        assert_eq!(
            (lhs.as_str(), c, n.as_str()),
            ("sum(rate(x_total[5m])) by (job)", Comparison::Above, "0.05")
        );
        let (lhs, c, n) = split_comparison("a / b * 100 <= 1e2\n").unwrap();
        assert_eq!(
            (lhs.as_str(), c, n.as_str()),
            ("a / b * 100", Comparison::AtMost, "100")
        );
        assert_eq!(split_comparison("up == 0").unwrap().1, Comparison::Equal);
        assert_eq!(
            split_comparison("(\n  a / b > 5\n)\n").unwrap().0.trim(),
            "a / b"
        );
        for raw in [
            "up",
            "up > bool 1",
            "(a) + (b > 1)",
            "a > 1 and b",
            "1 < 2",
            "a > on() b",
            "a > b",
        ] {
            assert!(split_comparison(raw).is_none(), "{raw}");
        }
    }
}
