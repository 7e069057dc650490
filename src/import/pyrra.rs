//! `watchbook import pyrra`: Pyrra `ServiceLevelObjective` resources (ratio, latency,
//! latencyNative and bool_gauge indicators) into SLO declarations in Pyrra's style
//! (`alert_style pyrra`), which compile into what Pyrra generates for them: the
//! `<metric>:burnrate<window>` recordings with the same labels and values, the
//! `ErrorBudgetBurn` rules with Pyrra's windows, factors, `for` and labels, the
//! `SLOMetricAbsent` alerts, and the `:increase`/`:count`/`:sum` recordings over the window
//! that Pyrra's UI reads (as `record` declarations beside the SLO). One source per file; the
//! round trip is checked before anything is written.

use super::convert::pairs;
use super::existing::Existing;
use super::pyrra_spec::{self, Objective};
use super::rule_file::{self, Kind};
use super::slo_output::{self, SloSource};
use super::sloth::{alert_name, fresh, ident, SloFileReport};
use super::sloth_spec::Labels;
use super::{severities_source, stem, target, ImportError, Source, Target};
use crate::diagnostic::{Diagnostic, StageError};
use crate::print::{string, Printer};
use crate::resolve::duration::Duration;
use crate::resolve::slo::tidy;
use promql_parser::label::MatchOp;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Labels and annotations with this prefix on the resource are copied onto its rules.
const PROPAGATED: &str = "pyrra.dev/";

/// What an import of Pyrra objectives wrote.
#[derive(Debug, Default)]
pub struct PyrraReport {
    pub files: Vec<SloFileReport>,
    pub support: Vec<String>,
}

