//! `watchbook import openslo`: OpenSLO documents into SLO declarations. `openslo/v1`: the
//! Service, the SLO with its SLI (inline or referenced; `ratioMetric` or `thresholdMetric` on
//! a Prometheus source), its burn-rate AlertPolicies and AlertConditions, and the
//! AlertNotificationTargets, which become receivers and a route on the policy's label.
//! `openslo/v1alpha` SLOs compile into what Sloth generates for them (Sloth reads them).
//! References resolve across every file imported; each SLO lands in its file's source.

use super::existing::Existing;
use super::openslo_spec::{self as spec, Document, Kind};
use super::slo_output::{self, Expected, SloSource};
use super::sloth::{alert_name, fresh, ident};
use super::{severities_source, stem, target, ImportError, Source, Target};
use crate::diagnostic::{Diagnostic, StageError};
use crate::print::{is_name, string, Printer};
use crate::resolve::duration::Duration;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

pub use super::sloth::SloFileReport;

/// What an import of OpenSLO documents wrote.
#[derive(Debug, Default)]
pub struct OpenSloReport {
    pub files: Vec<SloFileReport>,
    pub support: Vec<String>,
    /// Secret files the receivers read, to be written before deploying: (receiver, path).
    pub secrets: Vec<(String, String)>,
}

/// Where receivers read the secrets of imported notification targets.
const SECRETS: &str = "/etc/alertmanager/secrets";

/// Every document of every input, by kind and name, for references.
#[derive(Default)]
struct Catalog {
    slis: BTreeMap<String, spec::SliSpec>,
    policies: BTreeMap<String, (spec::Metadata, spec::AlertPolicy)>,
    conditions: BTreeMap<String, (spec::Metadata, spec::AlertCondition)>,
    targets: BTreeMap<String, spec::NotificationTarget>,
    sources: BTreeMap<String, spec::DataSource>,
}

