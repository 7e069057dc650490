//! Two models compared: alerts matched by name (renames found by their rules), thresholds
//! read with their direction, routes walked in both trees, and the rest by name.

use super::report::*;
use crate::parse::ast::Comparison;
use crate::resolve::model::{Alert, Condition, Model};
use crate::resolve::route_tree;
use crate::source::SourceMap;
use std::collections::{BTreeMap, BTreeSet};

/// The two sides: the model and its sources (for locations).
pub(crate) struct Side<'a> {
    pub model: &'a Model,
    pub sources: &'a SourceMap,
}

pub(crate) fn compare(base: &Side, head: &Side, label: &str) -> Report {
    let mut report = Report {
        base: label.to_string(),
        ..Report::default()
    };
    alerts(base, head, &mut report);
    named_changes(base.model, head.model, &mut report);
    slos(base.model, head.model, &mut report);
    dashboards(base.model, head.model, &mut report);
    runbook(base.model, head.model, &mut report);
    summarise(&mut report);
    report
}

/// Alert declarations by name: their variants, in order.
fn declarations(model: &Model) -> BTreeMap<&str, Vec<&Alert>> {
    let mut out: BTreeMap<&str, Vec<&Alert>> = BTreeMap::new();
    for a in &model.alerts {
        out.entry(a.name.as_str()).or_default().push(a);
    }
    out
}

fn severity<'a>(model: &'a Model, a: &Alert) -> &'a str {
    &model.severities[a.severity].name
}

fn at(side: &Side, a: &Alert) -> String {
    let (line, _) = side.sources.line_col(a.span.file, a.span.start);
    format!("{}:{line}", side.sources.file(a.span.file).display)
}

/// What identifies an alert's rules apart from its name: environment and expression.
fn fingerprint(model: &Model, a: &Alert) -> Vec<(String, String)> {
    a.rules
        .iter()
        .map(|r| {
            let env = r
                .environment
                .map(|e| model.environments[e].name.clone())
                .unwrap_or_default();
            (env, r.expr.clone())
        })
        .collect()
}

fn alerts(base: &Side, head: &Side, report: &mut Report) {
    let (old, new) = (declarations(base.model), declarations(head.model));
    let mut removed: Vec<&str> = old
        .keys()
        .filter(|n| !new.contains_key(*n))
        .copied()
        .collect();
    let mut added: Vec<&str> = new
        .keys()
        .filter(|n| !old.contains_key(*n))
        .copied()
        .collect();
    // A rename: a removed alert and an added one with the same rules (expressions and
    // labels, per environment).
    let mut pairs: Vec<(&str, &str)> = old
        .keys()
        .filter(|n| new.contains_key(*n))
        .map(|n| (*n, *n))
        .collect();
    for from in removed.clone() {
        let print = |m: &Model, v: &[&Alert]| -> Vec<_> {
            v.iter()
                .map(|a| (severity(m, a).to_string(), fingerprint(m, a)))
                .collect()
        };
        let wanted = print(base.model, &old[from]);
        if let Some(pos) = added
            .iter()
            .position(|to| print(head.model, &new[to]) == wanted)
        {
            let to = added.remove(pos);
            removed.retain(|r| *r != from);
            report.alerts.renamed.push(Rename {
                from: from.to_string(),
                to: to.to_string(),
                severity: severity(head.model, new[to][0]).to_string(),
            });
            pairs.push((from, to));
        }
    }
    for name in removed {
        for a in &old[name] {
            report.alerts.removed.push(AlertRef {
                name: name.to_string(),
                severity: severity(base.model, a).to_string(),
                at: String::new(),
            });
        }
    }
    for name in added {
        for a in &new[name] {
            report.alerts.added.push(AlertRef {
                name: name.to_string(),
                severity: severity(head.model, a).to_string(),
                at: at(head, a),
            });
        }
    }
    for (from, to) in pairs {
        let (before, after) = (&old[from], &new[to]);
        // One variant each: matched whatever its severity. Several: by severity.
        let matched: Vec<(&Alert, &Alert)> = if before.len() == 1 && after.len() == 1 {
            vec![(before[0], after[0])]
        } else {
            let mut matched = Vec::new();
            for b in before {
                let same = after
                    .iter()
                    .find(|a| severity(head.model, a) == severity(base.model, b));
                match same {
                    Some(a) => matched.push((*b, *a)),
                    None => report.alerts.removed.push(AlertRef {
                        name: from.to_string(),
                        severity: severity(base.model, b).to_string(),
                        at: String::new(),
                    }),
                }
            }
            for a in after {
                if !before
                    .iter()
                    .any(|b| severity(base.model, b) == severity(head.model, a))
                {
                    report.alerts.added.push(AlertRef {
                        name: to.to_string(),
                        severity: severity(head.model, a).to_string(),
                        at: at(head, a),
                    });
                }
            }
            matched
        };
        for (b, a) in matched {
            let changes = alert_changes(base.model, head.model, b, a);
            if !changes.is_empty() {
                report.alerts.changed.push(AlertChange {
                    name: to.to_string(),
                    severity: severity(head.model, a).to_string(),
                    at: at(head, a),
                    changes,
                });
            }
            routes(base.model, head.model, b, a, &mut report.routing);
        }
    }
}

