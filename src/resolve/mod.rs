//! Stage 3: all syntax trees to one model. Names are looked up (respecting imports), values
//! read in their units, queries parsed, alerts fanned out over their environments. Every error
//! is collected; the stage fails only at the end.

mod alert;
mod alert_batch;
mod alert_order;
mod alertmanager_global;
mod bounds;
mod in_runs;
// PromQL string literals are skipped alike wherever queries are read (the runbook lays them out).
pub(crate) use bounds::skip_string;
mod dashboard_url;
mod dashboards;
pub(crate) mod duration;
mod error;
pub(crate) mod integration;
mod large_declarations;
mod logql;
pub(crate) mod model;
mod names;
mod policy;
pub(crate) mod promql;
mod promql_error;
mod promql_version;
pub(crate) mod quantity;
mod receiver;
pub(crate) mod route_tree;
mod routing;
mod rule_group;
mod runbook;
mod runbook_pages;
pub(crate) mod selector;
mod series;
pub(crate) mod slo;
pub(crate) mod slo_absent;
mod slo_alert;
mod slo_batch;
pub(crate) mod slo_pyrra;
mod target;
mod template;
mod threshold;
mod time_interval;
mod url;
pub(crate) mod version;

pub(crate) use error::ResolveError;
pub(crate) use names::suggest;
pub(crate) use rule_group::implicit_name as implicit_group_name;

use crate::parse::ast::{self, Level, QueryLanguage, ServiceScope, StepKind};
use crate::source::{FileId, SourceMap, Span};
use duration::Duration;
use model::*;
use names::Names;
use quantity::Unit;
use selector::Matcher;

/// A parsed file with its imports already found on disk.
/// Whether a query passes the limits and its language's parser, as in a compile.
pub(crate) fn query_ok(logql: bool, text: &str) -> bool {
    let dialect = if logql {
        bounds::Dialect::LogQl
    } else {
        bounds::Dialect::PromQl
    };
    bounds::check(text, dialect).is_ok()
        && if logql {
            logql::check(text).is_ok()
        } else {
            promql::parse(text).is_ok()
        }
}

pub(crate) struct ParsedFile {
    pub file: FileId,
    pub ast: ast::SourceAst,
    pub imports: Vec<FileId>,
    /// The notification template files its `alertmanager` block names, read.
    pub templates: Vec<FileId>,
}

/// What later steps need to know about a parsed PromQL expression.
struct Shape {
    /// A binary expression: needs parentheses before a comparison is appended.
    binary: bool,
    /// An instant vector or scalar, as a rule needs.
    rule_value: bool,
}

fn not_a_rule_value(span: Span, used_at: Option<Span>) -> ResolveError {
    ResolveError::BadPromql {
        span,
        message: "a rule needs an instant vector, not a range vector or string".into(),
        used_at,
    }
}

/// Scope of one generated rule: the environment and the matchers that `$selector` becomes.
struct Instance {
    environment: Option<usize>,
    matchers: Vec<Matcher>,
    /// What `$selector` becomes in LogQL: the services' log selectors where they have one.
    log_matchers: Vec<Matcher>,
    labels: Labels,
}

