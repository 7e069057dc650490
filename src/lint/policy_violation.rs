use super::{Context, Finding};
use crate::diagnostic::Level;
use crate::parse::ast::{Level as Bound, MatchOp};
use crate::resolve::model::{Alert, Condition, Labels, Part, PolicyCheck, PolicyRule};
use crate::resolve::selector::Matcher;
use crate::source::Span;

declare_lint! {
    /// **What it does:** holds the source to its `policy`: bounds on `for` and on threshold
    /// levels, the allowed severities and label values, the parts every alert must have, and
    /// bounds on SLO objectives. `match { ... }` restricts a rule to alerts with those labels
    /// (`severity`, `team`, `environment`, `alertname`...).
    ///
    /// **Why it is bad:** a pull request that raises the critical error rate from 10% to 30%, or
    /// drops a runbook, weakens an alert silently; the policy makes it fail review instead.
    ///
    /// **Example:**
    ///
    /// ```text
    /// policy "Alerting" {
    ///   rule "critical error rate" { threshold error_rate critical at_most 10% }
    ///   rule "critical alerts wait" { match { severity = "critical" }  for at_least 2m }
    ///   rule "runbooks" { require [summary, investigate, resolve] }
    /// }
    /// ```
    code: "L100",
    name: "policy-violation",
    level: Level::Error,
}

/// Alertmanager-style equality matching on an alert's labels (with `alertname`).
pub(super) fn applies(rule: &PolicyRule, alert: &Alert) -> bool {
    applies_with(rule, alert, None)
}

/// Like [`applies`], with the `severity` label read as `severity` when given (the alert's
/// severity before a change).
pub(super) fn applies_with(rule: &PolicyRule, alert: &Alert, severity: Option<&str>) -> bool {
    alert.rules.iter().any(|r| {
        let mut labels: Labels = r.labels.clone();
        labels.insert("alertname".into(), alert.name.clone());
        if let Some(s) = severity {
            labels.insert("severity".into(), s.to_string());
        }
        rule.matchers.iter().all(|m| matches(m, &labels))
    })
}

fn matches(m: &Matcher, labels: &Labels) -> bool {
    let value = labels.get(&m.label).map_or("", String::as_str);
    match m.op {
        MatchOp::Equal => value == m.value,
        MatchOp::NotEqual => value != m.value,
        // Regexes: an alternation of literals is what policies use (`team=~"a|b"`).
        MatchOp::Regex => m.value.split('|').any(|v| v == value),
        MatchOp::NotRegex => !m.value.split('|').any(|v| v == value),
    }
}

fn outside(value: f64, at_least: bool, limit: f64) -> bool {
    if at_least {
        value < limit
    } else {
        value > limit
    }
}

fn has(cx: &Context, alert: &Alert, part: Part) -> bool {
    match part {
        Part::Summary => alert.summary.is_some() || alert.condition.is_slo(),
        Part::Description => alert.description.is_some(),
        Part::Investigate => !alert.investigate.is_empty(),
        Part::Resolve => !alert.resolve.is_empty(),
        Part::Causes => !alert.causes.is_empty(),
        // promtool cannot run examples of a LogQL rule: none are asked of it.
        Part::Examples if alert.language == crate::parse::ast::QueryLanguage::LogQl => true,
        Part::Examples => match alert.condition {
            Condition::Slo { slo, .. } => !cx.model.slos[slo].examples.is_empty(),
            // The examples of a declaration live on its primary variant and check them all.
            _ => !cx.model.alerts[alert.declaration].examples.is_empty(),
        },
    }
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    let model = cx.model;
    for rule in &model.policies {
        let name = || rule.name.clone();
        for (check, policy) in &rule.checks {
            let policy: Span = *policy;
            match check {
                // Changes are judged against a base: see `change_without_reason`.
                PolicyCheck::Change(_) => {}
                PolicyCheck::For { at_least, limit } => {
                    for alert in model.alerts.iter().filter(|a| applies(rule, a)) {
                        let for_ = alert.for_.unwrap_or(crate::resolve::duration::Duration(0));
                        if outside(for_.0 as f64, *at_least, limit.0 as f64) {
                            out.push(Finding::PolicyFor {
                                rule: name(),
                                alert: alert.name.clone(),
                                for_: for_.to_string(),
                                at_least: *at_least,
                                limit: limit.to_string(),
                                span: alert.span,
                                policy,
                            });
                        }
                    }
                }
                PolicyCheck::Threshold {
                    threshold,
                    level,
                    at_least,
                    limit,
                    shown,
                } => {
                    let t = &model.thresholds[*threshold];
                    let Some(bound) = t.bound(*level) else {
                        continue;
                    };
                    let ends = std::iter::once(bound.value).chain(bound.upper);
                    if ends.into_iter().any(|v| outside(v, *at_least, *limit)) {
                        out.push(Finding::PolicyThreshold {
                            rule: name(),
                            threshold: t.name.clone(),
                            level: match level {
                                Bound::Target => "target",
                                Bound::Warning => "warning",
                                Bound::Critical => "critical",
                            },
                            value: format!("{} {}", bound.comparison.word(), bound.shown),
                            at_least: *at_least,
                            limit: shown.clone(),
                            span: bound.span,
                            policy,
                        });
                    }
                }
                PolicyCheck::Severities(allowed) => {
                    for alert in model.alerts.iter().filter(|a| applies(rule, a)) {
                        let severity = &model.severities[alert.severity].name;
                        if !allowed.contains(severity) {
                            out.push(Finding::PolicySeverity {
                                rule: name(),
                                alert: alert.name.clone(),
                                severity: severity.clone(),
                                span: alert.severity_span,
                                policy,
                            });
                        }
                    }
                }
                PolicyCheck::Label { label, values } => {
                    for alert in model.alerts.iter().filter(|a| applies(rule, a)) {
                        let bad = alert
                            .rules
                            .iter()
                            .filter_map(|r| r.labels.get(label))
                            .find(|v| !values.contains(v));
                        if let Some(value) = bad {
                            out.push(Finding::PolicyLabel {
                                rule: name(),
                                alert: alert.name.clone(),
                                label: label.clone(),
                                value: value.clone(),
                                span: alert.span,
                                policy,
                            });
                        }
                    }
                }
                PolicyCheck::Require(parts) => {
                    // What an alert has (texts aside) its variants share: reported once.
                    for alert in model
                        .alerts
                        .iter()
                        .filter(|a| a.primary && applies(rule, a))
                    {
                        for part in parts.iter().filter(|p| !has(cx, alert, **p)) {
                            out.push(Finding::PolicyRequire {
                                rule: name(),
                                alert: alert.name.clone(),
                                part: part.name(),
                                span: alert.span,
                                policy,
                            });
                        }
                    }
                }
                PolicyCheck::Objective {
                    at_least,
                    limit,
                    shown,
                } => {
                    for slo in &model.slos {
                        if outside(slo.objective, *at_least, *limit) {
                            out.push(Finding::PolicyObjective {
                                rule: name(),
                                slo: slo.name.clone(),
                                objective: slo.objective_shown.clone(),
                                at_least: *at_least,
                                limit: shown.clone(),
                                span: slo.span,
                                policy,
                            });
                        }
                    }
                }
            }
        }
    }
}
