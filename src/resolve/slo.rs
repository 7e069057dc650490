//! SLOs, compiled the way Sloth does (so dashboards and people that know Sloth know ours):
//! `slo:sli_error:ratio_rate<window>` recordings for every window the alerts use and for the
//! period, metadata recordings, and multi-window, multi-burn-rate page and ticket alerts as in
//! the SRE workbook. A burn window's factor keeps its share of the budget whatever the period:
//! factor = share x period / long window (2% x 30d / 1h = 14.4).

use super::duration::Duration;
use super::error::ResolveError;
use super::model::*;
use super::quantity::{self, Unit};
use super::selector::{self, Matcher};
use super::slo_absent;
use super::slo_alert::{self, SloAlertContext};
use super::slo_pyrra;
use super::{labels_of, promql, Resolver};
use crate::anchor;
use crate::parse::ast::{self, QueryLanguage};
use std::collections::HashMap;

/// The SRE workbook's windows: (kind, long, short, share of the budget).
const DEFAULT_WINDOWS: [(BurnKind, u64, u64, f64); 4] = [
    (BurnKind::Page, 3_600_000, 300_000, 0.02),
    (BurnKind::Page, 21_600_000, 1_800_000, 0.05),
    (BurnKind::Ticket, 86_400_000, 7_200_000, 0.10),
    (BurnKind::Ticket, 259_200_000, 21_600_000, 0.10),
];

/// The placeholder for the rate window in SLI queries.
const WINDOW: &str = "$window";