/// Resolves `files` into the model; their alerts, SLOs and dashboards are taken out of them
/// (and dropped) on the way.
pub(crate) fn resolve(
    files: &mut [ParsedFile],
    sources: &SourceMap,
) -> Result<Model, Vec<ResolveError>> {
    let mut large = large_declarations::Large::take(files);
    let files: &[ParsedFile] = files;
    let imports: Vec<(FileId, Vec<FileId>)> =
        files.iter().map(|f| (f.file, f.imports.clone())).collect();
    let mut r = Resolver {
        sources,
        names: std::sync::Arc::new(Names::new(sources, &imports)),
        errors: Vec::new(),
        prometheus: promql_version::PromqlTarget::default(),
        alertmanager: version::Version::ALERTMANAGER,
        template_calls: Vec::new(),
    };
    let decls = Declarations::collect(files);
    r.declare_all(&decls, &large);
    let project = r.project(&decls.projects);
    r.alertmanager = project.alertmanager_version;
    r.prometheus = promql_version::PromqlTarget {
        version: project.prometheus_version,
        features: decls
            .projects
            .first()
            .map(|p| {
                p.prometheus_features
                    .iter()
                    .map(|f| f.value.clone())
                    .collect()
            })
            .unwrap_or_default(),
    };
    let environments: Vec<Environment> = decls
        .environments
        .iter()
        .map(|e| r.environment(e))
        .collect();
    let templates: Vec<FileId> = files.iter().flat_map(|f| f.templates.clone()).collect();
    let alertmanager = r.alertmanager_global(&decls.alertmanagers, &templates);
    let receivers = decls
        .receivers
        .iter()
        .map(|x| r.receiver(x, &alertmanager.settings))
        .collect();
    r.check_template_calls(&alertmanager.templates);
    let severities = decls.severities.iter().map(|s| r.severity(s)).collect();
    let teams = decls.teams.iter().map(|t| r.team(t)).collect();
    let inhibits = decls.inhibits.iter().map(|i| r.inhibit(i)).collect();
    let escalation_levels = decls
        .escalations
        .iter()
        .map(|e| r.escalation_level(e))
        .collect();
    let route_tests = decls.route_tests.iter().map(|t| r.route_test(t)).collect();
    let (root, routing_span) = r.routing_root(&decls.routings, !decls.receivers.is_empty());
    let services = decls.services.iter().map(|s| r.service(s)).collect();
    let queries: Vec<Option<Query>> = r.in_runs(&decls.queries, PARALLEL_FROM, |r, q| r.query(q));
    let thresholds: Vec<Option<Threshold>> = decls
        .thresholds
        .iter()
        .map(|t| r.threshold(t, &queries))
        .collect();
    let mut model = Model {
        project,
        environments,
        services,
        severities,
        queries: Vec::new(),
        thresholds: Vec::new(),
        alerts: Vec::new(),
        records: Vec::new(),
        receivers,
        teams,
        inhibits,
        escalation_levels,
        route_tests,
        routing: Routing::default(),
        dashboards: Vec::new(),
        components: decls
            .components
            .iter()
            .map(|c| runbook::component(c))
            .collect(),
        sections: decls.sections.iter().filter_map(|x| r.section(x)).collect(),
        section_titles: Resolver::section_titles(&decls.sections),
        scenarios: decls.scenarios.iter().map(|x| r.scenario(x)).collect(),
        appendices: decls.appendices.iter().map(|x| r.appendix(x)).collect(),
        slos: Vec::new(),
        policies: Vec::new(),
        groups: Vec::new(),
        targets: r.targets(&decls.targets),
        time_intervals: decls
            .time_intervals
            .iter()
            .map(|t| r.time_interval(t))
            .collect(),
        alertmanager,
    };
    r.check_grafana_url(&decls.projects, &model);
    let written: Vec<Route> = decls.routes.iter().flat_map(|d| r.route_decl(d)).collect();
    model.routing = Routing {
        root: route_tree::build(&model, root, written),
        span: routing_span,
    };
    let mut groups = r.declared_groups(&decls.groups, &model);
    // Each kind's syntax trees are dropped once it is resolved.
    let written = std::mem::take(&mut large.alerts);
    let mut alerts = r.alerts(&written, &model, (&queries, &thresholds), &mut groups);
    drop(written);
    let mut records: Vec<Record> = r
        .in_runs(&decls.records, PARALLEL_FROM, |r, rec| {
            r.record(rec, &model, &queries)
        })
        .into_iter()
        .flatten()
        .map(|(mut record, declared)| {
            record.group = groups.of(declared, record.span, &r);
            record
        })
        .collect();
    let slo_defaults = r.slo_defaults(&decls.slo_defaults);
    // Each SLO's rules go to the group of its file, made in declaration order.
    let written = std::mem::take(&mut large.slos);
    let slo_groups: Vec<usize> = written
        .iter()
        .map(|s| groups.of(None, s.name.span, &r))
        .collect();
    let mut slos = r.slos(
        &written,
        &slo_groups,
        &model,
        &slo_defaults,
        (&mut alerts, &mut records),
    );
    drop(written);
    let alerts = alert_order::variants_together(alerts, &mut slos);
    r.check_slo_ids(&slos);
    model.slos = slos;
    let one_namespace = [&model.targets.mimir, &model.targets.cortex]
        .iter()
        .any(|t| t.as_ref().is_some_and(|t| t.namespace.is_some()));
    r.check_group_names(&groups, one_namespace);
    let mut loki_groups: Vec<usize> = alerts
        .iter()
        .filter(|a| a.language == QueryLanguage::LogQl)
        .map(|a| a.group)
        .chain(
            records
                .iter()
                .filter(|x| x.language == QueryLanguage::LogQl)
                .map(|x| x.group),
        )
        .collect();
    loki_groups.sort_unstable();
    loki_groups.dedup();
    r.check_loki_groups(&groups, &loki_groups);
    model.groups = groups.list;
    model.policies = decls
        .policies
        .iter()
        .flat_map(|p| &p.rules)
        .map(|rule| r.policy_rule(rule, &queries, &thresholds))
        .collect();
    let written = std::mem::take(&mut large.dashboards);
    let mut dashboards: Vec<Dashboard> = r
        .in_runs(&written, PARALLEL_FROM, |r, d| {
            r.dashboards(d, &model, &queries, &thresholds)
        })
        .into_iter()
        .flatten()
        .collect();
    r.dashboard_links(&written, &mut dashboards);
    drop(written);
    if !r.errors.is_empty() {
        return Err(once_per_unknown_name(r.errors));
    }
    model.dashboards = dashboards;

    model.queries = queries.into_iter().flatten().collect();
    model.thresholds = thresholds.into_iter().flatten().collect();
    model.alerts = alerts;
    model.records = records;
    runbook_pages::lay_out(&mut model);
    dashboard_url::annotate(&mut model);
    Ok(model)
}