/// Imports OpenSLO documents into `out`.
pub fn openslo(
    inputs: &[PathBuf],
    out: &Path,
    force: bool,
) -> Result<OpenSloReport, Vec<Diagnostic>> {
    let fail = |e: ImportError| vec![e.to_diagnostic()];
    let (files, _) = super::rule_files(inputs).map_err(fail)?;
    let mut read = Vec::new();
    let mut errors = Vec::new();
    let mut catalog = Catalog::default();
    for (path, text) in &files {
        match spec::read(&path.display().to_string(), text) {
            Ok(docs) => {
                for d in &docs {
                    catalog.add(d);
                }
                read.push((path, text, docs));
            }
            Err(e) => errors.push(e.to_diagnostic()),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let with_slos: Vec<_> = read
        .into_iter()
        .filter(|(_, _, docs)| {
            docs.iter()
                .any(|d| matches!(d.kind, Kind::Slo(_) | Kind::AlphaSlo(_)))
        })
        .collect();
    if with_slos.is_empty() {
        return Err(fail(ImportError::NoInput));
    }
    let Target {
        names,
        existing,
        mut used_names,
    } = target(out, with_slos.iter().map(|(path, _, _)| stem(path)), force).map_err(fail)?;
    let mut shared = Shared {
        taken: existing.taken(),
        declared: BTreeMap::new(),
        severities: BTreeSet::new(),
        secrets: Vec::new(),
    };
    let mut converted = Vec::new();
    for ((path, text, docs), name) in with_slos.iter().zip(&names) {
        let mut file = File::new(&path.display().to_string(), name, &existing);
        for d in docs {
            let result = match &d.kind {
                Kind::Slo(slo) => file.slo(&d.metadata, slo, &catalog, &mut shared),
                Kind::AlphaSlo(slo) => file.alpha_slo(&d.metadata, slo, &mut shared),
                _ => Ok(()),
            };
            if let Err(e) = result {
                errors.push(e.to_diagnostic());
            }
        }
        converted.push((*path, *text, name.clone(), file));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut report = OpenSloReport::default();
    let mut sources = Vec::new();
    let severities_file = severities_source(
        &existing,
        &mut used_names,
        shared.severities.iter().cloned(),
        &mut sources,
    );
    report.support.extend(severities_file.clone());
    for (path, text, name, file) in &converted {
        let wb = file.text(path, severities_file.as_deref(), &existing);
        report.files.push(SloFileReport {
            input: path.display().to_string(),
            output: name.clone(),
            slos: file.expected.len(),
            alerts: file.expected.iter().map(|e| e.alerts.len()).sum(),
            yaml_lines: text.lines().count(),
            wb_lines: wb.lines().count(),
        });
        sources.push(Source {
            name: name.clone(),
            text: wb,
        });
    }
    let files: Vec<(&str, &[Expected])> = converted
        .iter()
        .map(|(_, _, name, file)| (name.as_str(), &file.expected[..]))
        .collect();
    slo_output::verify(out, &existing, &sources, &files)?;
    super::write(out, &sources, force).map_err(fail)?;
    report.secrets = shared.secrets;
    Ok(report)
}

impl Catalog {
    fn add(&mut self, d: &Document) {
        let name = d.metadata.name.clone();
        match &d.kind {
            Kind::Sli(s) => {
                self.slis.insert(name, (**s).clone());
            }
            Kind::AlertPolicy(p) => {
                self.policies.insert(name, (d.metadata.clone(), p.clone()));
            }
            Kind::AlertCondition(c) => {
                self.conditions
                    .insert(name, (d.metadata.clone(), c.clone()));
            }
            Kind::Target(t) => {
                self.targets.insert(name, t.clone());
            }
            Kind::DataSource(s) => {
                self.sources.insert(name, s.clone());
            }
            _ => {}
        }
    }
}

/// What the files of one import share: names taken, and which file declares what.
struct Shared {
    taken: super::convert::Taken,
    /// (kind, name) -> the source declaring it (services, receivers, routes).
    declared: BTreeMap<(&'static str, String), String>,
    severities: BTreeSet<String>,
    secrets: Vec<(String, String)>,
}

/// One input file being converted.
struct File<'a> {
    path: String,
    name: String,
    existing: &'a Existing,
    /// Declarations of other sources this one uses.
    uses: BTreeSet<String>,
    severities: BTreeSet<String>,
    body: String,
    expected: Vec<Expected>,
}

/// An alert kind's settings, from one alert policy.
struct KindPlan {
    policy: String,
    severity: String,
    conditions: Vec<(f64, Duration, Option<Duration>)>,
}

impl<'a> File<'a> {
    fn new(path: &str, name: &str, existing: &'a Existing) -> Self {
        File {
            path: path.to_string(),
            name: name.to_string(),
            existing,
            uses: BTreeSet::new(),
            severities: BTreeSet::new(),
            body: String::new(),
            expected: Vec::new(),
        }
    }

    fn unsupported(&self, slo: &str, what: String) -> ImportError {
        ImportError::UnsupportedSlo {
            path: self.path.clone(),
            slo: Some(slo.to_string()),
            what,
        }
    }

    /// Declares the service here, or uses the source that declares it.
    fn service(
        &mut self,
        name: &str,
        slo: &str,
        shared: &mut Shared,
    ) -> Result<String, ImportError> {
        let service = name.replace('-', "_");
        if !is_name(&service) || service.replace('_', "-") != name {
            return Err(self.unsupported(
                slo,
                format!("the service `{name}`, which is not a name in kebab-case (`my-service`)"),
            ));
        }
        if let Some(file) = self.existing.services.get(&service) {
            self.uses.insert(file.clone());
            return Ok(service);
        }
        match shared.declared.get(&("service", service.clone())) {
            Some(file) if *file == self.name => {}
            Some(file) => {
                self.uses.insert(file.clone());
            }
            None => {
                if !shared.taken.take("service", &service) {
                    return Err(self.unsupported(slo, format!("the service `{service}`, which the rules directory uses for something else")));
                }
                shared
                    .declared
                    .insert(("service", service.clone()), self.name.clone());
                self.body.push_str(&format!("\nservice {service} {{}}\n"));
            }
        }
        Ok(service)
    }

    fn alpha_slo(
        &mut self,
        metadata: &spec::Metadata,
        slo: &spec::AlphaSlo,
        shared: &mut Shared,
    ) -> Result<(), ImportError> {
        let name = &metadata.name;
        if slo
            .budgeting_method
            .as_deref()
            .is_some_and(|m| m != "Occurrences")
        {
            return Err(
                self.unsupported(name, "a budgeting method other than `Occurrences`".into())
            );
        }
        let period = match slo.time_windows.as_slice() {
            [] => "30d".to_string(),
            [w] if w.calendar.is_some() => {
                return Err(self.unsupported(name, "a calendar-aligned time window".into()))
            }
            [w] => {
                let unit = match w.unit.as_str() {
                    "Day" => "d",
                    "Week" => "w",
                    other => {
                        return Err(
                            self.unsupported(name, format!("the time window unit `{other}`"))
                        )
                    }
                };
                format!("{}{unit}", w.count)
            }
            _ => return Err(self.unsupported(name, "several time windows".into())),
        };
        let service = self.service(&slo.service, name, shared)?;
        for (i, objective) in slo.objectives.iter().enumerate() {
            let Some(ratio) = &objective.ratio_metrics else {
                return Err(self.unsupported(name, "an objective without `ratioMetrics`".into()));
            };
            for q in [&ratio.good, &ratio.total] {
                if !q.source.eq_ignore_ascii_case("prometheus") || q.query_type != "promql" {
                    return Err(self.unsupported(
                        name,
                        format!("a `{}` query, not a Prometheus one", q.source),
                    ));
                }
            }
            let window = |q: &str| {
                q.replace("{{.window}}", "$window")
                    .replace("{{ .window }}", "$window")
            };
            let (good, total) = (window(&ratio.good.query), window(&ratio.total.query));
            // Sloth's names: the SLO's name and the objective's place.
            let id = format!("{name}-{i}");
            let ratio_text = format!("1 - (\n  ({})\n  /\n  ({})\n)", good.trim(), total.trim());
            let declared = fresh(
                &mut shared.taken,
                "slo",
                &format!("{service}_{}", ident(&id)),
            );
            let mut p = Printer::new();
            p.line("");
            if let Some(d) = &slo.description {
                p.comment(d);
            }
            let title = metadata.display_name.as_deref().unwrap_or(name);
            p.block(&format!("slo {declared} {}", string(title)), |p| {
                p.line(&format!("id {}", string(&id)));
                p.line(&format!("services [{service}]"));
                p.line(&format!("objective {}%", percent(objective.target)));
                p.line(&format!("period {period}"));
                p.raw_field("sli raw", &ratio_text);
                p.line("page off");
                p.line("ticket off");
            });
            self.body.push_str(&p.finish());
            self.expected.push(Expected {
                sloth_id: format!("{}-{id}", slo.service),
                windows: ["5m", "30m", "1h", "2h", "6h", "1d", "3d"]
                    .map(String::from)
                    .to_vec(),
                error_ratio: format!("({ratio_text})"),
                alerts: Vec::new(),
                off: vec!["page", "ticket"],
            });
        }
        Ok(())
    }

    fn slo(
        &mut self,
        metadata: &spec::Metadata,
        slo: &spec::Slo,
        catalog: &Catalog,
        shared: &mut Shared,
    ) -> Result<(), ImportError> {
        let name = &metadata.name;
        if slo
            .budgeting_method
            .as_deref()
            .is_some_and(|m| m != "Occurrences")
        {
            return Err(self.unsupported(
                name,
                "a budgeting method other than `Occurrences` (time slices are not burn-rate SLOs)"
                    .into(),
            ));
        }
        let period = match slo.time_window.as_slice() {
            [] => Duration(30 * 86_400_000),
            [w] if w.calendar.is_none() && w.is_rolling != Some(false) => {
                Duration::parse(&w.duration).map_err(|_| {
                    self.unsupported(name, format!("the time window `{}`", w.duration))
                })?
            }
            _ => return Err(self.unsupported(name, "a calendar-aligned time window".into())),
        };
        let sli = match (&slo.indicator, &slo.indicator_ref) {
            (Some(s), _) => s.spec.clone(),
            (None, Some(r)) => catalog.slis.get(r).cloned().ok_or_else(|| {
                self.unsupported(
                    name,
                    format!("the SLI `{r}`, which no imported file defines"),
                )
            })?,
            (None, None) => return Err(self.unsupported(name, "no `indicator`".into())),
        };
        let plans = self.alert_plans(name, slo, catalog)?;
        let service = self.service(&slo.service, name, shared)?;
        let receivers = self.receivers(name, slo, catalog, shared)?;
        let several = slo.objectives.len() > 1;
        for (i, objective) in slo.objectives.iter().enumerate() {
            if objective.time_slice_target.is_some() || objective.time_slice_window.is_some() {
                return Err(
                    self.unsupported(name, "time slices in an `Occurrences` objective".into())
                );
            }
            if objective.indicator.is_some()
                || objective.indicator_ref.is_some()
                || objective.composite_weight.is_some()
            {
                return Err(self.unsupported(
                    name,
                    "a composite SLO (an objective with its own indicator)".into(),
                ));
            }
            let target = match (objective.target, objective.target_percent) {
                (Some(t), None) => t * 100.0,
                (None, Some(p)) => p,
                _ => {
                    return Err(self.unsupported(
                        name,
                        "an objective without exactly one of `target` and `targetPercent`".into(),
                    ))
                }
            };
            let ratio = self.error_ratio(name, &sli, objective, catalog)?;
            let id = if several {
                let part = objective
                    .display_name
                    .as_deref()
                    .map(ident)
                    .unwrap_or_else(|| i.to_string());
                format!("{name}-{}", part.replace('_', "-"))
            } else {
                name.clone()
            };
            self.write_slo(
                &id, metadata, slo, &service, target, period, &ratio, &plans, shared,
            );
            let mut expected = Expected {
                sloth_id: format!("{}-{id}", slo.service),
                windows: Vec::new(),
                error_ratio: ratio.clone(),
                alerts: Vec::new(),
                off: Vec::new(),
            };
            for (kind, plan) in ["page", "ticket"]
                .into_iter()
                .zip([plans.first(), plans.get(1)])
            {
                let Some(plan) = plan else {
                    expected.off.push(kind);
                    continue;
                };
                for (_, long, _) in &plan.conditions {
                    expected.windows.push(long.window_name());
                }
                let mut labels = BTreeMap::new();
                labels.insert("openslo_alert_policy".to_string(), plan.policy.clone());
                labels.insert("severity".to_string(), plan.severity.clone());
                labels.insert("sloth_severity".to_string(), kind.to_string());
                expected
                    .alerts
                    .push((kind, camel(&plan.policy), labels, BTreeMap::new()));
            }
            if expected.windows.is_empty() {
                expected.windows = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"]
                    .map(String::from)
                    .to_vec();
            }
            self.expected.push(expected);
        }
        self.body.push_str(&receivers);
        Ok(())
    }

    /// The SLO's alert policies as page and ticket plans: a severity each, the most urgent
    /// (highest threshold) paging.
    fn alert_plans(
        &self,
        slo_name: &str,
        slo: &spec::Slo,
        catalog: &Catalog,
    ) -> Result<Vec<KindPlan>, ImportError> {
        let mut by_severity: Vec<KindPlan> = Vec::new();
        for policy_ref in &slo.alert_policies {
            let (metadata, policy) = self.policy(slo_name, policy_ref, catalog)?;
            if !policy.alert_when_breaching {
                continue;
            }
            if policy.alert_when_no_data {
                return Err(self.unsupported(slo_name, format!("the alert policy `{}` with `alertWhenNoData`, which needs an absent-data alert the import does not write", metadata.name)));
            }
            for c in &policy.conditions {
                let (cm, condition) = match c {
                    spec::ConditionRef::Ref { condition_ref } => catalog
                        .conditions
                        .get(condition_ref)
                        .cloned()
                        .ok_or_else(|| self.unsupported(slo_name, format!("the alert condition `{condition_ref}`, which no imported file defines")))?,
                    spec::ConditionRef::Inline(d) => match &d.kind {
                        Kind::AlertCondition(x) => (d.metadata.clone(), x.clone()),
                        _ => return Err(self.unsupported(slo_name, "an inline condition that is not an AlertCondition".into())),
                    },
                };
                let c = &condition.condition;
                if c.kind.as_deref().is_some_and(|k| k != "burnrate") {
                    return Err(self.unsupported(
                        slo_name,
                        format!(
                            "the alert condition `{}` of kind `{}`",
                            cm.name,
                            c.kind.clone().unwrap_or_default()
                        ),
                    ));
                }
                if !matches!(c.op.as_str(), "gt" | "gte") {
                    return Err(self.unsupported(slo_name, format!("the alert condition `{}` with `op: {}`: a burn-rate alert fires above its threshold (`gt` or `gte`)", cm.name, c.op)));
                }
                let long = Duration::parse(&c.lookback_window)
                    .ok()
                    .filter(|d| d.0 > 0)
                    .ok_or_else(|| {
                        self.unsupported(
                            slo_name,
                            format!(
                                "the lookback window `{}` of `{}`",
                                c.lookback_window, cm.name
                            ),
                        )
                    })?;
                let after = match &c.alert_after {
                    Some(a) => Some(Duration::parse(a).map_err(|_| {
                        self.unsupported(
                            slo_name,
                            format!("the `alertAfter` `{a}` of `{}`", cm.name),
                        )
                    })?),
                    None => None,
                };
                let severity = condition.severity.clone();
                if !is_name(&severity) {
                    return Err(self.unsupported(
                        slo_name,
                        format!("the severity `{severity}`, which is not a name of the language"),
                    ));
                }
                match by_severity.iter_mut().find(|p| p.severity == severity) {
                    Some(p) if p.policy != metadata.name => {
                        return Err(self.unsupported(slo_name, format!("two alert policies (`{}`, `{}`) at the severity `{severity}`: watchbook routes one policy per severity of an SLO", p.policy, metadata.name)))
                    }
                    Some(p) => p.conditions.push((c.threshold, long, after)),
                    None => by_severity.push(KindPlan {
                        policy: metadata.name.clone(),
                        severity,
                        conditions: vec![(c.threshold, long, after)],
                    }),
                }
            }
        }
        if by_severity.len() > 2 {
            return Err(self.unsupported(
                slo_name,
                "alert conditions at more than two severities: an SLO pages and opens tickets"
                    .into(),
            ));
        }
        let top = |p: &KindPlan| p.conditions.iter().map(|c| c.0).fold(f64::MIN, f64::max);
        by_severity.sort_by(|a, b| top(b).total_cmp(&top(a)));
        if let [a, b] = by_severity.as_slice() {
            if a.policy == b.policy {
                return Err(self.unsupported(
                    slo_name,
                    format!("one alert policy (`{}`) at two severities", a.policy),
                ));
            }
        }
        Ok(by_severity)
    }

    fn policy(
        &self,
        slo_name: &str,
        r: &spec::PolicyRef,
        catalog: &Catalog,
    ) -> Result<(spec::Metadata, spec::AlertPolicy), ImportError> {
        match r {
            spec::PolicyRef::Ref {
                alert_policy_ref: n,
            }
            | spec::PolicyRef::Name(n) => catalog.policies.get(n).cloned().ok_or_else(|| {
                self.unsupported(
                    slo_name,
                    format!("the alert policy `{n}`, which no imported file defines"),
                )
            }),
            spec::PolicyRef::Inline(d) => match &d.kind {
                Kind::AlertPolicy(p) => Ok((d.metadata.clone(), p.clone())),
                _ => Err(self.unsupported(
                    slo_name,
                    "an inline alert policy that is not an AlertPolicy".into(),
                )),
            },
        }
    }

    /// Receivers for the SLO's policies' notification targets, and a route on each policy's
    /// label (as the OpenSLO specification suggests), declared once per import.
    fn receivers(
        &mut self,
        slo_name: &str,
        slo: &spec::Slo,
        catalog: &Catalog,
        shared: &mut Shared,
    ) -> Result<String, ImportError> {
        let mut p = Printer::new();
        for policy_ref in &slo.alert_policies {
            let (metadata, policy) = self.policy(slo_name, policy_ref, catalog)?;
            if policy.notification_targets.is_empty() || !policy.alert_when_breaching {
                continue;
            }
            if let Some(file) = shared.declared.get(&("route", metadata.name.clone())) {
                if *file != self.name {
                    self.uses.insert(file.clone());
                }
                continue;
            }
            if !self.existing.has_routing {
                return Err(self.unsupported(slo_name, format!("notification targets for `{}`, and the rules directory has no routing tree: import your Alertmanager configuration first (`watchbook import alertmanager`)", metadata.name)));
            }
            let mut notify = Vec::new();
            for t in &policy.notification_targets {
                let (target_name, target) = match t {
                    spec::TargetRef::Ref { target_ref } => (
                        target_ref.clone(),
                        catalog.targets.get(target_ref).cloned().ok_or_else(|| {
                            self.unsupported(slo_name, format!("the notification target `{target_ref}`, which no imported file defines"))
                        })?,
                    ),
                    spec::TargetRef::Inline(d) => match &d.kind {
                        Kind::Target(x) => (d.metadata.name.clone(), x.clone()),
                        _ => return Err(self.unsupported(slo_name, "an inline target that is not an AlertNotificationTarget".into())),
                    },
                };
                let receiver = ident(&target_name);
                notify.push(receiver.clone());
                if shared
                    .declared
                    .contains_key(&("receiver", receiver.clone()))
                {
                    continue;
                }
                let slug = target_name
                    .to_lowercase()
                    .replace(|c: char| !c.is_ascii_alphanumeric(), "-");
                let secret = format!("{SECRETS}/{slug}");
                let resolved = policy.alert_when_resolved;
                let integration = match target.target.to_lowercase().as_str() {
                    "slack" => format!("slack {{ api_url_file {}  send_resolved {resolved} }}", string(&secret)),
                    "pagerduty" => format!("pagerduty {{ routing_key_file {}  send_resolved {resolved} }}", string(&secret)),
                    "opsgenie" => format!("opsgenie {{ api_key_file {}  send_resolved {resolved} }}", string(&secret)),
                    "webhook" | "web-hook" => format!("webhook {{ url_file {}  send_resolved {resolved} }}", string(&secret)),
                    other => return Err(self.unsupported(slo_name, format!("the notification target `{target_name}` of type `{other}`: the import writes Slack, PagerDuty, Opsgenie and webhook receivers, whose secrets are files; declare this receiver by hand"))),
                };
                if !shared.taken.take("receiver", &receiver) {
                    return Err(self.unsupported(
                        slo_name,
                        format!("the receiver name `{receiver}`, used already"),
                    ));
                }
                shared
                    .declared
                    .insert(("receiver", receiver.clone()), self.name.clone());
                shared.secrets.push((receiver.clone(), secret));
                p.line("");
                p.block(&format!("receiver {receiver}"), |p| {
                    if let Some(d) = &target.description {
                        p.line(&format!("description {}", string(d)));
                    }
                    p.line(&integration);
                });
            }
            shared
                .declared
                .insert(("route", metadata.name.clone()), self.name.clone());
            p.line("");
            p.block(
                &format!(
                    "route {}",
                    string(&format!("OpenSLO alert policy {}", metadata.name))
                ),
                |p| {
                    p.line(&format!(
                        "match {{ openslo_alert_policy = {} }}",
                        string(&metadata.name)
                    ));
                    p.line(&format!("notify [{}]", notify.join(", ")));
                },
            );
        }
        Ok(p.finish())
    }

    /// The SLI as an error ratio with `$window`, for one objective.
    fn error_ratio(
        &self,
        slo_name: &str,
        sli: &spec::SliSpec,
        objective: &spec::Objective,
        catalog: &Catalog,
    ) -> Result<String, ImportError> {
        let query = |m: &spec::Metric| self.query(slo_name, m, catalog);
        let scaled = |q: String| -> Result<String, ImportError> {
            let (text, n) = with_window(&q);
            if n == 0 {
                return Err(self.unsupported(
                    slo_name,
                    format!(
                        "the counter query `{q}` without a range (`[5m]`) to scale to each window"
                    ),
                ));
            }
            Ok(text)
        };
        if let Some(r) = &sli.ratio_metric {
            let counter = r.counter.unwrap_or(true);
            return Ok(match (&r.good, &r.bad, &r.total, &r.raw) {
                (Some(g), None, Some(t), None) if counter => format!(
                    "1 - (\n  ({})\n  /\n  ({})\n)",
                    scaled(query(g)?)?,
                    scaled(query(t)?)?
                ),
                // `sli ratio` writes errors over total: `(errors)\n/\n(total)`.
                (None, Some(b), Some(t), None) if counter => {
                    format!("({})\n/\n({})", scaled(query(b)?)?, scaled(query(t)?)?)
                }
                (Some(g), None, Some(t), None) => {
                    format!(
                        "1 - avg_over_time((({}) / ({}))[$window:])",
                        query(g)?,
                        query(t)?
                    )
                }
                (None, Some(b), Some(t), None) => {
                    format!(
                        "avg_over_time((({}) / ({}))[$window:])",
                        query(b)?,
                        query(t)?
                    )
                }
                (None, None, None, Some(raw)) => match r.raw_type.as_deref() {
                    Some("failure") => format!("avg_over_time(({})[$window:])", query(raw)?),
                    Some("success") => format!("1 - avg_over_time(({})[$window:])", query(raw)?),
                    _ => {
                        return Err(self.unsupported(
                            slo_name,
                            "a `raw` ratio without `rawType: success` or `failure`".into(),
                        ))
                    }
                },
                _ => {
                    return Err(self.unsupported(
                        slo_name,
                        "a ratio metric that is not good/total, bad/total or raw".into(),
                    ))
                }
            });
        }
        if let Some(t) = &sli.threshold_metric {
            // Bad when the value is not on the objective's side of it.
            let bad = match objective.op.as_deref() {
                Some("lt") => ">=",
                Some("lte") => ">",
                Some("gt") => "<=",
                Some("gte") => "<",
                _ => {
                    return Err(
                        self.unsupported(slo_name, "a threshold objective without `op`".into())
                    )
                }
            };
            let Some(value) = objective.value else {
                return Err(
                    self.unsupported(slo_name, "a threshold objective without `value`".into())
                );
            };
            return Ok(format!(
                "avg_over_time((({}) {bad} bool {value})[$window:])",
                query(t)?
            ));
        }
        Err(self.unsupported(
            slo_name,
            "an SLI without `ratioMetric` or `thresholdMetric`".into(),
        ))
    }

    /// A Prometheus query of a metric source (inline, or through a DataSource).
    fn query(
        &self,
        slo_name: &str,
        m: &spec::Metric,
        catalog: &Catalog,
    ) -> Result<String, ImportError> {
        let source = &m.metric_source;
        let kind = match (&source.kind, &source.metric_source_ref) {
            (Some(k), _) => k.clone(),
            (None, Some(r)) => catalog
                .sources
                .get(r)
                .map(|s| s.kind.clone())
                .ok_or_else(|| {
                    self.unsupported(
                        slo_name,
                        format!("the data source `{r}`, which no imported file defines"),
                    )
                })?,
            (None, None) => String::new(),
        };
        if !kind.eq_ignore_ascii_case("prometheus") {
            return Err(self.unsupported(
                slo_name,
                format!("a `{kind}` metric source: the import reads Prometheus queries"),
            ));
        }
        let spec = source.spec.as_ref().and_then(|s| s.as_mapping());
        let query = spec.and_then(|s| s.get("query")).and_then(|q| q.as_str());
        match (query, spec.map_or(0, |s| s.len())) {
            (Some(q), 1) => Ok(q.trim().to_string()),
            _ => Err(self.unsupported(
                slo_name,
                "a metric source whose spec is not just `query`".into(),
            )),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn write_slo(
        &mut self,
        id: &str,
        metadata: &spec::Metadata,
        slo: &spec::Slo,
        service: &str,
        target: f64,
        period: Duration,
        ratio: &str,
        plans: &[KindPlan],
        shared: &mut Shared,
    ) {
        let declared = fresh(
            &mut shared.taken,
            "slo",
            &format!("{service}_{}", ident(id)),
        );
        // One `for` per kind when its conditions agree; a `for` per window otherwise.
        let uniform = plans
            .iter()
            .all(|p| p.conditions.iter().all(|c| c.2 == p.conditions[0].2));
        let mut p = Printer::new();
        p.line("");
        if let Some(d) = &slo.description {
            p.comment(d);
        }
        let title = metadata.display_name.as_deref().unwrap_or(&metadata.name);
        p.block(&format!("slo {declared} {}", string(title)), |p| {
            p.line(&format!("id {}", string(id)));
            p.line(&format!("services [{service}]"));
            p.line(&format!("objective {}%", percent(target / 100.0)));
            p.line(&format!("period {period}"));
            match ratio_parts(ratio) {
                Some((errors, total)) => p.block("sli ratio", |p| {
                    p.raw_field("errors", errors);
                    p.raw_field("total", total);
                }),
                None => p.raw_field("sli raw", ratio),
            }
            if !uniform {
                p.line("alert_style per_pair");
            }
            if !plans.is_empty() {
                p.block("windows", |p| {
                    for (kind, plan) in ["page", "ticket"].iter().zip(plans) {
                        for (threshold, long, after) in &plan.conditions {
                            // One window, long and short alike: the condition's lookback.
                            let share = threshold * long.0 as f64 / period.0 as f64 * 100.0;
                            let for_ = match (uniform, after) {
                                (false, Some(a)) => format!(" for {a}"),
                                _ => String::new(),
                            };
                            p.line(&format!("{kind} {long} {long} {share}%{for_}"));
                        }
                    }
                });
            }
            for (i, kind) in ["page", "ticket"].iter().enumerate() {
                let Some(plan) = plans.get(i) else {
                    p.line(&format!("{kind} off"));
                    continue;
                };
                p.block(
                    &format!("{kind} {}", alert_name(&camel(&plan.policy))),
                    |p| {
                        p.line(&format!(
                            "label openslo_alert_policy {}",
                            string(&plan.policy)
                        ));
                        if let (true, Some(a)) = (uniform, plan.conditions[0].2) {
                            p.line(&format!("for {a}"));
                        }
                    },
                );
                p.line(&format!("{kind}_severity {}", plan.severity));
            }
        });
        for plan in plans {
            self.severities.insert(plan.severity.clone());
            shared.severities.insert(plan.severity.clone());
        }
        self.body.push_str(&p.finish());
    }

    fn text(&self, path: &Path, severities: Option<&str>, existing: &Existing) -> String {
        SloSource {
            command: "openslo",
            input: path,
            note: None,
            uses: &self.uses,
            severities: &self.severities,
            name: &self.name,
            body: &self.body,
        }
        .text(severities, existing)
    }
}

/// `(errors)\n/\n(total)`, the shape of a bad/total ratio, as its two queries.
fn ratio_parts(ratio: &str) -> Option<(&str, &str)> {
    let (errors, total) = ratio.split_once(")\n/\n(")?;
    Some((errors.strip_prefix('(')?, total.strip_suffix(')')?))
}

/// `0.999` as `99.9`: the objective as a percentage, without float noise.
fn percent(ratio: f64) -> String {
    crate::resolve::slo::tidy(ratio * 100.0)
}

/// `High-Burn-Rate` as an alert name: `HighBurnRate`.
fn camel(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut chars = p.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// Every range of the query (`[5m]`, not subqueries) as `[$window]`, and how many there were.
fn with_window(query: &str) -> (String, usize) {
    let mut out = String::with_capacity(query.len());
    let mut count = 0;
    let mut rest = query;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..=open]);
        rest = &rest[open + 1..];
        let close = rest.find(']').unwrap_or(rest.len());
        let inside = rest[..close].trim();
        if inside == "{{.window}}" || inside == "{{ .window }}" || Duration::parse(inside).is_ok() {
            out.push_str("$window");
            count += 1;
        } else {
            out.push_str(&rest[..close]);
        }
        rest = &rest[close..];
    }
    out.push_str(rest);
    (out, count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_become_the_window() {
        assert_eq!(
            with_window("sum(rate(x[5m])) / sum(rate(y[1h30m]))"),
            (
                "sum(rate(x[$window])) / sum(rate(y[$window]))".to_string(),
                2
            )
        );
        // A subquery's range and step are not a counter's range.
        assert_eq!(with_window("max_over_time(x[1h:5m])").1, 0);
        assert_eq!(camel("High-Burn-Rate"), "HighBurnRate");
        assert_eq!(percent(0.999), "99.9");
    }
}