/// Numbers as people write them: 12 significant digits, no float noise (0.001, not
/// 0.0009999999999999432).
pub(crate) fn tidy(value: f64) -> String {
    let text = format!("{value:.12}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text.is_empty() || text == "-" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

/// Settings from `slo_defaults`, or the built-in ones.
pub(super) struct Defaults {
    page: Option<ast::Ident>,
    ticket: Option<ast::Ident>,
    absent: Option<ast::Ident>,
    windows: Option<Vec<Window>>,
    style: Option<ast::Ident>,
}

/// A burn window as written: kind, long, short, share of the budget, `for`.
type Window = (BurnKind, Duration, Duration, f64, Option<Duration>);

impl Resolver<'_> {
    pub(super) fn slo_defaults(&mut self, all: &[&ast::SloDefaults]) -> Defaults {
        let first = all.first();
        Defaults {
            page: first.and_then(|d| d.page_severity.clone()),
            ticket: first.and_then(|d| d.ticket_severity.clone()),
            absent: first.and_then(|d| d.absent_severity.clone()),
            windows: first
                .and_then(|d| d.windows.as_ref())
                .and_then(|w| self.burn_windows(&w.value)),
            style: first.and_then(|d| d.alert_style.clone()),
        }
    }

    fn burn_windows(&mut self, list: &[ast::BurnWindow]) -> Option<Vec<Window>> {
        let mut out = Vec::new();
        for w in list {
            let kind = if w.kind.value == "page" {
                BurnKind::Page
            } else {
                BurnKind::Ticket
            };
            let long = self.positive_duration(&w.long, "a burn window")?;
            let short = self.positive_duration(&w.short, "a burn window")?;
            let share = match quantity::read(&w.share.value, Unit::Ratio) {
                Ok(v) => v,
                Err(_) => {
                    self.errors.push(ResolveError::BadQuantity {
                        text: w.share.value.clone(),
                        span: w.share.span,
                        suffix: String::new(),
                    });
                    return None;
                }
            };
            let for_ = match &w.for_ {
                Some(f) => Some(self.duration(f)?),
                None => None,
            };
            out.push((kind, long, short, share, for_));
        }
        Some(out)
    }

    fn alert_style(&mut self, style: Option<&ast::Ident>) -> Option<AlertStyle> {
        match style.map(|s| s.value.as_str()) {
            None | Some("sloth") => Some(AlertStyle::Sloth),
            Some("pyrra") => Some(AlertStyle::Pyrra),
            Some("per_pair") => Some(AlertStyle::PerPair),
            Some(_) => {
                let style = style?;
                self.errors.push(ResolveError::UnknownAlertStyle {
                    style: style.value.clone(),
                    span: style.span,
                });
                None
            }
        }
    }

    /// The severity of an SLO's page or ticket alert: its own, the defaults', or the built-in
    /// one (`critical`, `warning`), which the SLO never names: when that is not declared, the
    /// error says where it came from rather than "unknown severity" at a line without it.
    fn slo_severity(
        &mut self,
        own: &Option<ast::Ident>,
        default: &Option<ast::Ident>,
        kind: BurnKind,
        slo: &ast::Ident,
    ) -> Option<usize> {
        if let Some(name) = own.as_ref().or(default.as_ref()) {
            return self.lookup("severity", name);
        }
        let fallback = match kind {
            BurnKind::Page => "critical",
            BurnKind::Ticket => "warning",
        };
        let name = ast::Ident::new(fallback.to_string(), slo.span);
        match self.names.lookup("severity", &name) {
            Ok(i) => Some(i),
            // Declared in a file this one does not import: that error says which import.
            Err(e) if !matches!(*e, ResolveError::UnknownName { .. }) => {
                self.errors.push(*e);
                None
            }
            Err(_) => {
                self.errors.push(ResolveError::SloSeverityMissing {
                    slo: slo.value.clone(),
                    kind: kind.name(),
                    severity: fallback,
                    span: slo.span,
                });
                None
            }
        }
    }

    /// Resolves one SLO, appending its recordings and its two alerts to the rule lists.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn slo(
        &mut self,
        s: &ast::Slo,
        index: usize,
        model: &Model,
        defaults: &Defaults,
        group: usize,
        (alerts, records, shared_names): (
            &mut Vec<Alert>,
            &mut Vec<Record>,
            &mut HashMap<String, usize>,
        ),
    ) -> Option<Slo> {
        let errors_before = self.errors.len();
        let objective_text = match &s.objective {
            Some(o) => o,
            None => {
                self.errors.push(ResolveError::SloIncomplete {
                    slo: s.name.value.clone(),
                    missing: "objective",
                    span: s.name.span,
                });
                return None;
            }
        };
        let objective = match quantity::read(&objective_text.value, Unit::Ratio) {
            Ok(v) if v > 0.0 && v < 1.0 => v,
            _ => {
                self.errors.push(ResolveError::BadObjective {
                    text: objective_text.value.clone(),
                    span: objective_text.span,
                });
                return None;
            }
        };
        let period = match &s.period {
            Some(p) => self.positive_duration(p, "an SLO's period")?,
            None => Duration(30 * 86_400_000),
        };
        let Some(sli) = &s.sli else {
            self.errors.push(ResolveError::SloIncomplete {
                slo: s.name.value.clone(),
                missing: "sli",
                span: s.name.span,
            });
            return None;
        };
        let style =
            self.alert_style(s.settings.alert_style.as_ref().or(defaults.style.as_ref()))?;
        let own_windows = match &s.settings.windows {
            Some(w) => Some(self.burn_windows(&w.value)?),
            None => None,
        };
        let windows: Vec<BurnWindow> = match own_windows.or_else(|| defaults.windows.clone()) {
            Some(list) => list
                .into_iter()
                .map(|(kind, long, short, share, for_)| BurnWindow {
                    kind,
                    long,
                    short,
                    share,
                    factor: share * period.0 as f64 / long.0 as f64,
                    for_,
                })
                .collect(),
            None if style == AlertStyle::Pyrra => slo_pyrra::windows(period),
            None => DEFAULT_WINDOWS
                .iter()
                .map(|(kind, long, short, share)| BurnWindow {
                    kind: *kind,
                    long: Duration(*long),
                    short: Duration(*short),
                    share: *share,
                    factor: share * period.0 as f64 / *long as f64,
                    for_: None,
                })
                .collect(),
        };
        if style == AlertStyle::Sloth {
            // One rule ors the pairs: a pair's own `for` has nowhere to go.
            let with_for = s
                .settings
                .windows
                .as_ref()
                .and_then(|w| w.value.iter().find_map(|x| x.for_.as_ref().map(|f| f.span)));
            // Windows from `slo_defaults` are reported at the SLO that uses them.
            let inherited = windows
                .iter()
                .any(|w| w.for_.is_some())
                .then_some(s.name.span);
            if let Some(span) = with_for.or(inherited) {
                self.errors.push(ResolveError::WindowForNeedsPyrra { span });
                return None;
            }
        }
        // An alert that is off needs no severity: Sloth's specs without alerts name none.
        let off = |a: &Option<ast::SloAlert>| a.as_ref().is_some_and(|a| a.off);
        let page_severity = if off(&s.page) {
            None
        } else {
            self.slo_severity(
                &s.settings.page_severity,
                &defaults.page,
                BurnKind::Page,
                &s.name,
            )
        };
        let ticket_severity = if off(&s.ticket) {
            None
        } else {
            self.slo_severity(
                &s.settings.ticket_severity,
                &defaults.ticket,
                BurnKind::Ticket,
                &s.name,
            )
        };
        let error_ratio = self.sli_error_ratio(&sli.value)?;
        let instances = self.instances(&s.scope, model, s.name.span, true)?;
        let services: Vec<&str> = match &s.scope.services {
            Some(sp) => match &sp.value {
                ast::ServiceScope::Listed(names) if names.len() == 1 => {
                    vec![names[0].value.as_str()]
                }
                _ => Vec::new(),
            },
            None => Vec::new(),
        };
        let service = services.first().map_or_else(
            || anchor::slug(&model.project.name),
            |s| s.replace('_', "-"),
        );
        let slo_id =
            s.id.as_ref()
                .map_or_else(|| s.name.value.replace('_', "-"), |id| id.value.clone());
        let order = (s.name.span.file.0 as usize, s.name.span.start + 1);

        let mut all_windows: Vec<Duration> =
            windows.iter().flat_map(|w| [w.short, w.long]).collect();
        all_windows.sort();
        all_windows.dedup();
        let Some(&smallest) = all_windows.first() else {
            let span = s.settings.windows.as_ref().map_or(s.name.span, |w| w.span);
            self.errors.push(ResolveError::SloWithoutWindows {
                slo: s.name.value.clone(),
                span,
            });
            return None;
        };

        let budget = 1.0 - objective;
        let series = match style {
            AlertStyle::Sloth | AlertStyle::PerPair => SloSeries {
                style: AlertStyle::Sloth,
                prefix: "slo:sli_error:ratio_rate".into(),
                shortest: smallest,
                period,
                budget,
            },
            AlertStyle::Pyrra => {
                let Some(metric) = slo_pyrra::metric_prefix(&sli.value) else {
                    self.errors
                        .push(ResolveError::PyrraWithoutMetric { span: sli.span });
                    return None;
                };
                SloSeries {
                    style,
                    prefix: format!("{metric}:burnrate"),
                    shortest: smallest,
                    period,
                    budget,
                }
            }
        };
        let mut resolved_instances = Vec::new();
        let mut window_records: Vec<Record> = Vec::new();
        let mut page_rules = Vec::new();
        let mut ticket_rules = Vec::new();
        let mut absent_rules = Vec::new();
        let absent_on = match (style, &s.absent) {
            (AlertStyle::Pyrra, absent) => !off(absent),
            (_, Some(a)) if !a.off => {
                self.errors
                    .push(ResolveError::AbsentNeedsPyrra { span: a.span });
                return None;
            }
            (_, _) => {
                if let Some(severity) = &s.settings.absent_severity {
                    self.errors.push(ResolveError::AbsentNeedsPyrra {
                        span: severity.span,
                    });
                    return None;
                }
                false
            }
        };
        // A severity written for an alert that is off names nothing, but a typo in it is
        // still a typo: look it up, so that an unknown name is reported.
        for (written, on) in [
            (&s.settings.page_severity, !off(&s.page)),
            (&s.settings.ticket_severity, !off(&s.ticket)),
            (&s.settings.absent_severity, absent_on),
        ] {
            if let (Some(name), false) = (written, on) {
                self.lookup("severity", name);
            }
        }
        // The last instance is the one the runbook shows (environments go dev, staging, prod).
        let mut shown = (String::new(), String::new());
        for instance in &instances {
            let mut labels = instance.labels.clone();
            labels.extend(self.rule_labels(&s.scope.labels));
            let own_text = match style {
                AlertStyle::Sloth | AlertStyle::PerPair => {
                    let environment = instance
                        .environment
                        .map(|e| model.environments[e].name.as_str());
                    let mut sloth_id = format!("{service}-{slo_id}");
                    if let Some(env) = environment {
                        sloth_id = format!("{sloth_id}-{env}");
                    }
                    labels.insert("sloth_id".into(), sloth_id.clone());
                    labels.insert("sloth_service".into(), service.clone());
                    labels.insert("sloth_slo".into(), slo_id.clone());
                    [
                        Matcher::equal("sloth_id", &sloth_id),
                        Matcher::equal("sloth_service", &service),
                        Matcher::equal("sloth_slo", &slo_id),
                    ]
                    .iter()
                    .map(Matcher::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
                }
                AlertStyle::Pyrra => {
                    labels.insert("slo".into(), slo_id.clone());
                    slo_pyrra::matchers(&labels)
                }
            };
            shown = (
                own_text.clone(),
                selector::expand(&error_ratio.replace(WINDOW, "5m"), &instance.matchers),
            );
            if error_ratio.contains(selector::PLACEHOLDER) && instance.matchers.is_empty() {
                self.errors.push(ResolveError::SelectorWithoutScope {
                    span: sli.span,
                    used_at: s.name.span,
                });
                return None;
            }
            // The instance's selector put in once, then each window: the same text as the
            // other way round unless putting the selector in made a `$window` (a matcher
            // holding one), which must stay as written.
            let expanded = selector::expand(&error_ratio, &instance.matchers);
            let window_in_matchers =
                expanded.matches(WINDOW).count() != error_ratio.matches(WINDOW).count();
            let mut recordings: Vec<(String, String, Option<Duration>)> = all_windows
                .iter()
                .map(|w| {
                    let expr = if window_in_matchers {
                        let expr = error_ratio.replace(WINDOW, &w.window_name());
                        selector::expand(&expr, &instance.matchers)
                    } else {
                        expanded.replace(WINDOW, &w.window_name())
                    };
                    (series.ratio(*w), expr, Some(*w))
                })
                .collect();
            if style != AlertStyle::Pyrra {
                recordings.extend(sloth_metadata(&series, objective, &own_text));
            }
            // One map for every recording of the instance; each adds its window.
            let shared = RecordLabels::from(labels.clone());
            for (name, expr, window) in recordings {
                let mut record_labels = shared.clone();
                if name == "sloth_slo_info" {
                    record_labels = record_labels.with("sloth_objective", tidy(objective * 100.0));
                }
                if let (Some(w), true) = (window, style != AlertStyle::Pyrra) {
                    record_labels = record_labels.with("sloth_window", w.window_name());
                }
                let rule = RecordRule {
                    environment: instance.environment,
                    expr,
                    labels: record_labels,
                };
                match window_records.iter_mut().find(|r| r.name == name) {
                    Some(r) => r.rules.push(rule),
                    None => window_records.push(Record {
                        name,
                        span: s.name.span,
                        group,
                        order,
                        queries: Vec::new(),
                        language: QueryLanguage::PromQl,
                        rules: vec![rule],
                        description: None,
                    }),
                }
            }
            for (kind, out) in [
                (BurnKind::Page, &mut page_rules),
                (BurnKind::Ticket, &mut ticket_rules),
            ] {
                let of_kind: Vec<&BurnWindow> = windows.iter().filter(|w| w.kind == kind).collect();
                match style {
                    AlertStyle::Sloth => {
                        if let Some(expr) = burn_expr(&of_kind, budget, &own_text) {
                            out.push((instance.environment, expr, labels.clone(), None));
                        }
                    }
                    // A rule per pair, told apart by `long` and `short`: over Sloth's
                    // recordings, or in Pyrra's words over its own (which carry `slo`).
                    AlertStyle::PerPair | AlertStyle::Pyrra => {
                        for w in of_kind {
                            let mut pair_labels = labels.clone();
                            pair_labels.insert("long".into(), w.long.to_string());
                            pair_labels.insert("short".into(), w.short.to_string());
                            pair_labels.insert(
                                "exhaustion".into(),
                                slo_pyrra::exhaustion(period, w.factor),
                            );
                            pair_labels.insert("slo".into(), slo_id.clone());
                            let expr = if style == AlertStyle::Pyrra {
                                slo_pyrra::alert_expr(&series, w, objective, &own_text)
                            } else {
                                burn_expr(&[w], budget, &own_text).unwrap_or_default()
                            };
                            out.push((instance.environment, expr, pair_labels, w.for_));
                        }
                    }
                }
            }
            if absent_on {
                let queries: Vec<String> = sli_queries(&sli.value)
                    .into_iter()
                    .map(|q| selector::expand(&q.replace(WINDOW, "5m"), &instance.matchers))
                    .collect();
                absent_rules.extend(slo_absent::rule(instance.environment, &queries, &labels));
            }
            resolved_instances.push(SloInstance {
                environment: instance.environment,
                labels,
            });
        }
        records.extend(window_records);

        let cx = SloAlertContext {
            slo: s,
            index,
            objective: objective_text,
            period,
            group,
            order,
            windows: &windows,
            series: &series,
            own: &shown.0,
            sli_5m: &shown.1,
        };
        let name_of = |spec: &Option<ast::SloAlert>, kind: BurnKind| match (
            spec.as_ref().and_then(|a| a.name.as_ref()),
            style,
        ) {
            (Some(name), _) => name.value.clone(),
            (None, AlertStyle::Sloth | AlertStyle::PerPair) => {
                slo_alert::default_name(&s.name.value, kind)
            }
            (None, AlertStyle::Pyrra) => slo_pyrra::ALERT_NAME.to_string(),
        };
        let alert_names = [
            name_of(&s.page, BurnKind::Page),
            name_of(&s.ticket, BurnKind::Ticket),
        ];
        let shared_name = !off(&s.page) && !off(&s.ticket) && alert_names[0] == alert_names[1];
        let kinds = [
            (BurnKind::Page, &s.page, page_severity, page_rules),
            (BurnKind::Ticket, &s.ticket, ticket_severity, ticket_rules),
        ];
        let mut indices = [None, None];
        let mut names = [None, None];
        for (i, (kind, spec, severity, rules)) in kinds.into_iter().enumerate() {
            if let Some(name) = spec.as_ref().and_then(|a| a.name.as_ref()) {
                if looks_like_off(&name.value) {
                    self.errors.push(ResolveError::SloAlertNamedLikeOff {
                        kind: kind.name(),
                        name: name.value.clone(),
                        span: name.span,
                    });
                }
            }
            if off(spec) {
                continue;
            }
            // A severity that failed to resolve is reported already.
            let Some(severity) = severity else {
                continue;
            };
            if !windows.iter().any(|w| w.kind == kind) {
                self.errors.push(ResolveError::SloKindWithoutWindows {
                    slo: s.name.value.clone(),
                    kind: kind.name(),
                    span: spec.as_ref().map_or(s.name.span, |a| a.span),
                });
                continue;
            }
            // A name another SLO's alert has (Pyrra's `ErrorBudgetBurn`) makes this one a
            // variant of that alert: one runbook section, told apart by the SLO's labels.
            let shared = if i == 1 && shared_name {
                indices[0]
            } else {
                shared_names.get(&alert_names[i]).copied()
            };
            let Some(at) = self.slo_alert(
                &cx,
                kind,
                alert_names[i].clone(),
                spec.as_ref(),
                severity,
                rules,
                shared,
                model,
                alerts,
            ) else {
                continue;
            };
            shared_names.entry(alert_names[i].clone()).or_insert(at);
            indices[i] = Some(at);
            names[i] = Some(alerts[at].name.clone());
        }
        if absent_on && !absent_rules.is_empty() {
            self.slo_absent_alert(
                s,
                index,
                (group, order),
                (&windows, objective),
                absent_rules,
                (page_severity, defaults),
                model,
                (alerts, shared_names),
            );
        }
        let examples: Vec<SloExample> = s
            .examples
            .iter()
            .filter_map(|e| self.slo_example(e, s, &resolved_instances, model))
            .collect();
        let off_kind_checks: Vec<_> = examples
            .iter()
            .flat_map(|e: &SloExample| &e.checks)
            .filter_map(|c| {
                let kind = c.kind?;
                let i = if kind == BurnKind::Page { 0 } else { 1 };
                indices[i].is_none().then_some((kind, c.span))
            })
            .collect();
        for (kind, span) in off_kind_checks {
            self.errors.push(ResolveError::SloExampleAlertOff {
                slo: s.name.value.clone(),
                kind: kind.name(),
                span,
            });
        }
        if self.errors.len() > errors_before {
            return None;
        }
        let selector = match style {
            AlertStyle::Sloth | AlertStyle::PerPair => [
                Matcher::equal("sloth_service", &service),
                Matcher::equal("sloth_slo", &slo_id),
            ]
            .iter()
            .map(Matcher::to_string)
            .collect::<Vec<_>>()
            .join(", "),
            AlertStyle::Pyrra => Matcher::equal("slo", &slo_id).to_string(),
        };
        Some(Slo {
            name: s.name.value.clone(),
            title: s.title.value.clone(),
            span: s.name.span,
            group,
            objective,
            objective_shown: objective_text.value.clone(),
            period,
            windows,
            style,
            instances: resolved_instances,
            id: slo_id,
            service,
            page_alert: indices[0],
            ticket_alert: indices[1],
            alert_names: names,
            examples,
            series,
            selector,
        })
    }

    /// The SLO's absent alert (Pyrra's style): its name (shared with other SLOs'), severity
    /// (the page alert's) and `for` (Pyrra's, from the most urgent window pair).
    #[allow(clippy::too_many_arguments)]
    fn slo_absent_alert(
        &mut self,
        s: &ast::Slo,
        index: usize,
        place: (usize, (usize, usize)),
        (windows, objective): (&[BurnWindow], f64),
        rules: Vec<slo_absent::AbsentRule>,
        (page_severity, defaults): (Option<usize>, &Defaults),
        model: &Model,
        (alerts, shared_names): (&mut Vec<Alert>, &mut HashMap<String, usize>),
    ) {
        let spec = s.absent.as_ref();
        let name = spec
            .and_then(|a| a.name.as_ref())
            .map_or_else(|| slo_absent::ALERT_NAME.to_string(), |n| n.value.clone());
        // The page alert's severity; resolved here only when that alert is off (else a
        // severity that failed is reported already).
        let page_off = s.page.as_ref().is_some_and(|p| p.off);
        let own = s
            .settings
            .absent_severity
            .as_ref()
            .or(defaults.absent.as_ref());
        let severity = match (own, page_severity) {
            (Some(name), _) => match self.lookup("severity", name) {
                Some(severity) => severity,
                None => return,
            },
            (None, Some(severity)) => severity,
            (None, None) if page_off => {
                let Some(severity) = self.slo_severity(
                    &s.settings.page_severity,
                    &defaults.page,
                    BurnKind::Page,
                    &s.name,
                ) else {
                    return;
                };
                severity
            }
            (None, None) => return,
        };
        let shared = shared_names.get(&name).copied();
        if let Some(at) = self.slo_absent(
            s,
            index,
            place,
            name.clone(),
            spec,
            (severity, slo_absent::default_for(windows, objective)),
            rules,
            shared,
            model,
            alerts,
        ) {
            shared_names.entry(name).or_insert(at);
        }
    }

    /// The SLI as an error ratio with `$window` (and `$selector`) still in it; checked once.
    fn sli_error_ratio(&mut self, sli: &ast::Sli) -> Option<String> {
        let (text, span) = match sli {
            ast::Sli::Ratio { errors, total } => (
                format!(
                    "({})\n/\n({})",
                    promql::dedent(&errors.value),
                    promql::dedent(&total.value)
                ),
                errors.span,
            ),
            ast::Sli::Latency { histogram, below } => {
                let seconds = match quantity::read(&below.value, Unit::Seconds) {
                    Ok(v) => v,
                    Err(_) => {
                        self.errors.push(ResolveError::BadQuantity {
                            text: below.value.clone(),
                            span: below.span,
                            suffix: String::new(),
                        });
                        return None;
                    }
                };
                let selector = promql::dedent(&histogram.value);
                // Client libraries write `le="30"` or `le="30.0"`: match both.
                let bucket = with_matcher(
                    &selector,
                    &format!("le=~\"{}(\\\\.0+)?\"", tidy(seconds).replace('.', "\\\\.")),
                );
                let all = with_matcher(&selector, "le=\"+Inf\"");
                (
                    format!("1 - (\n  sum(rate({bucket}[{WINDOW}]))\n  /\n  sum(rate({all}[{WINDOW}]))\n)"),
                    histogram.span,
                )
            }
            ast::Sli::Availability {
                gauge,
                pooled: false,
            } => (
                format!(
                    "1 - avg(avg_over_time({}[{WINDOW}]))",
                    promql::dedent(&gauge.value)
                ),
                gauge.span,
            ),
            ast::Sli::Availability {
                gauge,
                pooled: true,
            } => {
                let gauge_text = promql::dedent(&gauge.value);
                (
                    format!("1 - (\n  sum(sum_over_time({gauge_text}[{WINDOW}]))\n  /\n  sum(count_over_time({gauge_text}[{WINDOW}]))\n)"),
                    gauge.span,
                )
            }
            ast::Sli::Raw { ratio } => (promql::dedent(&ratio.value), ratio.span),
        };
        let errors_before = self.errors.len();
        if self.check_query(QueryLanguage::PromQl, &probe(&text), span, None) {
            return Some(text);
        }
        // The ratio is checked as one query; when one of its parts is at fault on its own,
        // the error points at that part rather than at `errors`.
        if let ast::Sli::Ratio { errors, total } = sli {
            let combined = self.errors.split_off(errors_before);
            let parts = [errors, total].map(|part| {
                let text = promql::dedent(&part.value);
                self.check_query(QueryLanguage::PromQl, &probe(&text), part.span, None)
            });
            if parts.iter().all(|ok| *ok) {
                self.errors.extend(combined);
            }
        }
        None
    }

    fn slo_example(
        &mut self,
        e: &ast::Example,
        s: &ast::Slo,
        instances: &[SloInstance],
        model: &Model,
    ) -> Option<SloExample> {
        let environments: Vec<Option<usize>> = instances.iter().map(|i| i.environment).collect();
        let (instance, series) = self.example_target(e, &s.name, &environments, model)?;
        let mut checks = Vec::new();
        for c in &e.checks {
            let at = self.example_time(&c.at, model)?;
            let kind = match c.which.as_ref().map(|k| k.value.as_str()) {
                Some("page") => Some(BurnKind::Page),
                Some("ticket") => Some(BurnKind::Ticket),
                Some(_) => {
                    let span = c.which.as_ref().map_or(c.at.span, |k| k.span);
                    self.errors.push(ResolveError::SloExampleKind { span });
                    return None;
                }
                None => None,
            };
            if c.fires.is_some() && kind.is_none() {
                self.errors
                    .push(ResolveError::SloExampleKind { span: c.at.span });
                return None;
            }
            checks.push(SloCheck {
                at,
                span: c.at.span,
                kind,
                fires: c.fires.as_ref().map(|l| labels_of(l)),
            });
        }
        Some(SloExample {
            name: e.name.value.clone(),
            span: e.name.span,
            instance,
            series,
            checks,
        })
    }
}

/// The queries of an SLI whose metrics must have series, the total's first.
fn sli_queries(sli: &ast::Sli) -> Vec<String> {
    match sli {
        ast::Sli::Ratio { errors, total } => {
            vec![promql::dedent(&total.value), promql::dedent(&errors.value)]
        }
        ast::Sli::Latency { histogram, .. } => vec![promql::dedent(&histogram.value)],
        ast::Sli::Availability { gauge, .. } => vec![promql::dedent(&gauge.value)],
        ast::Sli::Raw { ratio } => vec![promql::dedent(&ratio.value)],
    }
}

/// Sloth's recordings beside the windows' ratios: the period's ratio (the mean of the
/// shortest window's), the objective, budget and period, the burn rates and budget left, and
/// `sloth_slo_info` (Sloth's dashboards list SLOs by it).
fn sloth_metadata(
    series: &SloSeries,
    objective: f64,
    own: &str,
) -> Vec<(String, String, Option<Duration>)> {
    let smallest = series.shortest.window_name();
    let period = series.period.window_name();
    let meta = |name: &str, expr: String| (name.to_string(), expr, None);
    vec![
        (
            format!("slo:sli_error:ratio_rate{period}"),
            format!(
                "sum_over_time(slo:sli_error:ratio_rate{smallest}{{{own}}}[{period}])\n/ ignoring (sloth_window)\ncount_over_time(slo:sli_error:ratio_rate{smallest}{{{own}}}[{period}])"
            ),
            Some(series.period),
        ),
        meta("slo:objective:ratio", format!("vector({})", tidy(objective))),
        meta("slo:error_budget:ratio", format!("vector({})", tidy(series.budget))),
        meta(
            "slo:time_period:days",
            format!("vector({})", tidy(series.period.0 as f64 / 86_400_000.0)),
        ),
        meta(
            "slo:current_burn_rate:ratio",
            format!("slo:sli_error:ratio_rate{smallest}{{{own}}}\n/ on (sloth_id, sloth_slo, sloth_service) group_left\nslo:error_budget:ratio{{{own}}}"),
        ),
        meta(
            "slo:period_burn_rate:ratio",
            format!("slo:sli_error:ratio_rate{period}{{{own}}}\n/ on (sloth_id, sloth_slo, sloth_service) group_left\nslo:error_budget:ratio{{{own}}}"),
        ),
        meta(
            "slo:period_error_budget_remaining:ratio",
            format!("1 - slo:period_burn_rate:ratio{{{own}}}"),
        ),
        meta("sloth_slo_info", "vector(1)".into()),
    ]
}

/// An SLI's text as a query to check: its window and selector filled in.
fn probe(text: &str) -> String {
    selector::expand(
        &text.replace(WINDOW, "5m"),
        &[Matcher::equal("__selector__", "x")],
    )
}

/// `(max(short > (f * b)) without (sloth_window) and max(long > ...)) or (...)`, Sloth's shape.
fn burn_expr(windows: &[&BurnWindow], budget: f64, own: &str) -> Option<String> {
    let parts: Vec<String> = windows
        .iter()
        .map(|w| {
            let threshold = format!("({} * {})", tidy(w.factor), tidy(budget));
            format!(
                "(\n    max(slo:sli_error:ratio_rate{short}{{{own}}} > {threshold}) without (sloth_window)\n    and\n    max(slo:sli_error:ratio_rate{long}{{{own}}} > {threshold}) without (sloth_window)\n)",
                short = w.short.window_name(),
                long = w.long.window_name()
            )
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("\nor\n"))
}

/// Adds a matcher to a vector selector: `m{a="b"}` becomes `m{a="b", le="1"}`.
fn with_matcher(selector: &str, matcher: &str) -> String {
    match selector.trim_end().strip_suffix('}') {
        Some(open) if open.trim_end().ends_with('{') => format!("{open}{matcher}}}"),
        Some(open) => format!("{open}, {matcher}}}"),
        None => format!("{selector}{{{matcher}}}"),
    }
}

/// A short lowercase word one edit from `off` (`of`, `oof`, `onf`): a typo, not an alert name.
fn looks_like_off(name: &str) -> bool {
    name.len() <= 4
        && name.chars().all(|c| c.is_ascii_lowercase())
        && strsim::levenshtein(name, "off") == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_one_edit_from_off_are_typos() {
        for typo in ["of", "ff", "oof", "offf", "onf", "ofd"] {
            assert!(looks_like_off(typo), "{typo}");
        }
        for name in ["off", "on", "Of", "fast", "page", "ApiBurn", "oafs"] {
            assert!(!looks_like_off(name), "{name}");
        }
    }

    #[test]
    fn numbers_lose_float_noise() {
        assert_eq!(tidy(1.0 - 0.999), "0.001");
        assert_eq!(tidy(14.4), "14.4");
        assert_eq!(tidy(6.0), "6");
        assert_eq!(tidy(0.02 * 28.0 * 24.0 / 72.0), "0.186666666667");
    }

    #[test]
    fn matchers_join_selectors() {
        assert_eq!(
            with_matcher("m{a=\"b\"}", "le=\"1\""),
            "m{a=\"b\", le=\"1\"}"
        );
        assert_eq!(with_matcher("m{}", "le=\"1\""), "m{le=\"1\"}");
        assert_eq!(with_matcher("m", "le=\"1\""), "m{le=\"1\"}");
    }
}