/// An unknown name is reported at its first use only, with a count of the others: its later
/// uses would only repeat it.
fn once_per_unknown_name(errors: Vec<ResolveError>) -> Vec<ResolveError> {
    let mut first: std::collections::HashMap<(&'static str, String), usize> =
        std::collections::HashMap::new();
    let mut out: Vec<ResolveError> = Vec::with_capacity(errors.len());
    for e in errors {
        if let ResolveError::UnknownName { kind, name, .. } = &e {
            let key = (*kind, name.clone());
            if let Some(&i) = first.get(&key) {
                if let ResolveError::UnknownName { again, .. } = &mut out[i] {
                    *again += 1;
                }
                continue;
            }
            first.insert(key, out.len());
        }
        out.push(e);
    }
    out
}

/// Declarations by kind, in file order then source order, so indices are stable.
#[derive(Default)]
struct Declarations<'a> {
    projects: Vec<&'a ast::Project>,
    environments: Vec<&'a ast::Environment>,
    services: Vec<&'a ast::Service>,
    severities: Vec<&'a ast::Severity>,
    queries: Vec<&'a ast::Query>,
    thresholds: Vec<&'a ast::Threshold>,
    records: Vec<&'a ast::Record>,
    receivers: Vec<&'a ast::Receiver>,
    routings: Vec<&'a ast::Routing>,
    teams: Vec<&'a ast::Team>,
    inhibits: Vec<&'a ast::Inhibit>,
    escalations: Vec<&'a ast::Escalation>,
    route_tests: Vec<&'a ast::RouteTest>,
    components: Vec<&'a ast::Component>,
    sections: Vec<&'a ast::Section>,
    scenarios: Vec<&'a ast::Scenario>,
    appendices: Vec<&'a ast::Appendix>,
    slo_defaults: Vec<&'a ast::SloDefaults>,
    policies: Vec<&'a ast::Policy>,
    groups: Vec<&'a ast::RuleGroup>,
    targets: Vec<&'a ast::Target>,
    routes: Vec<&'a ast::RouteDecl>,
    time_intervals: Vec<&'a ast::TimeInterval>,
    alertmanagers: Vec<&'a ast::AlertmanagerBlock>,
}

impl<'a> Declarations<'a> {
    fn collect(files: &'a [ParsedFile]) -> Self {
        let mut d = Declarations::default();
        // The rules written inside a group come right after it.
        let nested = |d: &'a ast::Declaration| -> Vec<&'a ast::Declaration> {
            let mut all = vec![d];
            if let ast::Declaration::Group(g) = d {
                all.extend(&g.rules);
            }
            all
        };
        for decl in files
            .iter()
            .flat_map(|f| &f.ast.declarations)
            .flat_map(nested)
        {
            match decl {
                ast::Declaration::Project(p) => d.projects.push(p),
                ast::Declaration::Environment(e) => d.environments.push(e),
                ast::Declaration::Service(s) => d.services.push(s),
                ast::Declaration::Severity(s) => d.severities.push(s),
                ast::Declaration::Query(q) => d.queries.push(q),
                ast::Declaration::Threshold(t) => d.thresholds.push(t),
                // Taken out before: see [`large_declarations`].
                ast::Declaration::Alert(_)
                | ast::Declaration::Dashboard(_)
                | ast::Declaration::Slo(_) => {}
                ast::Declaration::Record(r) => d.records.push(r),
                ast::Declaration::Receiver(r) => d.receivers.push(r),
                ast::Declaration::Routing(r) => d.routings.push(r),
                ast::Declaration::Team(t) => d.teams.push(t),
                ast::Declaration::Inhibit(i) => d.inhibits.push(i),
                ast::Declaration::Escalation(e) => d.escalations.push(e),
                ast::Declaration::RouteTest(t) => d.route_tests.push(t),
                ast::Declaration::Component(c) => d.components.push(c),
                ast::Declaration::Section(x) => d.sections.push(x),
                ast::Declaration::Scenario(x) => d.scenarios.push(x),
                ast::Declaration::Appendix(x) => d.appendices.push(x),
                ast::Declaration::SloDefaults(x) => d.slo_defaults.push(x),
                ast::Declaration::Policy(x) => d.policies.push(x),
                ast::Declaration::Group(x) => d.groups.push(x),
                ast::Declaration::Target(x) => d.targets.push(x),
                ast::Declaration::Route(x) => d.routes.push(x),
                ast::Declaration::TimeInterval(x) => d.time_intervals.push(x),
                ast::Declaration::Alertmanager(x) => d.alertmanagers.push(x),
            }
        }
        d
    }
}

struct Resolver<'a> {
    sources: &'a SourceMap,
    /// Shared with the resolvers of other cores once every name is declared.
    names: std::sync::Arc<Names<'a>>,
    errors: Vec<ResolveError>,
    /// The Prometheus the rules are for: what PromQL may use.
    prometheus: promql_version::PromqlTarget,
    /// The Alertmanager the configuration is for: what receivers may set.
    alertmanager: version::Version,
    /// `{{ template "name" }}` calls seen in receivers and template files, checked once all
    /// template files are read.
    template_calls: Vec<(String, crate::source::Span)>,
}

/// Fewer queries, records or dashboards than this are resolved on one core: handing work to
/// the pool would cost more than it saves (a query or record parses its PromQL, a dashboard
/// expands its panels' queries: tens of microseconds each).
const PARALLEL_FROM: usize = 16;

/// `0..len` cut in one run per core, in order: the declarations each core resolves.
fn runs(len: usize) -> Vec<std::ops::Range<usize>> {
    let threads = crate::parallel::cores();
    let size = len.div_ceil(threads).max(1);
    (0..len)
        .step_by(size)
        .map(|start| start..(start + size).min(len))
        .collect()
}

/// A Prometheus metric name: `[a-zA-Z_:][a-zA-Z0-9_:]*`.
fn is_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

fn labels_of(pairs: &[ast::LabelPair]) -> Labels {
    pairs
        .iter()
        .map(|p| (p.name.value.clone(), p.value.value.clone()))
        .collect()
}