/// Imports Pyrra objectives into `out`.
/// `generic_rules`: also Pyrra's generic rules (`pyrra_objective`, `pyrra_availability`...),
/// which Pyrra writes with `--generic-rules` for its Grafana dashboards.
pub fn pyrra(
    inputs: &[PathBuf],
    out: &Path,
    force: bool,
    generic_rules: bool,
) -> Result<PyrraReport, Vec<Diagnostic>> {
    let fail = |e: ImportError| vec![e.to_diagnostic()];
    let (files, _) = super::rule_files(inputs).map_err(fail)?;
    let mut read = Vec::new();
    let mut errors = Vec::new();
    for (path, text) in &files {
        match pyrra_spec::read(&path.display().to_string(), text) {
            Ok(objectives) => read.push((path, text, objectives)),
            Err(e) => errors.push(e.to_diagnostic()),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if read.is_empty() {
        return Err(fail(ImportError::NoInput));
    }
    let Target {
        names,
        existing,
        mut used_names,
    } = target(out, read.iter().map(|(path, _, _)| stem(path)), force).map_err(fail)?;
    let mut taken = existing.taken();
    let mut converted = Vec::new();
    let mut severities: BTreeSet<String> = BTreeSet::new();
    for ((path, text, objectives), name) in read.iter().zip(&names) {
        let mut file = ObjectiveFile::new(&path.display().to_string(), name, generic_rules);
        for o in objectives {
            if let Err(e) = file.objective(o, &mut taken) {
                errors.push(e.to_diagnostic());
            }
        }
        severities.extend(file.severities.iter().cloned());
        converted.push((*path, *text, name, file));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut report = PyrraReport::default();
    let mut sources = Vec::new();
    let severities_file = severities_source(&existing, &mut used_names, severities, &mut sources);
    report.support.extend(severities_file.clone());
    for (path, text, name, file) in &converted {
        let wb = file.text(path, severities_file.as_deref(), &existing);
        report.files.push(SloFileReport {
            input: path.display().to_string(),
            output: name.to_string(),
            slos: file.expected.len(),
            alerts: file
                .expected
                .iter()
                .map(|e| e.rules.iter().filter(|r| r.kind == Kind::Alert).count())
                .sum(),
            yaml_lines: text.lines().count(),
            wb_lines: wb.lines().count(),
        });
        sources.push(Source {
            name: name.to_string(),
            text: wb,
        });
    }
    let files: Vec<(&str, &[Expected])> = converted
        .iter()
        .map(|(_, _, name, file)| (name.as_str(), &file.expected[..]))
        .collect();
    slo_output::round_trip(out, &existing, &sources, &files, |e, rules| {
        (e.slo.clone(), differences_of(e, rules))
    })?;
    super::write(out, &sources, force).map_err(fail)?;
    Ok(report)
}

/// A vector selector of a Pyrra query: its text as written, metric name and matchers.
#[derive(Clone)]
struct Selector {
    text: String,
    name: String,
    matchers: Vec<(String, MatchOp, String)>,
}

impl Selector {
    fn read(text: &str) -> Result<Selector, String> {
        let text = text.trim();
        match promql_parser::parser::parse(text) {
            Ok(promql_parser::parser::Expr::VectorSelector(vs)) => {
                let name = vs.name.clone().ok_or("no metric name")?;
                Ok(Selector {
                    text: text.to_string(),
                    name,
                    matchers: vs
                        .matchers
                        .matchers
                        .iter()
                        .filter(|m| m.name != "__name__")
                        .map(|m| (m.name.clone(), m.op.clone(), m.value.clone()))
                        .collect(),
                })
            }
            Ok(_) => Err("not a vector selector".into()),
            Err(e) => Err(e),
        }
    }

    /// `label="value"` matchers: they become labels of the rules.
    fn equal(&self) -> impl Iterator<Item = (&String, &String)> {
        self.matchers
            .iter()
            .filter(|(_, op, _)| *op == MatchOp::Equal)
            .map(|(k, _, v)| (k, v))
    }

    fn regex_labels(&self) -> impl Iterator<Item = &String> {
        self.matchers
            .iter()
            .filter(|(_, op, _)| matches!(op, MatchOp::Re(_) | MatchOp::NotRe(_)))
            .map(|(k, _, _)| k)
    }

    fn labels(&self) -> impl Iterator<Item = &String> {
        self.matchers.iter().map(|(k, _, _)| k)
    }

    /// This selector's matchers on another metric, with more: `name{code=~"5..",slo="x"}`.
    fn on(&self, name: &str, more: &[(&str, &str)]) -> String {
        let quoted = |v: &str| crate::resolve::selector::escape_string(v);
        let parts: Vec<String> = self
            .matchers
            .iter()
            .map(|(k, op, v)| format!("{k}{op}\"{}\"", quoted(v)))
            .chain(more.iter().map(|(k, v)| format!("{k}=\"{}\"", quoted(v))))
            .collect();
        format!("{name}{{{}}}", parts.join(","))
    }
}

/// The labels Pyrra's window totals are grouped by beyond the indicator's grouping: those
/// only the errors (or success) selector names, but `le`, and the total's regex matchers.
fn window_grouping(part: &Selector, total: &Selector) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = part
        .labels()
        .filter(|l| !total.labels().any(|t| t == *l) && *l != "le")
        .cloned()
        .collect();
    out.extend(total.regex_labels().cloned());
    out
}

/// `sum` or `sum by (a, b) `, as Pyrra prints them before `(`.
fn sum(grouping: &BTreeSet<String>) -> String {
    if grouping.is_empty() {
        "sum".into()
    } else {
        let list: Vec<&str> = grouping.iter().map(String::as_str).collect();
        format!("sum by ({}) ", list.join(", "))
    }
}

/// Pyrra's recording names drop a counter's or histogram's suffix.
fn trimmed(metric: &str) -> &str {
    metric
        .strip_suffix("_total")
        .or_else(|| metric.strip_suffix("_count"))
        .unwrap_or(metric)
}

fn increase_name(metric: &str, window: &str) -> String {
    let base = trimmed(metric);
    let base = base.strip_suffix("_bucket").unwrap_or(base);
    format!("{base}:increase{window}")
}

/// An indicator as the language writes it, and what Pyrra records from it.
struct Indicator {
    /// The `sli` line or block.
    sli: SliText,
    /// Pyrra's burn-rate expression, `$window` for the window.
    burnrate: String,
    /// The metric the recordings are named after.
    metric: String,
    /// The selector whose `label="value"` matchers label the rules.
    total: Selector,
    grouping: BTreeSet<String>,
    /// The recordings over the whole window Pyrra's UI reads: (name, expr, extra labels,
    /// labels the grouping removes).
    window_records: Vec<(String, String, Labels)>,
    /// Labels the window recordings and absent alerts lose, beyond the grouping.
    window_grouping: BTreeSet<String>,
    /// Metrics whose absence Pyrra alerts on; none for native histograms.
    absent: Vec<Selector>,
    /// Native histograms' window recordings keep the grouped labels (Pyrra's quirk).
    native: bool,
    /// Pyrra's generic rules for its Grafana dashboards (`pyrra_availability`,
    /// `pyrra_requests:rate5m`, `pyrra_errors:rate5m`): (name, expr). `None` when the
    /// indicator groups: Pyrra makes none then.
    generic: Option<Vec<(&'static str, String)>>,
}

enum SliText {
    Ratio(String, String),
    Raw(String),
}

fn indicator(o: &Objective, window: &str) -> Result<Indicator, String> {
    let i = &o.spec.indicator;
    let count = [
        i.ratio.is_some(),
        i.latency.is_some(),
        i.latency_native.is_some(),
        i.bool_gauge.is_some(),
    ]
    .iter()
    .filter(|x| **x)
    .count();
    if count != 1 {
        return Err(
            "not exactly one indicator (ratio, latency, latencyNative or bool_gauge)".into(),
        );
    }
    let read = |what: &str, text: &str| {
        Selector::read(text)
            .map_err(|e| format!("a {what} metric `{text}` that is not a selector ({e})"))
    };
    if let Some(r) = &i.ratio {
        let (errors, total) = (
            read("ratio errors", &r.errors.metric)?,
            read("ratio total", &r.total.metric)?,
        );
        let grouping: BTreeSet<String> = r.grouping.iter().cloned().collect();
        let by = sum(&grouping);
        let e = format!("{by}(rate({}[$window]))", errors.text);
        let t = format!("{by}(rate({}[$window]))", total.text);
        let window_grouping = window_grouping(&errors, &total);
        let wby = sum(&grouping.union(&window_grouping).cloned().collect());
        let mut window_records = vec![(
            increase_name(&total.name, window),
            format!("{wby}(increase({}[{window}]))", total.text),
            Labels::new(),
        )];
        let mut absent = Vec::new();
        if errors.name != total.name {
            window_records.push((
                increase_name(&errors.name, window),
                format!("{wby}(increase({}[{window}]))", errors.text),
                Labels::new(),
            ));
            absent.push(total.clone());
            absent.push(errors.clone());
        } else {
            absent.push(total.clone());
        }
        let slo = [("slo", o.name.as_str())];
        let generic = grouping.is_empty().then(|| {
            vec![
                (
                    "pyrra_availability",
                    format!(
                        "1 - sum({} or vector(0)) / sum({})",
                        errors.on(&increase_name(&errors.name, window), &slo),
                        total.on(&increase_name(&total.name, window), &slo)
                    ),
                ),
                (
                    "pyrra_requests:rate5m",
                    format!("sum(rate({}[5m]))", total.text),
                ),
                (
                    "pyrra_errors:rate5m",
                    format!("sum(rate({}[5m])) or vector(0)", errors.text),
                ),
            ]
        });
        return Ok(Indicator {
            burnrate: format!("{e} / {t}"),
            sli: SliText::Ratio(e, t),
            metric: trimmed(&total.name).to_string(),
            generic,
            total,
            grouping,
            window_records,
            window_grouping,
            absent,
            native: false,
        });
    }
    if let Some(l) = &i.latency {
        let (success, total) = (
            read("latency success", &l.success.metric)?,
            read("latency total", &l.total.metric)?,
        );
        let grouping: BTreeSet<String> = l.grouping.iter().cloned().collect();
        let by = sum(&grouping);
        let t = format!("{by}(rate({}[$window]))", total.text);
        let e = format!("{t} - {by}(rate({}[$window]))", success.text);
        let window_grouping = window_grouping(&success, &total);
        let wby = sum(&grouping.union(&window_grouping).cloned().collect());
        let le: Labels = success
            .matchers
            .iter()
            .find(|(k, _, _)| k == "le")
            .map(|(_, _, v)| ("le".to_string(), v.clone()))
            .into_iter()
            .collect();
        let window_records = vec![
            (
                increase_name(&total.name, window),
                format!("{wby}(increase({}[{window}]))", total.text),
                Labels::new(),
            ),
            (
                increase_name(&success.name, window),
                format!("{wby}(increase({}[{window}]))", success.text),
                le,
            ),
        ];
        let slo = [("slo", o.name.as_str())];
        let generic = grouping.is_empty().then(|| {
            vec![
                (
                    "pyrra_availability",
                    format!(
                        "sum({} or vector(0)) / sum({})",
                        success.on(&increase_name(&success.name, window), &slo),
                        total.on(
                            &increase_name(&total.name, window),
                            &[("le", ""), ("slo", o.name.as_str())]
                        )
                    ),
                ),
                (
                    "pyrra_requests:rate5m",
                    format!("sum(rate({}[5m]))", total.text),
                ),
                (
                    "pyrra_errors:rate5m",
                    format!(
                        "sum(rate({}[5m])) - sum(rate({}[5m]))",
                        total.text, success.text
                    ),
                ),
            ]
        });
        return Ok(Indicator {
            burnrate: format!("({e}) / {t}"),
            sli: SliText::Ratio(e, t),
            metric: trimmed(&total.name).to_string(),
            generic,
            absent: vec![total.clone(), success],
            total,
            grouping,
            window_records,
            window_grouping,
            native: false,
        });
    }
    if let Some(n) = &i.latency_native {
        let total = read("latencyNative total", &n.total.metric)?;
        let latency = Duration::parse(&n.latency)
            .map_err(|_| format!("the latency `{}`, which is not a duration", n.latency))?;
        let seconds = format!("{}", latency.seconds());
        let grouping: BTreeSet<String> = n.grouping.iter().cloned().collect();
        let by = sum(&grouping);
        let raw = format!(
            "1 - histogram_fraction(0, {seconds}, {by}(rate({}[$window])))",
            total.text
        );
        let increase = format!("{by}(increase({}[{window}]))", total.text);
        let window_records = vec![
            (
                increase_name(&total.name, window),
                format!("histogram_count({increase})"),
                Labels::new(),
            ),
            (
                increase_name(&total.name, window),
                format!(
                    "histogram_fraction(0, {seconds}, {increase}) * histogram_count({increase})"
                ),
                [("le".to_string(), seconds.clone())].into_iter().collect(),
            ),
        ];
        let name = increase_name(&total.name, window);
        let generic = grouping.is_empty().then(|| {
            vec![(
                "pyrra_availability",
                format!(
                    "sum({} or vector(0)) / sum({})",
                    total.on(&name, &[("slo", o.name.as_str()), ("le", &seconds)]),
                    total.on(&name, &[("slo", o.name.as_str()), ("le", "")])
                ),
            )]
        });
        return Ok(Indicator {
            burnrate: raw.clone(),
            sli: SliText::Raw(raw),
            generic,
            metric: trimmed(&total.name).to_string(),
            total,
            grouping,
            window_records,
            window_grouping: BTreeSet::new(),
            absent: Vec::new(),
            native: true,
        });
    }
    let Some(b) = &i.bool_gauge else {
        return Err("no indicator".into());
    };
    let metric = read("bool_gauge", &b.metric)?;
    let grouping: BTreeSet<String> = b.grouping.iter().cloned().collect();
    let by = sum(&grouping);
    let t = format!("{by}(count_over_time({}[$window]))", metric.text);
    let e = format!("{t} - {by}(sum_over_time({}[$window]))", metric.text);
    // Pyrra groups the window's counts by every label the selector names.
    let window_grouping: BTreeSet<String> = metric.labels().cloned().collect();
    let wby = sum(&grouping.union(&window_grouping).cloned().collect());
    let window_records = vec![
        (
            format!("{}:count{window}", metric.name),
            format!("{wby}(count_over_time({}[{window}]))", metric.text),
            Labels::new(),
        ),
        (
            format!("{}:sum{window}", metric.name),
            format!("{wby}(sum_over_time({}[{window}]))", metric.text),
            Labels::new(),
        ),
    ];
    let slo = [("slo", o.name.as_str())];
    let count = metric.on(&format!("{}:count{window}", metric.name), &slo);
    let sum = metric.on(&format!("{}:sum{window}", metric.name), &slo);
    let generic = grouping.is_empty().then(|| {
        vec![
            ("pyrra_availability", format!("sum({sum}) / sum({count})")),
            ("pyrra_requests:rate5m", format!("sum({count})")),
            ("pyrra_errors:rate5m", format!("sum({count}) - sum({sum})")),
        ]
    });
    Ok(Indicator {
        burnrate: format!("({e}) / {t}"),
        sli: SliText::Ratio(e, t),
        metric: trimmed(&metric.name).to_string(),
        generic,
        absent: vec![metric.clone()],
        total: metric,
        grouping,
        window_records,
        window_grouping,
        native: false,
    })
}

/// One rule Pyrra generates for an objective, as the compile must reproduce it.
struct ExpectedRule {
    kind: Kind,
    name: String,
    expr: String,
    for_: Option<Duration>,
    labels: Labels,
}

/// An objective and the rules it must compile into.
struct Expected {
    slo: String,
    rules: Vec<ExpectedRule>,
}

/// One file being converted: its declarations as text, and what to check.
struct ObjectiveFile {
    path: String,
    name: String,
    body: String,
    severities: BTreeSet<String>,
    expected: Vec<Expected>,
    /// The objectives read, by name.
    resources: Vec<String>,
    /// Write Pyrra's generic rules too (`--generic-rules`).
    generic_rules: bool,
}

impl ObjectiveFile {
    fn new(path: &str, name: &str, generic_rules: bool) -> Self {
        ObjectiveFile {
            generic_rules,
            path: path.to_string(),
            name: name.to_string(),
            body: String::new(),
            severities: BTreeSet::new(),
            expected: Vec::new(),
            resources: Vec::new(),
        }
    }

    fn unsupported(&self, slo: &str, what: String) -> ImportError {
        ImportError::UnsupportedSlo {
            path: self.path.clone(),
            slo: Some(slo.to_string()),
            what,
        }
    }

    fn objective(
        &mut self,
        o: &Objective,
        taken: &mut super::convert::Taken,
    ) -> Result<(), ImportError> {
        let slo = o.name.as_str();
        let spec = &o.spec;
        if spec.performance_over_accuracy {
            return Err(self.unsupported(
                slo,
                "`performanceOverAccuracy`, whose rules Pyrra splits between Prometheus and Thanos"
                    .into(),
            ));
        }
        if spec.rule_output.is_some() {
            return Err(self.unsupported(
                slo,
                "`ruleOutput`, labels for Pyrra's split rule groups".into(),
            ));
        }
        if spec.partial_response_strategy.is_some() {
            return Err(self.unsupported(
                slo,
                "`partial_response_strategy`, a Thanos Ruler setting of its rule groups".into(),
            ));
        }
        let target_text = match &spec.target {
            yaml_serde::Value::String(s) => s.trim().to_string(),
            yaml_serde::Value::Number(n) => n.to_string(),
            _ => String::new(),
        };
        let target: f64 = match target_text.parse() {
            Ok(t) if t > 0.0 && t < 100.0 => t,
            _ => {
                return Err(self.unsupported(
                    slo,
                    format!("the target `{target_text}`, not a percentage between 0 and 100"),
                ))
            }
        };
        let period = Duration::parse(&spec.window).map_err(|_| {
            self.unsupported(
                slo,
                format!("the window `{}`, which is not a duration", spec.window),
            )
        })?;
        let window = period.to_string();
        let ind = indicator(o, &window).map_err(|what| self.unsupported(slo, what))?;

        // Severities: ours are per kind (page, ticket); Pyrra's per window pair.
        let sev = &spec.alerting.severities;
        let or = |s: &Option<String>, d: &str| s.clone().unwrap_or_else(|| d.to_string());
        let (fast, medium) = (
            or(&sev.fast_burn, "critical"),
            or(&sev.medium_burn, "critical"),
        );
        let (slow, long_term) = (
            or(&sev.slow_burn, "warning"),
            or(&sev.long_term_burn, "warning"),
        );
        if fast != medium || slow != long_term {
            return Err(self.unsupported(
                slo,
                format!("severities that differ between the two page pairs (`{fast}`, `{medium}`) or the two ticket pairs (`{slow}`, `{long_term}`); watchbook gives each kind one severity"),
            ));
        }
        let absent_severity = or(&sev.absent, "critical");
        for s in [&fast, &slow, &absent_severity] {
            if !crate::print::is_name(s) {
                return Err(self.unsupported(
                    slo,
                    format!("the severity `{s}`, which is not a name of the language"),
                ));
            }
        }
        let burnrates =
            spec.alerting.burnrates.unwrap_or(true) && !spec.alerting.disabled.unwrap_or(false);
        let absent = spec.alerting.absent.unwrap_or(true) && !ind.absent.is_empty();
        let alert = spec
            .alerting
            .name
            .clone()
            .unwrap_or_else(|| "ErrorBudgetBurn".into());
        let absent_alert = spec
            .alerting
            .absent_name
            .clone()
            .unwrap_or_else(|| "SLOMetricAbsent".into());
        if burnrates {
            self.severities.insert(fast.clone());
            self.severities.insert(slow.clone());
        }
        if absent {
            self.severities.insert(absent_severity.clone());
        }
        // Alert names may be shared by SLOs, not with other alerts of the rules directory.
        for name in burnrates
            .then_some(&alert)
            .into_iter()
            .chain(absent.then_some(&absent_alert))
        {
            if !taken.has("slo alert", name) && !taken.take("alert", name) {
                return Err(self.unsupported(
                    slo,
                    format!(
                        "the alert name `{name}`, which the rules directory gives another alert"
                    ),
                ));
            }
            taken.take("slo alert", name);
        }

        // The rules' labels: the objective's name, the propagated labels, and the total's
        // `label="value"` matchers that are not grouped by (their series carry them).
        let propagated: Labels = o
            .labels
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix(PROPAGATED)?.to_string(), v.clone())))
            .collect();
        let mut labels = propagated.clone();
        for (k, v) in ind.total.equal() {
            if !ind.grouping.contains(k) {
                labels.insert(k.clone(), v.clone());
            }
        }
        let annotations: Labels = o
            .annotations
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix(PROPAGATED)?.to_string(), v.clone())))
            .collect();
        let mut rule_labels = labels.clone();
        rule_labels.insert("slo".into(), slo.to_string());

        let declared = fresh(taken, "slo", &ident(slo));
        let objective = target / 100.0;
        let mut expected = Expected {
            slo: slo.to_string(),
            rules: Vec::new(),
        };
        let windows = crate::resolve::slo_pyrra::windows(period);
        let mut recorded: Vec<Duration> = windows.iter().flat_map(|w| [w.short, w.long]).collect();
        recorded.sort();
        recorded.dedup();
        for w in &recorded {
            expected.rules.push(ExpectedRule {
                kind: Kind::Record,
                name: format!("{}:burnrate{w}", ind.metric),
                expr: ind.burnrate.replace("$window", &w.to_string()),
                for_: None,
                labels: rule_labels.clone(),
            });
        }
        let own: Vec<String> = {
            let mut m: Vec<String> = rule_labels
                .iter()
                .map(|(k, v)| format!("{k}={}", string(v)))
                .collect();
            m.sort();
            m
        };
        let own = own.join(",");
        if burnrates {
            for (i, w) in windows.iter().enumerate() {
                let threshold = format!("({} * (1-{}))", tidy(w.factor), tidy(objective));
                let mut l = rule_labels.clone();
                l.insert("long".into(), w.long.to_string());
                l.insert("short".into(), w.short.to_string());
                l.insert(
                    "severity".into(),
                    if i < 2 { fast.clone() } else { slow.clone() },
                );
                l.insert(
                    "exhaustion".into(),
                    crate::resolve::slo_pyrra::exhaustion(period, w.factor),
                );
                expected.rules.push(ExpectedRule {
                    kind: Kind::Alert,
                    name: alert.clone(),
                    expr: format!(
                        "{m}:burnrate{s}{{{own}}} > {threshold} and {m}:burnrate{long}{{{own}}} > {threshold}",
                        m = ind.metric,
                        s = w.short,
                        long = w.long
                    ),
                    for_: w.for_,
                    labels: l,
                });
            }
        }
        // The window recordings and absent alerts lose the grouped labels too.
        let mut window_labels = rule_labels.clone();
        if ind.native {
            for (k, v) in ind.total.equal() {
                window_labels.insert(k.clone(), v.clone());
            }
        } else {
            for g in &ind.window_grouping {
                window_labels.remove(g);
            }
        }
        if absent {
            let for_ = crate::resolve::slo_absent::default_for(&windows, objective);
            // Pyrra writes a rule per metric, with one set of labels: promtool rejects them
            // as duplicates, so the compile ors them into one rule that fires alike.
            let mut l = window_labels.clone();
            l.insert("severity".into(), absent_severity.clone());
            let parts: Vec<String> = ind
                .absent
                .iter()
                .map(|s| format!("absent({}) == 1", s.text))
                .collect();
            expected.rules.push(ExpectedRule {
                kind: Kind::Alert,
                name: absent_alert.clone(),
                expr: parts.join(" or "),
                for_,
                labels: l,
            });
        }
        let mut records = Vec::new();
        for (name, expr, extra) in &ind.window_records {
            let mut l = window_labels.clone();
            l.extend(extra.clone());
            records.push((name.clone(), expr.clone(), l.clone()));
            expected.rules.push(ExpectedRule {
                kind: Kind::Record,
                name: name.clone(),
                expr: expr.clone(),
                for_: None,
                labels: l,
            });
        }

        // Pyrra's generic rules, for its Grafana dashboards: none for a grouped indicator.
        let mut generic = Vec::new();
        if let (true, Some(rules)) = (self.generic_rules, &ind.generic) {
            let mut l = propagated.clone();
            l.insert("slo".into(), slo.to_string());
            let fixed = [
                ("pyrra_objective", format!("{}", target / 100.0)),
                ("pyrra_window", (period.0 / 1000).to_string()),
            ];
            for (name, expr) in fixed.into_iter().chain(rules.iter().cloned()) {
                generic.push((name.to_string(), expr.clone(), l.clone()));
                expected.rules.push(ExpectedRule {
                    kind: Kind::Record,
                    name: name.to_string(),
                    expr,
                    for_: None,
                    labels: l.clone(),
                });
            }
        }

        // The declaration.
        let mut printer = Printer::new();
        let p = &mut printer;
        p.line("");
        match spec.description.as_deref().map(str::trim) {
            Some(d) if !d.is_empty() => p.comment(d),
            _ => p.comment(&format!("Pyrra objective `{slo}`.")),
        }
        p.block(&format!("slo {declared} {}", string(slo)), |p| {
            p.line(&format!("id {}", string(slo)));
            p.line("alert_style pyrra");
            p.line(&format!("objective {target_text}%"));
            p.line(&format!("period {window}"));
            p.label_map("labels", &pairs(&labels));
            match &ind.sli {
                SliText::Ratio(errors, total) => p.block("sli ratio", |p| {
                    p.raw_field("errors", errors);
                    p.raw_field("total", total);
                }),
                SliText::Raw(q) => p.raw_field("sli raw", q),
            }
            for kind in ["page", "ticket"] {
                if !burnrates {
                    p.line(&format!("{kind} off"));
                } else if annotations.is_empty() {
                    p.line(&format!("{kind} {}", alert_name(&alert)));
                } else {
                    p.block(&format!("{kind} {}", alert_name(&alert)), |p| {
                        for (key, value) in &annotations {
                            p.line(&format!("annotation {key} {}", string(value)));
                        }
                    });
                }
            }
            if !absent {
                p.line("absent off");
            } else if annotations.is_empty() {
                p.line(&format!("absent {}", alert_name(&absent_alert)));
            } else {
                p.block(&format!("absent {}", alert_name(&absent_alert)), |p| {
                    for (key, value) in &annotations {
                        p.line(&format!("annotation {key} {}", string(value)));
                    }
                });
            }
            if burnrates {
                p.line(&format!("page_severity {fast}"));
                p.line(&format!("ticket_severity {slow}"));
            }
            if absent && absent_severity != fast {
                p.line(&format!("absent_severity {absent_severity}"));
            }
        });
        if !records.is_empty() || !generic.is_empty() {
            p.line("");
        }
        if !records.is_empty() {
            p.comment(&format!(
                "Totals over the objective's window ({window}): Pyrra's UI reads its availability from these."
            ));
        }
        for (i, (name, expr, l)) in records.iter().chain(&generic).enumerate() {
            if i > 0 {
                p.line("");
            }
            if i == records.len() {
                p.comment("Pyrra's generic rules, which its Grafana dashboards read.");
            }
            p.block(&format!("record {}", string(name)), |p| {
                p.raw_field("expr", expr);
                p.label_map("labels", &pairs(l));
            });
        }
        self.body.push_str(&printer.finish());
        self.resources.push(slo.to_string());
        self.expected.push(expected);
        Ok(())
    }

    fn text(&self, path: &Path, severities: Option<&str>, existing: &Existing) -> String {
        SloSource {
            command: "pyrra",
            input: path,
            note: Some(format!(
                "ServiceLevelObjective: {}.",
                self.resources.join(", ")
            )),
            uses: &BTreeSet::new(),
            severities: &self.severities,
            name: &self.name,
            body: &self.body,
        }
        .text(severities, existing)
    }
}