fn change(field: &str, before: String, after: String) -> FieldChange {
    FieldChange {
        field: field.to_string(),
        before,
        after,
        direction: None,
        reason: None,
    }
}

fn or_none(text: Option<String>) -> String {
    text.unwrap_or_else(|| "(none)".into())
}

/// The reason the head gives, when it is new: a reason left over from an earlier change
/// does not explain this one.
fn new_reason(before: &Option<String>, after: &Option<String>) -> Option<String> {
    after.clone().filter(|_| after != before)
}

fn alert_changes(base: &Model, head: &Model, b: &Alert, a: &Alert) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let reason = new_reason(&b.reason, &a.reason);
    let threshold_moved = threshold(base, head, b, a, &mut out);
    let (sb, sa) = (severity(base, b), severity(head, a));
    if sb != sa {
        let (rb, ra) = (rank(base, sb), rank(head, sa));
        let mut c = change("severity", sb.to_string(), sa.to_string());
        // A later severity in the declared order is a less urgent one.
        c.direction = match (rb, ra) {
            (Some(x), Some(y)) if y > x => Some(Direction::Looser),
            (Some(x), Some(y)) if y < x => Some(Direction::Stricter),
            _ => None,
        };
        out.push(c);
    }
    if b.for_ != a.for_ {
        let ms = |d: Option<crate::resolve::duration::Duration>| d.map_or(0, |d| d.0);
        let mut c = change(
            "for",
            or_none(b.for_.map(|d| d.to_string())),
            or_none(a.for_.map(|d| d.to_string())),
        );
        c.direction = Some(if ms(a.for_) > ms(b.for_) {
            Direction::Looser
        } else {
            Direction::Stricter
        });
        out.push(c);
    }
    if b.keep_firing_for != a.keep_firing_for {
        out.push(change(
            "keep_firing_for",
            or_none(b.keep_firing_for.map(|d| d.to_string())),
            or_none(a.keep_firing_for.map(|d| d.to_string())),
        ));
    }
    for (field, before, after) in [
        ("summary", &b.summary, &a.summary),
        ("description", &b.description, &a.description),
    ] {
        if before != after {
            out.push(change(
                field,
                or_none(before.clone()),
                or_none(after.clone()),
            ));
        }
    }
    labels(b, a, &mut out);
    annotations(b, a, &mut out);
    if !threshold_moved {
        let envs = |m: &Model, x: &Alert| -> BTreeMap<String, String> {
            fingerprint(m, x).into_iter().collect()
        };
        let (eb, ea) = (envs(base, b), envs(head, a));
        for (env, expr) in &ea {
            match eb.get(env) {
                Some(old) if old != expr => {
                    let field = if env.is_empty() {
                        "expression".to_string()
                    } else {
                        format!("expression ({env})")
                    };
                    out.push(change(&field, old.clone(), expr.clone()));
                }
                None if !env.is_empty() => {
                    out.push(change("environments", "(without)".into(), env.clone()))
                }
                _ => {}
            }
        }
        for env in eb.keys().filter(|e| !e.is_empty() && !ea.contains_key(*e)) {
            out.push(change("environments", env.clone(), "(without)".into()));
        }
    }
    // The alert's reason covers what the threshold's own reason does not.
    for c in &mut out {
        if c.direction == Some(Direction::Looser) && c.reason.is_none() {
            c.reason = reason.clone();
        }
    }
    out
}

fn rank(model: &Model, severity: &str) -> Option<usize> {
    model.severities.iter().position(|s| s.name == severity)
}

/// The threshold an alert fires on, and its bound at the alert's level.
fn bound<'a>(
    m: &'a Model,
    x: &Alert,
) -> Option<(
    &'a crate::resolve::model::Threshold,
    &'a crate::resolve::model::Bound,
)> {
    match &x.condition {
        Condition::Threshold { threshold, level } => {
            let t = &m.thresholds[*threshold];
            t.bound(*level).map(|bound| (t, bound))
        }
        _ => None,
    }
}