fn matchers_of(matchers: &[ast::Matcher]) -> Vec<Matcher> {
    matchers
        .iter()
        .map(|m| Matcher {
            label: m.label.value.clone(),
            op: m.op,
            value: m.value.value.clone(),
        })
        .collect()
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Target => "target",
        Level::Warning => "warning",
        Level::Critical => "critical",
    }
}

impl<'a> Resolver<'a> {
    /// A resolver for work done on another core: the same names and targets, errors of its
    /// own.
    fn fork(&self) -> Resolver<'a> {
        Resolver {
            sources: self.sources,
            names: std::sync::Arc::clone(&self.names),
            errors: Vec::new(),
            prometheus: self.prometheus.clone(),
            alertmanager: self.alertmanager,
            template_calls: Vec::new(),
        }
    }

    fn declare_all(&mut self, d: &Declarations, large: &large_declarations::Large) {
        let declare = |names: &mut std::sync::Arc<Names>, kind, ident: &ast::Ident, index| {
            std::sync::Arc::make_mut(names)
                .declare(kind, ident, index)
                .err()
                .map(|e| *e)
        };
        let mut errors = Vec::new();
        for (i, e) in d.environments.iter().enumerate() {
            errors.extend(declare(&mut self.names, "environment", &e.name, i));
        }
        for (i, s) in d.services.iter().enumerate() {
            errors.extend(declare(&mut self.names, "service", &s.name, i));
        }
        for (i, s) in d.severities.iter().enumerate() {
            errors.extend(declare(&mut self.names, "severity", &s.name, i));
        }
        for (i, q) in d.queries.iter().enumerate() {
            errors.extend(declare(&mut self.names, "query", &q.name, i));
        }
        for (i, t) in d.thresholds.iter().enumerate() {
            errors.extend(declare(&mut self.names, "threshold", &t.name, i));
        }
        for (i, a) in large.alerts.iter().enumerate() {
            errors.extend(declare(&mut self.names, "alert", &a.name, i));
        }
        for (i, r) in d.receivers.iter().enumerate() {
            errors.extend(declare(&mut self.names, "receiver", &r.name, i));
        }
        for (i, t) in d.teams.iter().enumerate() {
            errors.extend(declare(&mut self.names, "team", &t.name, i));
        }
        // SLOs may share an alert name (Pyrra's style): declared by the first.
        let mut slo_alerts = std::collections::HashSet::new();
        for (i, x) in large.slos.iter().enumerate() {
            errors.extend(declare(&mut self.names, "slo", &x.name, i));
            let alerts = large.alerts.len() + 3 * i;
            let names =
                [&x.page, &x.ticket, &x.absent].map(|a| a.as_ref().and_then(|a| a.name.as_ref()));
            // Page and ticket may share a name (Sloth's style), and SLOs theirs (Pyrra's):
            // each name is declared once.
            for (j, name) in names.into_iter().enumerate() {
                if let Some(name) = name {
                    if slo_alerts.insert(name.value.as_str()) {
                        errors.extend(declare(&mut self.names, "alert", name, alerts + j));
                    }
                }
            }
        }
        for (i, p) in d.policies.iter().enumerate() {
            errors.extend(declare(&mut self.names, "policy", &p.name, i));
        }
        for (i, g) in d.groups.iter().enumerate() {
            errors.extend(declare(&mut self.names, "group", &g.name, i));
        }
        for (i, t) in d.time_intervals.iter().enumerate() {
            errors.extend(declare(&mut self.names, "time interval", &t.name, i));
        }
        for (i, c) in d.components.iter().enumerate() {
            errors.extend(declare(&mut self.names, "component", &c.name, i));
        }
        for (i, x) in d.sections.iter().enumerate() {
            errors.extend(declare(&mut self.names, "section", &x.name, i));
        }
        for (i, x) in large.dashboards.iter().enumerate() {
            errors.extend(declare(&mut self.names, "dashboard", &x.name, i));
        }
        for (i, e) in d.escalations.iter().enumerate() {
            errors.extend(declare(&mut self.names, "escalation level", &e.name, i));
        }
        for p in d.projects.iter().skip(1) {
            errors.push(ResolveError::DuplicateName {
                kind: "project",
                name: p.name.value.clone(),
                span: p.name.span,
                first: d.projects[0].name.span,
            });
        }
        self.errors.extend(errors);
    }

    fn duration(&mut self, text: &ast::Text) -> Option<Duration> {
        match Duration::parse(&text.value) {
            Ok(d) => Some(d),
            Err(reason) => {
                self.errors.push(ResolveError::BadDuration {
                    text: text.value.clone(),
                    span: text.span,
                    reason,
                });
                None
            }
        }
    }

    /// A URL a person will click (a runbook, a dashboard link): http(s) or a path only.
    pub(super) fn check_link(&mut self, key: &str, url: &ast::Text) {
        if !url::is_link(&url.value) {
            self.errors.push(ResolveError::BadSetting {
                key: key.to_string(),
                value: url.value.clone(),
                expected: "an `http://` or `https://` URL, or a path",
                span: url.span,
            });
        }
    }

    /// Where people open Grafana (`grafana_url`, `target grafana { url }`): an http(s) address,
    /// since the alerts' and the runbook's links are built on it.
    pub(super) fn grafana_address(&mut self, key: &str, url: &ast::Text) -> Option<String> {
        if url::parts(&url.value).is_some() {
            return Some(url.value.clone());
        }
        self.errors.push(ResolveError::BadSetting {
            key: key.to_string(),
            value: url.value.clone(),
            expected: "the `http://` or `https://` address people open Grafana at",
            span: url.span,
        });
        None
    }

    /// Grafana has one address: `grafana_url` and `target grafana { url }` may not disagree.
    fn check_grafana_url(&mut self, projects: &[&ast::Project], model: &Model) {
        let project = projects.first().and_then(|p| p.grafana_url.as_ref());
        let target = model
            .targets
            .grafana
            .as_ref()
            .and_then(|g| g.url.as_deref());
        if let (Some(project), Some(target)) = (project, target) {
            if project.value.trim_end_matches('/') != target.trim_end_matches('/') {
                self.errors.push(ResolveError::BadSetting {
                    key: "grafana_url".into(),
                    value: project.value.clone(),
                    expected: "the address `target grafana { url }` gives (or only one of them)",
                    span: project.span,
                });
            }
        }
    }

    /// Labels that rules will carry: Prometheus refuses `__name__` among them.
    /// Sloth knows an SLO by its service and id: two alike would mix their recordings.
    fn check_slo_ids(&mut self, slos: &[Slo]) {
        let mut seen: std::collections::HashMap<(&str, &str), Span> = Default::default();
        for slo in slos {
            match seen.entry((&slo.service, &slo.id)) {
                std::collections::hash_map::Entry::Occupied(first) => {
                    self.errors.push(ResolveError::DuplicateSloId {
                        service: slo.service.clone(),
                        id: slo.id.clone(),
                        span: slo.span,
                        first: *first.get(),
                    })
                }
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(slo.span);
                }
            }
        }
    }

    pub(super) fn rule_labels(&mut self, pairs: &[ast::LabelPair]) -> Labels {
        for pair in pairs.iter().filter(|p| p.name.value == "__name__") {
            self.errors.push(ResolveError::ReservedLabel {
                span: pair.name.span,
            });
        }
        labels_of(pairs)
    }

    /// When an example checks an alert: promtool evaluates every step up to it, so it is held
    /// to as many steps as a series may have.
    pub(super) fn example_time(&mut self, text: &ast::Text, model: &Model) -> Option<Duration> {
        let at = self.duration(text)?;
        let step = model.project.scrape_interval.0.max(1);
        let steps = series::MAX_REPEAT;
        if at.0 / step > steps {
            self.errors.push(ResolveError::ExampleTooLate {
                limit: Duration(step.saturating_mul(steps)).to_string(),
                span: text.span,
            });
            return None;
        }
        Some(at)
    }

    /// A duration that must not be zero (a period, a window): zero is reported at it.
    fn positive_duration(&mut self, text: &ast::Text, what: &'static str) -> Option<Duration> {
        let d = self.duration(text)?;
        if d.0 == 0 {
            self.errors.push(ResolveError::ZeroDuration {
                what,
                span: text.span,
            });
            return None;
        }
        Some(d)
    }

    fn lookup(&mut self, kind: &'static str, name: &ast::Ident) -> Option<usize> {
        match self.names.lookup(kind, name) {
            Ok(i) => Some(i),
            Err(e) => {
                self.errors.push(*e);
                None
            }
        }
    }

    fn project(&mut self, projects: &[&ast::Project]) -> Project {
        let Some(p) = projects.first() else {
            return Project {
                name: "Monitoring".into(),
                runbook_url: "runbook.md".into(),
                scrape_interval: Duration(60_000),
                evaluation_interval: Duration(60_000),
                prometheus_version: version::Version::DEFAULT,
                alertmanager_version: version::Version::ALERTMANAGER,
                description: None,
                selector: Vec::new(),
                grafana_url: None,
            };
        };
        let scrape = p.scrape_interval.as_ref().and_then(|t| self.duration(t));
        let eval = p
            .evaluation_interval
            .as_ref()
            .and_then(|t| self.duration(t));
        if let Some(url) = &p.runbook_url {
            self.check_link("runbook_url", url);
        }
        let prometheus_version = match &p.prometheus_version {
            Some(v) => version::Version::parse(&v.value).unwrap_or_else(|| {
                self.errors.push(ResolveError::BadSetting {
                    key: "prometheus_version".into(),
                    value: v.value.clone(),
                    expected: "a Prometheus release such as `2.53` or `3.0.1`",
                    span: v.span,
                });
                version::Version::DEFAULT
            }),
            None => version::Version::DEFAULT,
        };
        let alertmanager_version = match &p.alertmanager_version {
            Some(v) => version::Version::parse_alertmanager(&v.value).unwrap_or_else(|| {
                self.errors.push(ResolveError::BadSetting {
                    key: "alertmanager_version".into(),
                    value: v.value.clone(),
                    expected: "an Alertmanager release such as `0.27` or `0.28.1`",
                    span: v.span,
                });
                version::Version::ALERTMANAGER
            }),
            None => version::Version::ALERTMANAGER,
        };
        Project {
            name: p.name.value.clone(),
            runbook_url: p
                .runbook_url
                .as_ref()
                .map_or_else(|| "runbook.md".into(), |u| u.value.clone()),
            scrape_interval: scrape.unwrap_or(Duration(60_000)),
            evaluation_interval: eval.unwrap_or(Duration(60_000)),
            prometheus_version,
            alertmanager_version,
            description: p.description.as_ref().map(|d| d.value.clone()),
            selector: {
                self.check_matchers(&p.selector);
                matchers_of(&p.selector)
            },
            grafana_url: p
                .grafana_url
                .as_ref()
                .and_then(|u| self.grafana_address("grafana_url", u)),
        }
    }

    fn environment(&mut self, e: &ast::Environment) -> Environment {
        let mut matchers = Vec::new();
        if let Some(ns) = &e.namespace {
            matchers.push(Matcher::equal("namespace", &ns.value));
        }
        self.check_matchers(&e.selector);
        matchers.extend(matchers_of(&e.selector));
        Environment {
            name: e.name.value.clone(),
            namespace: e.namespace.as_ref().map(|n| n.value.clone()),
            matchers,
            labels: self.rule_labels(&e.labels),
            description: e.description.as_ref().map(|d| d.value.clone()),
        }
    }

    /// Regex matchers are checked once, here, so that rules built from them need no re-parse.
    fn check_matchers(&mut self, matchers: &[ast::Matcher]) {
        for m in matchers
            .iter()
            .filter(|m| matches!(m.op, ast::MatchOp::Regex | ast::MatchOp::NotRegex))
        {
            let probe = format!("up{{{}}}", matchers_of(std::slice::from_ref(m))[0]);
            if let Err(message) = promql::parse(&probe) {
                self.errors.push(ResolveError::BadPromql {
                    span: m.value.span,
                    message: message.trim().to_string(),
                    used_at: None,
                });
            }
        }
    }

    fn severity(&mut self, s: &ast::Severity) -> Severity {
        let response = match &s.response {
            Some(r) => match &r.value {
                ast::Response::Within(t) => self.duration(t),
                ast::Response::BestEffort => None,
            },
            None => None,
        };
        let (notify, timing, escalate) = self.severity_routing(s, response);
        Severity {
            name: s.name.value.clone(),
            span: s.name.span,
            response,
            declares_response: s.response.is_some(),
            notify,
            timing,
            escalate,
            description: s.description.as_ref().map(|d| d.value.clone()),
        }
    }

    fn service(&mut self, s: &ast::Service) -> Service {
        let environments = match &s.environments {
            Some(list) => list
                .value
                .iter()
                .filter_map(|e| self.lookup("environment", e))
                .collect(),
            None => Vec::new(),
        };
        self.check_matchers(&s.selector);
        Service {
            name: s.name.value.clone(),
            team: s.team.as_ref().map(|t| t.value.clone()),
            matchers: matchers_of(&s.selector),
            log_matchers: s.log_selector.as_ref().map(|m| {
                self.check_matchers(m);
                matchers_of(m)
            }),
            environments,
            labels: self.rule_labels(&s.labels),
            description: s.description.as_ref().map(|d| d.value.clone()),
        }
    }

    fn query(&mut self, q: &ast::Query) -> Option<Query> {
        let unit = match &q.unit {
            Some(u) => match Unit::from_name(&u.value) {
                Some(unit) => unit,
                None => {
                    self.errors.push(ResolveError::UnknownName {
                        kind: "unit",
                        name: u.value.clone(),
                        span: u.span,
                        suggestion: names::suggest(&u.value, Unit::NAMES),
                        known: Vec::new(),
                        again: 0,
                    });
                    Unit::None
                }
            },
            None => Unit::None,
        };
        let Some((language, text)) = &q.body else {
            self.errors.push(ResolveError::NoQueryBody {
                query: q.name.value.clone(),
                span: q.name.span,
            });
            return None;
        };
        let dedented = promql::dedent(&text.value);
        // `$selector` is checked with a stand-in matcher: the query must parse in any scope.
        let probe = selector::expand(&dedented, &[Matcher::equal("__selector__", "x")]);
        let shape = self.parse_query(*language, &probe, text.span, None)?;
        Some(Query {
            name: q.name.value.clone(),
            title: q
                .title
                .as_ref()
                .map_or_else(|| q.name.value.clone(), |t| t.value.clone()),
            language: *language,
            text: dedented,
            unit,
            unit_declared: q.unit.is_some(),
            topic: q.topic.as_ref().map(|t| t.value.clone()),
            unit_span: q.unit.as_ref().map_or(q.name.span, |u| u.span),
            description: q.description.as_ref().map(|d| d.value.clone()),
            span: text.span,
            binary: shape.binary,
            rule_value: shape.rule_value,
        })
    }

    /// Parses a query; reports at `span`, with `used_at` when the text came from elsewhere.
    pub(super) fn check_query(
        &mut self,
        language: QueryLanguage,
        text: &str,
        span: Span,
        used_at: Option<Span>,
    ) -> bool {
        self.parse_query(language, text, span, used_at).is_some()
    }

    /// Parses a query once and keeps what later steps need to know about it, so that no
    /// expression is parsed twice (promql-parser compiles every regex matcher it meets).
    fn parse_query(
        &mut self,
        language: QueryLanguage,
        text: &str,
        span: Span,
        used_at: Option<Span>,
    ) -> Option<Shape> {
        let dialect = match language {
            QueryLanguage::PromQl => bounds::Dialect::PromQl,
            QueryLanguage::LogQl => bounds::Dialect::LogQl,
        };
        // Point at the offending token when the text is the source text.
        let at = |offset: usize| {
            if text.len() == span.end - span.start {
                span.sub(offset, 1)
            } else {
                span
            }
        };
        if let Err(e) = bounds::check(text, dialect) {
            self.errors.push(match language {
                QueryLanguage::PromQl => ResolveError::BadPromql {
                    span: at(e.offset),
                    message: e.message,
                    used_at,
                },
                QueryLanguage::LogQl => ResolveError::BadLogql {
                    span: at(e.offset),
                    message: e.message,
                },
            });
            return None;
        }
        match language {
            QueryLanguage::PromQl => match promql::parse_for(text, &self.prometheus) {
                Ok(parsed) => Some(Shape {
                    binary: promql::needs_parens(&parsed),
                    rule_value: promql::is_rule_value(&parsed),
                }),
                Err(message) => {
                    // promql-parser's "invalid promql query" says nothing: find the token.
                    let located = (message.trim() == "invalid promql query")
                        .then(|| promql_error::locate(text))
                        .flatten();
                    let (span, message) = match located {
                        Some(e) if text.len() == span.end - span.start => {
                            (span.sub(e.offset, e.len), e.message)
                        }
                        Some(e) => (span, e.message),
                        None => (span, message.trim().to_string()),
                    };
                    self.errors.push(ResolveError::BadPromql {
                        span,
                        message,
                        used_at,
                    });
                    None
                }
            },
            QueryLanguage::LogQl => match logql::check(text) {
                // A metric query can be a Loki ruler's rule, like a PromQL one a Prometheus'.
                Ok(kind) => Some(Shape {
                    binary: kind == logql::Kind::Metric && logql_is_binary(text),
                    rule_value: kind == logql::Kind::Metric,
                }),
                Err(e) => {
                    self.errors.push(ResolveError::BadLogql {
                        span: at(e.offset),
                        message: e.message,
                    });
                    None
                }
            },
        }
    }

    /// Parses a rule expression once, with a stand-in for `$selector`, and checks that it
    /// yields what a rule needs.
    fn rule_shape(&mut self, text: &str, span: Span) -> Option<()> {
        let probe = selector::expand(text, &[Matcher::equal("__selector__", "x")]);
        let shape = self.parse_query(QueryLanguage::PromQl, &probe, span, None)?;
        if !shape.rule_value {
            self.errors.push(not_a_rule_value(span, None));
            return None;
        }
        Some(())
    }

    /// Expands `$selector` for one rule. The text was parsed with a stand-in matcher and every
    /// real matcher was checked where it was declared, so the expansion is valid PromQL.
    fn rule_expr(
        &mut self,
        text: &str,
        matchers: &[Matcher],
        span: Span,
        owner: Span,
    ) -> Option<String> {
        if text.contains(selector::PLACEHOLDER) && matchers.is_empty() {
            self.errors.push(ResolveError::SelectorWithoutScope {
                span,
                used_at: owner,
            });
            return None;
        }
        Some(selector::expand(text, matchers))
    }

    /// The environments a rule is fanned out over, each with its matchers and labels. Without
    /// `environments`, rules cover every environment of their services (`implicit`); a
    /// dashboard does not, since it chooses its namespace with a variable instead.
    fn instances(
        &mut self,
        scope: &ast::Scope,
        model: &Model,
        owner: Span,
        implicit: bool,
    ) -> Option<Vec<Instance>> {
        let services: Vec<usize> = match &scope.services {
            None => Vec::new(),
            Some(s) => match &s.value {
                ServiceScope::All => (0..model.services.len()).collect(),
                ServiceScope::Listed(names) => {
                    let found: Vec<usize> = names
                        .iter()
                        .filter_map(|n| self.lookup("service", n))
                        .collect();
                    if found.len() != names.len() {
                        return None;
                    }
                    found
                }
            },
        };
        let environments: Vec<Option<usize>> = match &scope.environments {
            Some(list) => {
                let found: Vec<usize> = list
                    .value
                    .iter()
                    .filter_map(|e| self.lookup("environment", e))
                    .collect();
                if found.len() != list.value.len() {
                    return None;
                }
                found.into_iter().map(Some).collect()
            }
            None if !implicit => vec![None],
            None => {
                let mut envs: Vec<usize> = services
                    .iter()
                    .flat_map(|s| model.services[*s].environments.iter().copied())
                    .collect();
                envs.sort_unstable();
                envs.dedup();
                if envs.is_empty() {
                    vec![None]
                } else {
                    envs.into_iter().map(Some).collect()
                }
            }
        };
        let selected: Vec<&[Matcher]> = services
            .iter()
            .map(|s| model.services[*s].matchers.as_slice())
            .collect();
        let service_matchers = match selector::union(&selected) {
            Ok(m) => m,
            Err(conflict) => {
                self.errors.push(ResolveError::IncompatibleSelectors {
                    label: conflict.label,
                    first: model.services[services[conflict.first]].name.clone(),
                    second: model.services[services[conflict.second]].name.clone(),
                    span: scope.services.as_ref().map_or(owner, |s| s.span),
                });
                return None;
            }
        };
        let shared = shared_service_labels(&services, model);
        let selected_logs: Vec<&[Matcher]> = services
            .iter()
            .map(|s| {
                let service = &model.services[*s];
                service
                    .log_matchers
                    .as_deref()
                    .unwrap_or(service.matchers.as_slice())
            })
            .collect();
        // Log selectors that cannot be combined make no LogQL rule: reported where one is used.
        let log_matchers = selector::union(&selected_logs).unwrap_or_default();
        Some(
            environments
                .into_iter()
                .map(|env| {
                    let mut matchers = service_matchers.clone();
                    let mut logs = log_matchers.clone();
                    let mut labels = shared.clone();
                    if let Some(e) = env {
                        let environment = &model.environments[e];
                        matchers.extend(environment.matchers.iter().cloned());
                        logs.extend(environment.matchers.iter().cloned());
                        labels.insert("environment".into(), environment.name.clone());
                        labels.extend(environment.labels.clone());
                    }
                    Instance {
                        environment: env,
                        matchers,
                        log_matchers: logs,
                        labels,
                    }
                })
                .collect(),
        )
    }

    /// Which of a rule's environments an example exercises (it must say so when there are
    /// several), and its input series, each checked as PromQL.
    pub(super) fn example_target(
        &mut self,
        e: &ast::Example,
        owner: &ast::Ident,
        environments: &[Option<usize>],
        model: &Model,
    ) -> Option<(usize, Vec<(String, String)>)> {
        let names: Vec<String> = environments
            .iter()
            .filter_map(|env| env.map(|e| model.environments[e].name.clone()))
            .collect();
        let missing = |span| ResolveError::ExampleEnvironment {
            alert: owner.value.clone(),
            span,
            environments: names.clone(),
        };
        let index = match &e.environment {
            Some(env) => {
                let wanted = self.lookup("environment", env)?;
                match environments.iter().position(|r| *r == Some(wanted)) {
                    Some(i) => i,
                    None => {
                        self.errors.push(missing(env.span));
                        return None;
                    }
                }
            }
            None if environments.len() > 1 => {
                self.errors.push(missing(e.name.span));
                return None;
            }
            None => 0,
        };
        let mut series = Vec::new();
        for (selector, values) in &e.series {
            let text = selector.value.trim();
            let selector_ok = self.check_query(QueryLanguage::PromQl, text, selector.span, None);
            if let Err(reason) = series::check(&values.value) {
                self.errors.push(ResolveError::BadSeries {
                    text: values.value.clone(),
                    reason,
                    span: values.span,
                });
            } else if selector_ok {
                series.push((text.to_string(), values.value.clone()));
            }
        }
        Some((index, series))
    }

    pub(super) fn check_step(&mut self, step: &ast::Step) {
        for item in &step.items {
            let language = match item.kind {
                StepKind::PromQl => QueryLanguage::PromQl,
                StepKind::LogQl => QueryLanguage::LogQl,
                _ => continue,
            };
            self.check_query(language, &item.text.value, item.text.span, None);
        }
    }
}