/// The labels an alert fires with beyond its own: `absent(x{a="b"})` returns `{a="b"}`
/// (of the first metric: or'ed absences with other labels fire apart).
fn fired_labels(rule_labels: &Labels, expr: &str) -> Labels {
    let mut out = rule_labels.clone();
    let first = expr
        .split(" or ")
        .next()
        .unwrap_or(expr)
        .split("\nor\n")
        .next()
        .unwrap_or(expr);
    if let Some(inner) = first
        .trim()
        .strip_prefix("absent(")
        .and_then(|r| r.strip_suffix(") == 1"))
    {
        if let Ok(s) = Selector::read(inner) {
            for (k, v) in s.equal() {
                out.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
    }
    out
}

/// How the compiled rules differ from what Pyrra generates for one objective.
fn differences_of(e: &Expected, rules: &[rule_file::Rule]) -> Vec<String> {
    let mut out = Vec::new();
    for want in &e.rules {
        let what = match want.kind {
            Kind::Alert => "alert",
            Kind::Record => "recording",
        };
        let found = rules.iter().find(|r| {
            r.kind == want.kind
                && r.name == want.name
                && super::compare::same_text(&r.expr, &want.expr)
                && fired_labels(&r.labels, &r.expr) == fired_labels(&want.labels, &want.expr)
        });
        match found {
            None => out.push(format!(
                "there is no {what} `{}` of `{}` labelled {:?}",
                want.name, want.expr, want.labels
            )),
            Some(r) => {
                let got = r.for_.as_deref().and_then(|f| Duration::parse(f).ok());
                if got != want.for_ {
                    out.push(format!(
                        "the {what} `{}` of `{}` has `for` {:?}, not {:?}",
                        want.name,
                        want.expr,
                        r.for_,
                        want.for_.map(|f| f.to_string())
                    ));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_their_suffix() {
        assert_eq!(trimmed("http_requests_total"), "http_requests");
        assert_eq!(
            trimmed("http_request_duration_seconds_count"),
            "http_request_duration_seconds"
        );
        assert_eq!(increase_name("x_bucket", "4w"), "x:increase4w");
        assert_eq!(sum(&BTreeSet::new()), "sum");
        let g: BTreeSet<String> = ["job", "code"].iter().map(|s| s.to_string()).collect();
        assert_eq!(sum(&g), "sum by (code, job) ");
    }

    #[test]
    fn absent_alerts_fire_with_the_selectors_labels() {
        let labels: Labels = [("slo".to_string(), "a".to_string())].into_iter().collect();
        let fired = fired_labels(&labels, "absent(up{job=\"x\",instance=~\"a.*\"}) == 1");
        assert_eq!(fired.get("job").map(String::as_str), Some("x"));
        assert!(!fired.contains_key("instance"));
    }
}