/// The threshold's value at the alert's level, with its direction. Returns whether it moved.
fn threshold(base: &Model, head: &Model, b: &Alert, a: &Alert, out: &mut Vec<FieldChange>) -> bool {
    let (Some((tb, vb)), Some((ta, va))) = (bound(base, b), bound(head, a)) else {
        return false;
    };
    if vb.value == va.value && vb.upper == va.upper && vb.comparison == va.comparison {
        return false;
    }
    let mut c = change(
        &format!("threshold {} ({:?})", ta.name, va.level).to_lowercase(),
        vb.shown.clone(),
        va.shown.clone(),
    );
    // Firing above a value: a higher value fires less. Below: a lower one does.
    c.direction = if vb.comparison != va.comparison || va.upper.is_some() {
        None
    } else {
        match va.comparison {
            Comparison::Above | Comparison::AtLeast if va.value > vb.value => {
                Some(Direction::Looser)
            }
            Comparison::Above | Comparison::AtLeast => Some(Direction::Stricter),
            Comparison::Below | Comparison::AtMost if va.value < vb.value => {
                Some(Direction::Looser)
            }
            Comparison::Below | Comparison::AtMost => Some(Direction::Stricter),
            _ => None,
        }
    };
    if c.direction == Some(Direction::Looser) {
        c.reason = new_reason(&tb.reason, &ta.reason);
    }
    out.push(c);
    true
}

/// Labels of the alert's first rule, but those every rule of an alert carries by
/// construction (`severity`, the environment's).
fn labels(b: &Alert, a: &Alert, out: &mut Vec<FieldChange>) {
    let get = |x: &Alert| {
        x.rules
            .first()
            .map(|r| {
                r.labels
                    .iter()
                    .filter(|(k, _)| !matches!(k.as_str(), "severity" | "environment"))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect::<BTreeMap<_, _>>()
            })
            .unwrap_or_default()
    };
    let (lb, la) = (get(b), get(a));
    let keys: BTreeSet<&String> = lb.keys().chain(la.keys()).collect();
    for k in keys {
        if lb.get(k) != la.get(k) {
            out.push(change(
                &format!("label {k}"),
                or_none(lb.get(k).cloned()),
                or_none(la.get(k).cloned()),
            ));
        }
    }
}

/// Annotations other than the summary and description (compared as written, above):
/// `runbook_url`, `dashboard_url` and the source's own.
fn annotations(b: &Alert, a: &Alert, out: &mut Vec<FieldChange>) {
    let get = |x: &Alert| {
        x.rules
            .first()
            .map(|r| {
                r.annotations
                    .iter()
                    .filter(|(k, _)| !matches!(k.as_str(), "summary" | "description"))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect::<BTreeMap<_, _>>()
            })
            .unwrap_or_default()
    };
    let (ab, aa) = (get(b), get(a));
    let keys: BTreeSet<&String> = ab.keys().chain(aa.keys()).collect();
    for k in keys {
        if ab.get(k) != aa.get(k) {
            out.push(change(
                &format!("annotation {k}"),
                or_none(ab.get(k).cloned()),
                or_none(aa.get(k).cloned()),
            ));
        }
    }
}

/// Who each rule of the alert reaches, before and after.
fn routes(base: &Model, head: &Model, b: &Alert, a: &Alert, out: &mut Vec<RouteChange>) {
    let reach = |m: &Model, x: &Alert, env: &Option<String>| -> Option<(Vec<String>, bool)> {
        let rule = x
            .rules
            .iter()
            .find(|r| r.environment.map(|e| m.environments[e].name.clone()) == *env)?;
        let mut labels = rule.labels.clone();
        labels.insert("alertname".into(), x.name.clone());
        let d = route_tree::route(&m.routing.root, &labels);
        let pages = d
            .receivers
            .iter()
            .any(|r| m.receivers[*r].integrations.iter().any(|i| i.kind.pages()));
        Some((
            d.receivers
                .iter()
                .map(|r| m.receivers[*r].name.clone())
                .collect(),
            pages,
        ))
    };
    for rule in &a.rules {
        let env = rule.environment.map(|e| head.environments[e].name.clone());
        let (Some((before, paged_before)), Some((after, paged_after))) =
            (reach(base, b, &env), reach(head, a, &env))
        else {
            continue;
        };
        if before != after {
            out.push(RouteChange {
                alert: a.name.clone(),
                severity: head.severities[a.severity].name.clone(),
                environment: env,
                before,
                after,
                paged_before,
                paged_after,
                reason: new_reason(&b.reason, &a.reason),
            });
        }
    }
}