/// Labels every selected service agrees on: the team and common labels.
fn shared_service_labels(services: &[usize], model: &Model) -> Labels {
    let mut shared = Labels::new();
    let Some(first) = services.first().map(|s| &model.services[*s]) else {
        return shared;
    };
    let rest = || services[1..].iter().map(|s| &model.services[*s]);
    if let Some(team) = &first.team {
        if rest().all(|s| s.team.as_ref() == Some(team)) {
            shared.insert("team".into(), team.clone());
        }
    }
    for (key, value) in &first.labels {
        if rest().all(|s| s.labels.get(key) == Some(value)) {
            shared.insert(key.clone(), value.clone());
        }
    }
    shared
}

/// Alertmanager cannot escalate by itself: a twin of each rule that waits the escalation
/// delay longer fires only if the alert is still unresolved, and is routed to the escalation.
pub(super) fn escalation_twins(
    rules: &[AlertRule],
    for_: Option<Duration>,
    escalate: Option<&Escalate>,
) -> Vec<AlertRule> {
    let Some((after, _)) = escalate else {
        return Vec::new();
    };
    rules
        .iter()
        .map(|rule| {
            let mut labels = rule.labels.clone();
            labels.insert(route_tree::ESCALATED.into(), "true".into());
            AlertRule {
                environment: rule.environment,
                for_: Some(Duration(for_.map_or(0, |f| f.0) + after.0)),
                keep_firing_for: rule.keep_firing_for,
                expr: rule.expr.clone(),
                labels,
                annotations: rule.annotations.clone(),
            }
        })
        .collect()
}

