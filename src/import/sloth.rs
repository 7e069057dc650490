//! `watchbook import sloth`: Sloth specs (`prometheus/v1`, `PrometheusServiceLevel`) into
//! SLO declarations that compile into what Sloth generates for them: the same recording
//! names, labels and SLI expressions, the same alert names, labels, annotations, windows and
//! factors. One source per spec file; the round trip is checked before anything is written.

use super::convert::pairs;
use super::existing::Existing;
use super::slo_output::{self, Expected, SloSource};
use super::sloth_spec::{self, Alert, Document, Labels, Spec, Windows};
use super::{severities_source, stem, target, ImportError, Source, Target};
use crate::diagnostic::{Diagnostic, StageError};
use crate::print::{is_name, string, Printer};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What one spec file became.
#[derive(Debug)]
pub struct SloFileReport {
    pub input: String,
    pub output: String,
    pub slos: usize,
    pub alerts: usize,
    pub yaml_lines: usize,
    pub wb_lines: usize,
}

/// What an import of Sloth specs wrote, and what differs from Sloth by design.
#[derive(Debug, Default)]
pub struct SlothReport {
    pub files: Vec<SloFileReport>,
    pub support: Vec<String>,
    /// Alerts that carry a `severity` label where Sloth's have none.
    pub severities_added: Vec<String>,
}