fn named_changes(base: &Model, head: &Model, report: &mut Report) {
    let inhibits = |m: &Model| -> BTreeMap<String, String> {
        m.inhibits
            .iter()
            .map(|i| {
                let side = |x: &[crate::resolve::selector::Matcher]| {
                    x.iter()
                        .map(|m| m.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                (
                    i.name.clone(),
                    format!(
                        "{{{}}} mutes {{{}}} equal [{}]",
                        side(&i.source),
                        side(&i.target),
                        i.equal.join(", ")
                    ),
                )
            })
            .collect()
    };
    report.inhibitions = by_name(inhibits(base), inhibits(head));
    let intervals = |m: &Model| -> BTreeMap<String, String> {
        m.time_intervals
            .iter()
            .map(|t| {
                let periods: Vec<String> = t
                    .periods
                    .iter()
                    .map(|p| {
                        let x = &p.text;
                        [
                            x.weekdays.join(" "),
                            x.times.join(" "),
                            x.days_of_month.join(" "),
                            x.months.join(" "),
                            x.years.join(" "),
                            x.location.clone().unwrap_or_default(),
                        ]
                        .into_iter()
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                        .join(", ")
                    })
                    .collect();
                (t.name.clone(), periods.join("; "))
            })
            .collect()
    };
    report.time_intervals = by_name(intervals(base), intervals(head));
}

/// Entries added, removed and changed, by name.
fn by_name(before: BTreeMap<String, String>, after: BTreeMap<String, String>) -> Vec<NamedChange> {
    let mut out = Vec::new();
    for (name, old) in &before {
        match after.get(name) {
            None => out.push(NamedChange {
                name: name.clone(),
                change: "removed",
                before: old.clone(),
                after: String::new(),
            }),
            Some(new) if new != old => out.push(NamedChange {
                name: name.clone(),
                change: "changed",
                before: old.clone(),
                after: new.clone(),
            }),
            Some(_) => {}
        }
    }
    for (name, new) in &after {
        if !before.contains_key(name) {
            out.push(NamedChange {
                name: name.clone(),
                change: "added",
                before: String::new(),
                after: new.clone(),
            });
        }
    }
    out
}

fn slos(base: &Model, head: &Model, report: &mut Report) {
    let find = |m: &'_ Model, name: &str| m.slos.iter().position(|s| s.name == name);
    for s in &base.slos {
        if find(head, &s.name).is_none() {
            report.slos.removed.push(s.name.clone());
        }
    }
    for s in &head.slos {
        let Some(i) = find(base, &s.name) else {
            report.slos.added.push(s.name.clone());
            continue;
        };
        let old = &base.slos[i];
        let mut changes = Vec::new();
        if old.objective != s.objective {
            let mut c = change(
                "objective",
                old.objective_shown.clone(),
                s.objective_shown.clone(),
            );
            c.direction = Some(if s.objective < old.objective {
                Direction::Looser
            } else {
                Direction::Stricter
            });
            changes.push(c);
        }
        if old.period != s.period {
            changes.push(change(
                "period",
                old.period.to_string(),
                s.period.to_string(),
            ));
        }
        let windows = |x: &crate::resolve::model::Slo| -> String {
            x.windows
                .iter()
                .map(|w| {
                    format!(
                        "{} {}/{} x{}",
                        w.kind.name(),
                        w.long,
                        w.short,
                        tidy(w.factor)
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        if windows(old) != windows(s) {
            changes.push(change("windows", windows(old), windows(s)));
        }
        let alerts = |m: &Model, x: &crate::resolve::model::Slo| -> String {
            [x.page_alert, x.ticket_alert]
                .into_iter()
                .flatten()
                .filter_map(|i| m.alerts.get(i))
                .filter(|a| a.condition.is_slo())
                .map(|a| a.name.clone())
                .collect::<Vec<_>>()
                .join(", ")
        };
        if alerts(base, old) != alerts(head, s) {
            changes.push(change("alerts", alerts(base, old), alerts(head, s)));
        }
        if !changes.is_empty() {
            report.slos.changed.push(SloChange {
                name: s.name.clone(),
                changes,
            });
        }
    }
}

fn tidy(v: f64) -> String {
    let text = format!("{v:.4}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn dashboards(base: &Model, head: &Model, report: &mut Report) {
    for d in &base.dashboards {
        if !head.dashboards.iter().any(|x| x.uid == d.uid) {
            report.dashboards.removed.push(d.uid.clone());
        }
    }
    for d in &head.dashboards {
        let Some(old) = base.dashboards.iter().find(|x| x.uid == d.uid) else {
            report.dashboards.added.push(d.uid.clone());
            continue;
        };
        let titles = |x: &crate::resolve::model::Dashboard| -> BTreeSet<String> {
            x.panels.iter().map(|p| p.title.clone()).collect()
        };
        let (tb, ta) = (titles(old), titles(d));
        let steps = |m: &Model, p: &crate::resolve::model::Panel| -> String {
            match (p.thresholds, &p.steps) {
                (Some(t), _) => m.thresholds[t]
                    .bounds
                    .iter()
                    .map(|b| format!("{:?} {}", b.level, b.shown).to_lowercase())
                    .collect::<Vec<_>>()
                    .join(", "),
                (None, Some(steps)) => steps
                    .iter()
                    .map(|(v, color)| match v {
                        Some(v) => format!("{color} from {}", tidy(*v)),
                        None => color.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                _ => String::new(),
            }
        };
        let mut moved = Vec::new();
        for p in &d.panels {
            if let Some(q) = old.panels.iter().find(|q| q.title == p.title) {
                let (sb, sa) = (steps(base, q), steps(head, p));
                if sb != sa {
                    moved.push(change(&p.title, sb, sa));
                }
            }
        }
        let change = DashboardChange {
            uid: d.uid.clone(),
            title: d.title.clone(),
            panels_added: ta.difference(&tb).cloned().collect(),
            panels_removed: tb.difference(&ta).cloned().collect(),
            steps_moved: moved,
        };
        if !change.panels_added.is_empty()
            || !change.panels_removed.is_empty()
            || !change.steps_moved.is_empty()
        {
            report.dashboards.changed.push(change);
        }
    }
}

fn runbook(base: &Model, head: &Model, report: &mut Report) {
    let r = &mut report.runbook;
    for (name, text) in &head.sections {
        match base.sections.get(name) {
            None => r.sections_added.push(name.clone()),
            Some(old) if old != text => r.sections_changed.push(name.clone()),
            Some(_) => {}
        }
    }
    for name in base.sections.keys() {
        if !head.sections.contains_key(name) {
            r.sections_removed.push(name.clone());
        }
    }
    // Steps of alerts present on both sides, by name and position.
    let steps = |m: &Model| -> BTreeMap<String, Vec<String>> {
        m.alerts
            .iter()
            .filter(|a| a.primary)
            .map(|a| {
                let list = a
                    .investigate
                    .iter()
                    .chain(&a.resolve)
                    .map(|s| format!("{}\n{:?}", s.title, s.items))
                    .collect();
                (a.name.clone(), list)
            })
            .collect()
    };
    let (sb, sa) = (steps(base), steps(head));
    for (name, after) in &sa {
        if let Some(before) = sb.get(name) {
            let common = before.len().min(after.len());
            r.steps_changed += (0..common).filter(|i| before[*i] != after[*i]).count()
                + before.len().max(after.len())
                - common;
        }
    }
}

fn summarise(report: &mut Report) {
    let s = &mut report.summary;
    s.alerts_added = report.alerts.added.len();
    s.alerts_removed = report.alerts.removed.len();
    s.alerts_renamed = report.alerts.renamed.len();
    s.alerts_changed = report.alerts.changed.len();
    let directions = report
        .alerts
        .changed
        .iter()
        .flat_map(|c| &c.changes)
        .chain(report.slos.changed.iter().flat_map(|c| &c.changes))
        .filter_map(|c| c.direction);
    for d in directions {
        match d {
            Direction::Looser => s.loosened += 1,
            Direction::Stricter => s.stricter += 1,
        }
    }
    s.routing_changes = report.routing.len();
    s.paging_changes = report.routing.iter().filter(|r| r.paging_changed()).count();
    s.slos_changed =
        report.slos.added.len() + report.slos.removed.len() + report.slos.changed.len();
    s.dashboards_changed = report.dashboards.added.len()
        + report.dashboards.removed.len()
        + report.dashboards.changed.len();
    let r = &report.runbook;
    s.runbook_changes = r.sections_added.len()
        + r.sections_removed.len()
        + r.sections_changed.len()
        + r.steps_changed;
}