pub(super) fn steps(steps: &[ast::Step]) -> Vec<Step> {
    steps
        .iter()
        .map(|s| Step {
            title: s.title.value.clone(),
            items: s
                .items
                .iter()
                .map(|i| {
                    let text = if i.kind == StepKind::Note {
                        i.text.value.clone()
                    } else {
                        promql::dedent(&i.text.value)
                    };
                    (i.kind, text)
                })
                .collect(),
        })
        .collect()
}

/// Whether a LogQL metric query has a binary operator at its top (outside parentheses and
/// strings), so that it needs parentheses before a comparison is appended.
fn logql_is_binary(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' | b'`' => i = bounds::skip_string(bytes, i) - 1,
            b'(' | b'{' | b'[' => depth += 1,
            b')' | b'}' | b']' => depth = depth.saturating_sub(1),
            b'+' | b'-' | b'*' | b'/' | b'%' | b'^' | b'>' | b'<' | b'=' if depth == 0 => {
                return true
            }
            b'!' if depth == 0 => return true,
            _ => {}
        }
        i += 1;
    }
    top_level_word(text)
}

/// Whether `and`, `or` or `unless` stands outside every bracket of the text.
fn top_level_word(text: &str) -> bool {
    let mut depth = 0i32;
    let mut word = String::new();
    for c in text.chars().chain([' ']) {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        if depth == 0 && matches!(word.as_str(), "and" | "or" | "unless") {
            return true;
        }
        word.clear();
        match c {
            '(' | '{' | '[' => depth += 1,
            ')' | '}' | ']' => depth -= 1,
            _ => {}
        }
    }
    false
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