/// Imports Sloth specs into `out`.
pub fn sloth(inputs: &[PathBuf], out: &Path, force: bool) -> Result<SlothReport, Vec<Diagnostic>> {
    let fail = |e: ImportError| vec![e.to_diagnostic()];
    let (files, _) = super::rule_files(inputs).map_err(fail)?;
    let mut read = Vec::new();
    let mut errors = Vec::new();
    let mut windows: Option<(String, Windows)> = None;
    for (path, text) in &files {
        let shown = path.display().to_string();
        match sloth_spec::read(&shown, text) {
            Ok(docs) => {
                let mut specs = Vec::new();
                for doc in docs {
                    match doc {
                        Document::Spec(spec, resource) => specs.push((spec, resource)),
                        Document::Windows(w) if windows.is_none() => {
                            windows = Some((shown.clone(), w))
                        }
                        Document::Windows(_) => errors.push(
                            ImportError::UnsupportedSlo {
                                path: shown.clone(),
                                slo: None,
                                what: "a second `AlertWindows`: give the import one".into(),
                            }
                            .to_diagnostic(),
                        ),
                    }
                }
                if !specs.is_empty() {
                    read.push((path, text, specs));
                }
            }
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
    let mut report = SlothReport::default();
    let mut converted = Vec::new();
    let mut severities: BTreeSet<String> = BTreeSet::new();
    // Service -> the source that declares it.
    let mut services: BTreeMap<String, String> = BTreeMap::new();
    for ((path, text, specs), name) in read.iter().zip(&names) {
        let shown = path.display().to_string();
        let mut file = SpecFile::new(&shown, name, &existing, windows.as_ref().map(|w| &w.1));
        for (spec, resource) in specs {
            file.resources.extend(resource.clone());
            if let Err(e) = file.spec(spec, &mut taken, &mut services) {
                errors.push(e.to_diagnostic());
            }
        }
        severities.extend(file.severities.iter().cloned());
        report.severities_added.append(&mut file.severities_added);
        converted.push((*path, *text, name, file));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut sources = Vec::new();
    let severities_file = severities_source(&existing, &mut used_names, severities, &mut sources);
    report.support.extend(severities_file.clone());
    for (path, text, name, file) in &converted {
        let wb = file.text(path, severities_file.as_deref(), &existing);
        report.files.push(SloFileReport {
            input: path.display().to_string(),
            output: name.to_string(),
            slos: file.expected.len(),
            alerts: file.expected.iter().map(|e| e.alerts.len()).sum(),
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
    slo_output::verify(out, &existing, &sources, &files)?;
    super::write(out, &sources, force).map_err(fail)?;
    Ok(report)
}

/// One spec file being converted: its declarations as text, and what to check.
struct SpecFile<'a> {
    path: String,
    existing: &'a Existing,
    windows: Option<&'a Windows>,
    /// The source this file becomes.
    name: String,
    /// The `PrometheusServiceLevel` resources read, by name.
    resources: Vec<String>,
    imports: BTreeSet<String>,
    /// The declarations, as text.
    body: String,
    severities: BTreeSet<String>,
    severities_added: Vec<String>,
    expected: Vec<Expected>,
}

impl<'a> SpecFile<'a> {
    fn new(path: &str, name: &str, existing: &'a Existing, windows: Option<&'a Windows>) -> Self {
        SpecFile {
            path: path.to_string(),
            existing,
            windows,
            name: name.to_string(),
            resources: Vec::new(),
            imports: BTreeSet::new(),
            body: String::new(),
            severities: BTreeSet::new(),
            severities_added: Vec::new(),
            expected: Vec::new(),
        }
    }

    fn unsupported(&self, slo: Option<&str>, what: String) -> ImportError {
        ImportError::UnsupportedSlo {
            path: self.path.clone(),
            slo: slo.map(str::to_string),
            what,
        }
    }

    fn spec(
        &mut self,
        spec: &Spec,
        taken: &mut super::convert::Taken,
        services: &mut BTreeMap<String, String>,
    ) -> Result<(), ImportError> {
        if spec
            .version
            .as_deref()
            .is_some_and(|v| v != "prometheus/v1")
        {
            return Err(self.unsupported(None, "a version other than `prometheus/v1`".into()));
        }
        if spec.slo_plugins.as_ref().is_some_and(|p| !default_rules(p)) {
            return Err(self.unsupported(None, "SLO plugins, whose rules only Sloth knows".into()));
        }
        // Our service label is the service's name with `_` as `-`: Sloth's must read back.
        let service = spec.service.replace('-', "_");
        if !is_name(&service) || service.replace('_', "-") != spec.service {
            return Err(self.unsupported(
                None,
                format!(
                    "the service `{}`, which is not a name in kebab-case (`my-service`)",
                    spec.service
                ),
            ));
        }
        // A service is declared once: by the rules directory, or by the first imported file
        // that names it (the others import that file).
        match (self.existing.services.get(&service), services.get(&service)) {
            (Some(file), _) => {
                self.imports.insert(file.clone());
            }
            (None, Some(file)) => {
                if *file != self.name {
                    self.imports.insert(file.clone());
                }
            }
            (None, None) => {
                if !taken.take("service", &service) {
                    return Err(self.unsupported(
                        None,
                        format!("the service `{service}`, a name the rules directory uses already"),
                    ));
                }
                services.insert(service.clone(), self.name.clone());
                self.body.push_str(&format!("\nservice {service} {{}}\n"));
            }
        }
        for slo in &spec.slos {
            self.slo(spec, &service, slo, taken)?;
        }
        Ok(())
    }

    fn slo(
        &mut self,
        spec: &Spec,
        service: &str,
        slo: &sloth_spec::Slo,
        taken: &mut super::convert::Taken,
    ) -> Result<(), ImportError> {
        let name = Some(slo.name.as_str());
        if slo.plugins.as_ref().is_some_and(|p| !default_rules(p)) || slo.sli.plugin.is_some() {
            return Err(self.unsupported(name, "a plugin, whose rules only Sloth knows".into()));
        }
        if !(slo.objective > 0.0 && slo.objective < 100.0) {
            return Err(self.unsupported(name, format!("the objective {}", slo.objective)));
        }
        let window = |q: &str| -> Result<String, ImportError> {
            let q = q
                .replace("{{.window}}", "$window")
                .replace("{{ .window }}", "$window");
            if q.contains("{{") {
                return Err(self.unsupported(
                    name,
                    "a template other than `{{.window}}` in a query".into(),
                ));
            }
            Ok(q)
        };
        let (sli, error_ratio) = match (&slo.sli.events, &slo.sli.raw) {
            (Some(e), None) => {
                let (errors, total) = (window(&e.error_query)?, window(&e.total_query)?);
                let ratio = format!("({})\n/\n({})", errors.trim(), total.trim());
                (SliText::Ratio(errors, total), ratio)
            }
            (None, Some(r)) => {
                let q = window(&r.error_ratio_query)?;
                let ratio = format!("({})", q.trim());
                (SliText::Raw(q), ratio)
            }
            _ => {
                return Err(
                    self.unsupported(name, "an SLI that is not one of `events` or `raw`".into())
                )
            }
        };
        let base = format!("{service}_{}", ident(&slo.name));
        let declared = fresh(taken, "slo", &base);
        let alerting = &slo.alerting;
        let mut expected = Expected {
            sloth_id: format!("{}-{}", spec.service, slo.name),
            windows: match self.windows {
                Some(w) => [&w.page.quick, &w.page.slow, &w.ticket.quick, &w.ticket.slow]
                    .iter()
                    .flat_map(|x| [x.short_window.clone(), x.long_window.clone()])
                    .collect(),
                None => ["5m", "30m", "1h", "2h", "6h", "1d", "3d"]
                    .map(String::from)
                    .to_vec(),
            },
            error_ratio,
            alerts: Vec::new(),
            off: Vec::new(),
        };
        let mut kinds = Vec::new();
        for (kind, alert, default) in [
            ("page", &alerting.page_alert, "critical"),
            ("ticket", &alerting.ticket_alert, "warning"),
        ] {
            if alert.disable {
                expected.off.push(kind);
                kinds.push((kind, None));
                continue;
            }
            let Some(alert_name) = alerting.name.as_deref() else {
                return Err(
                    self.unsupported(name, format!("a {kind} alert without `alerting.name`"))
                );
            };
            let (labels, annotations) = merged(&alerting.labels, &alerting.annotations, alert);
            let severity = match labels.get("severity") {
                Some(s) if is_name(s) => s.clone(),
                Some(s) => {
                    return Err(self.unsupported(
                        name,
                        format!("the severity `{s}`, which is not a name of the language"),
                    ))
                }
                None => {
                    self.severities_added
                        .push(format!("{alert_name} ({kind}): severity=\"{default}\""));
                    default.to_string()
                }
            };
            self.severities.insert(severity.clone());
            let mut with_title = annotations.clone();
            // Sloth's own annotations, unless the spec gives its own.
            with_title.entry("title".into()).or_insert_with(|| {
                format!("({kind}) {{{{$labels.sloth_service}}}} {{{{$labels.sloth_slo}}}} SLO error budget burn rate is too fast.")
            });
            with_title.entry("summary".into()).or_insert_with(|| {
                "{{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is over expected.".into()
            });
            let mut rule_labels = labels.clone();
            rule_labels.insert("severity".into(), severity.clone());
            rule_labels.insert("sloth_severity".into(), kind.into());
            expected.alerts.push((
                kind,
                alert_name.to_string(),
                rule_labels,
                with_title.clone(),
            ));
            kinds.push((
                kind,
                Some(kind_text(&labels, alert_name, severity, with_title)),
            ));
        }
        let mut alert_names: Vec<&String> = expected.alerts.iter().map(|a| &a.1).collect();
        alert_names.dedup();
        // SLOs may share an alert name (told apart by `sloth_slo`), not with other alerts.
        for alert_name in alert_names {
            if !taken.has("slo alert", alert_name) && !taken.take("alert", alert_name) {
                return Err(self.unsupported(
                    name,
                    format!("the alert name `{alert_name}`, which the rules directory gives another alert"),
                ));
            }
            taken.take("slo alert", alert_name);
        }
        let mut labels = spec.labels.clone();
        labels.extend(slo.labels.clone());
        self.write_slo(&declared, service, slo, &sli, &labels, &kinds);
        self.expected.push(expected);
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn write_slo(
        &mut self,
        declared: &str,
        service: &str,
        slo: &sloth_spec::Slo,
        sli: &SliText,
        labels: &Labels,
        kinds: &[(&'static str, Option<KindText>)],
    ) {
        let mut printer = Printer::new();
        let p = &mut printer;
        p.line("");
        if let Some(d) = &slo.description {
            p.comment(d);
        }
        let windows = self.windows;
        p.block(&format!("slo {declared} {}", string(&slo.name)), |p| {
            p.line(&format!("id {}", string(&slo.name)));
            p.line(&format!("services [{service}]"));
            p.line(&format!("objective {}%", slo.objective));
            if let Some(w) = windows {
                p.line(&format!("period {}", w.slo_period));
            }
            p.label_map("labels", &pairs(labels));
            match sli {
                SliText::Ratio(errors, total) => p.block("sli ratio", |p| {
                    p.raw_field("errors", errors.trim_end());
                    p.raw_field("total", total.trim_end());
                }),
                SliText::Raw(q) => p.raw_field("sli raw", q.trim_end()),
            }
            if let Some(w) = windows {
                p.block("windows", |p| {
                    for (kind, pair) in [("page", &w.page), ("ticket", &w.ticket)] {
                        for x in [&pair.quick, &pair.slow] {
                            p.line(&format!(
                                "{kind} {} {} {}%",
                                x.long_window, x.short_window, x.error_budget_percent
                            ));
                        }
                    }
                });
            }
            for (kind, k) in kinds {
                let Some(k) = k else {
                    p.line(&format!("{kind} off"));
                    continue;
                };
                p.block(&format!("{kind} {}", alert_name(&k.name)), |p| {
                    p.label_map("labels", &pairs(&k.labels));
                    for (key, value) in &k.annotations {
                        p.line(&format!("annotation {key} {}", string(value)));
                    }
                });
            }
            for (kind, k) in kinds {
                if let Some(k) = k {
                    p.line(&format!("{kind}_severity {}", k.severity));
                }
            }
        });
        self.body.push_str(&printer.finish());
    }

    fn text(&self, path: &Path, severities: Option<&str>, existing: &Existing) -> String {
        SloSource {
            command: "sloth",
            input: path,
            note: (!self.resources.is_empty())
                .then(|| format!("PrometheusServiceLevel: {}.", self.resources.join(", "))),
            uses: &self.imports,
            severities: &self.severities,
            name: &self.name,
            body: &self.body,
        }
        .text(severities, existing)
    }
}

enum SliText {
    Ratio(String, String),
    Raw(String),
}

/// An alert kind that is on: its name, labels (without `severity`), annotations, severity.
struct KindText {
    name: String,
    labels: Labels,
    annotations: Labels,
    severity: String,
}

/// The `severity` label is the declared severity: it leaves the labels.
fn kind_text(labels: &Labels, name: &str, severity: String, annotations: Labels) -> KindText {
    let mut labels = labels.clone();
    labels.remove("severity");
    KindText {
        name: name.to_string(),
        labels,
        annotations,
        severity,
    }
}

/// Whether an SLO plugin chain makes Sloth's default rules: only its core rule plugins and
/// validators (which make no rules), and all three core ones when it replaces the defaults.
fn default_rules(plugins: &yaml_serde::Value) -> bool {
    const CORE: [&str; 3] = [
        "sloth.dev/core/sli_rules/v1",
        "sloth.dev/core/metadata_rules/v1",
        "sloth.dev/core/alert_rules/v1",
    ];
    let ids: Vec<&str> = plugins
        .get("chain")
        .and_then(|c| c.as_sequence())
        .into_iter()
        .flatten()
        .map(|p| p.get("id").and_then(|i| i.as_str()).unwrap_or(""))
        .collect();
    let replaces = plugins
        .get("overridePrevious")
        .and_then(|o| o.as_bool())
        .unwrap_or(false);
    let known = ids
        .iter()
        .all(|id| CORE.contains(id) || id.starts_with("sloth.dev/contrib/validate_"));
    known && (!replaces || CORE.iter().all(|c| ids.contains(c)))
}

/// Sloth merges the alerting block's labels and annotations with each kind's own.
fn merged(labels: &Labels, annotations: &Labels, alert: &Alert) -> (Labels, Labels) {
    let mut l = labels.clone();
    l.extend(alert.labels.clone());
    let mut a = annotations.clone();
    a.extend(alert.annotations.clone());
    (l, a)
}

pub(super) fn alert_name(name: &str) -> String {
    if is_name(name) {
        name.to_string()
    } else {
        string(name)
    }
}

/// A declaration name from a Sloth name: `requests-availability` -> `requests_availability`.
pub(super) fn ident(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert_str(0, "slo_");
    }
    out
}

pub(super) fn fresh(taken: &mut super::convert::Taken, kind: &'static str, base: &str) -> String {
    let mut name = base.to_string();
    let mut n = 2;
    while !taken.take(kind, &name) {
        name = format!("{base}_{n}");
        n += 1;
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sloth_names_become_declaration_names() {
        assert_eq!(ident("requests-availability"), "requests_availability");
        assert_eq!(ident("99-latency"), "slo_99_latency");
        assert_eq!(alert_name("My Alert"), "\"My Alert\"");
    }
}
