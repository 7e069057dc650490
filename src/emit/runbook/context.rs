//! What the runbook templates see: the model, with every fact already worded, so that the
//! templates only arrange it (and a user's override cannot get a number wrong).

use crate::anchor;
use crate::go_template;
use crate::parse::ast::{Comparison, Level, QueryLanguage, StepKind};
use crate::resolve::model::{self, IntegrationKind, Labels, Model};
use crate::resolve::route_tree;
use serde::Serialize;
use std::collections::BTreeMap;
use std::collections::HashMap;

#[derive(Serialize)]
pub(super) struct Context {
    project: Project,
    sections: BTreeMap<String, String>,
    /// Chapter titles the sources give, by section name; templates fall back to their own.
    titles: BTreeMap<String, String>,
    components: Vec<Component>,
    key_metrics: Vec<KeyMetric>,
    dashboards: Vec<Dashboard>,
    promql_topics: Vec<Topic>,
    logql_topics: Vec<Topic>,
    severities: Vec<Severity>,
    alert_groups: Vec<AlertGroup>,
    /// The pages of a runbook split by team (their alerts are rendered page by page, from
    /// [`Page`]); empty otherwise.
    pages: Vec<PageEntry>,
    scenarios: Vec<Scenario>,
    escalation_levels: Vec<EscalationLevel>,
    appendices: Vec<Appendix>,
}

#[derive(Serialize)]
struct Project {
    name: String,
    description: String,
    runbook_url: String,
}

#[derive(Serialize)]
struct Component {
    title: String,
    purpose: String,
    access: String,
    port: String,
}

#[derive(Serialize)]
struct KeyMetric {
    metric: String,
    target: String,
    critical: String,
}

#[derive(Serialize)]
struct Dashboard {
    title: String,
    uid: String,
    folder: String,
    description: String,
    rows: Vec<Row>,
}

/// A dashboard panel about an alert: "Dashboard › Panel", and the panel in Grafana when
/// Grafana's address is known (`target grafana { url ... }`).
#[derive(Serialize, Clone, PartialEq)]
struct PanelLink {
    title: String,
    url: String,
}

#[derive(Serialize)]
struct Row {
    title: String,
    panels: Vec<String>,
}

#[derive(Serialize)]
struct Topic {
    topic: String,
    queries: Vec<NamedQuery>,
}

#[derive(Serialize)]
struct NamedQuery {
    title: String,
    description: String,
    text: String,
}

#[derive(Serialize)]
struct Severity {
    name: String,
    response: String,
    notification: String,
    escalation: String,
}

#[derive(Serialize)]
struct AlertGroup {
    severity: String,
    alerts: Vec<Alert>,
}

/// A page of a runbook split by team, as the document and the book list it.
#[derive(Serialize)]
struct PageEntry {
    title: String,
    file: String,
    count: usize,
}

/// A page of a runbook split by team (templates see it through [`Page::into_value`]).
pub(super) struct Page {
    pub title: String,
    /// Its primary alerts, by index in the model, until they are worded.
    alerts: Vec<usize>,
    pub file: String,
    pub count: usize,
    alert_groups: Vec<AlertGroup>,
}

#[derive(Serialize)]
pub(super) struct Alert {
    name: String,
    anchor: String,
    /// The alert's page in the book.
    file: String,
    /// The alert's section as markdown, rendered once by `alert_body.md`.
    body: String,
    summary: String,
    description: String,
    meaning: String,
    expression: String,
    /// The code fence's language: `promql`, or `logql` for Loki's rules.
    language: &'static str,
    expression_note: String,
    notifies: Vec<String>,
    /// The variants of an alert that has several (each with its own meaning, expression and
    /// receivers); empty otherwise, when the fields above describe the only one.
    levels: Vec<AlertLevel>,
    panels: Vec<PanelLink>,
    investigate: Vec<Step>,
    causes: Vec<String>,
    resolve: Vec<Step>,
}

/// One variant of an alert with several.
#[derive(Serialize)]
struct AlertLevel {
    severity: String,
    meaning: String,
    expression: String,
    language: &'static str,
    expression_note: String,
    notifies: Vec<String>,
}

#[derive(Serialize)]
struct Step {
    title: String,
    notes: Vec<String>,
    code: Vec<Code>,
}

#[derive(Serialize)]
struct Code {
    language: &'static str,
    text: String,
}

#[derive(Serialize)]
struct Scenario {
    title: String,
    symptoms: Vec<String>,
    investigate: Vec<Step>,
    resolve: Vec<Step>,
}

#[derive(Serialize)]
struct EscalationLevel {
    level: String,
    contact: String,
    response: String,
    scope: String,
}

#[derive(Serialize)]
struct Appendix {
    title: String,
    language: String,
    entries: Vec<Entry>,
}

#[derive(Serialize)]
struct Entry {
    title: String,
    text: String,
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// How a level reads in a sentence: "above 10%", "between 0.9 and 1".
fn side(comparison: Comparison) -> &'static str {
    match comparison {
        Comparison::Above => "above",
        Comparison::Below => "below",
        Comparison::AtLeast => "at or above",
        Comparison::AtMost => "at or below",
        Comparison::Equal => "equal to",
        Comparison::NotEqual => "not equal to",
        Comparison::Between => "between",
    }
}

/// `Pod {{ $labels.namespace }}/{{ $labels.pod }}` as a reader sees it: `Pod <namespace>/<pod>`.
fn readable(template: &str) -> String {
    go_template::render_with(template, |label| format!("<{label}>"))
        .unwrap_or_else(|_| template.to_string())
}

fn step(s: &model::Step) -> Step {
    let mut notes = Vec::new();
    let mut code: Vec<Code> = Vec::new();
    for (kind, text) in &s.items {
        let language = match kind {
            StepKind::Note => {
                notes.push(text.clone());
                continue;
            }
            StepKind::Run => "bash",
            StepKind::PromQl => "promql",
            StepKind::LogQl => "logql",
            StepKind::Sql => "sql",
        };
        // Consecutive commands of one kind read best as one block.
        match code.last_mut() {
            Some(last) if last.language == language => {
                last.text.push('\n');
                last.text.push_str(text);
            }
            _ => code.push(Code {
                language,
                text: text.clone(),
            }),
        }
    }
    Step {
        title: s.title.clone(),
        notes,
        code,
    }
}

fn steps(list: &[model::Step]) -> Vec<Step> {
    list.iter().map(step).collect()
}

/// The steps of an alert; when SLOs share its name (Pyrra's `ErrorBudgetBurn`), each SLO's
/// steps, titled with the SLO, since its `slo` label says which one fired.
fn investigation(model: &Model, variants: &[&model::Alert]) -> Vec<Step> {
    let mut seen: Vec<usize> = Vec::new();
    let mut per_slo: Vec<(usize, &[model::Step])> = Vec::new();
    for v in variants {
        if let model::Condition::Slo { slo, .. } = v.condition {
            if !seen.contains(&slo) {
                seen.push(slo);
                per_slo.push((slo, &v.investigate));
            }
        }
    }
    if per_slo.len() < 2 {
        return steps(&variants[0].investigate);
    }
    per_slo
        .into_iter()
        .flat_map(|(slo, list)| {
            let title = &model.slos[slo].title;
            list.iter().map(move |s| {
                let mut step = step(s);
                step.title = format!("{title} SLO: {}", step.title);
                step
            })
        })
        .collect()
}

/// "PagerDuty + Slack": the kinds of integration a list of receivers reaches.
fn notification(model: &Model, receivers: &[usize]) -> String {
    let mut kinds: Vec<IntegrationKind> = receivers
        .iter()
        .flat_map(|r| model.receivers[*r].integrations.iter().map(|i| i.kind))
        .collect();
    kinds.sort();
    kinds.dedup();
    let words: Vec<&str> = kinds.iter().map(|k| k.title()).collect();
    if words.is_empty() {
        "None".to_string()
    } else {
        words.join(" + ")
    }
}

fn receiver_label(model: &Model, r: usize) -> String {
    let receiver = &model.receivers[r];
    match &receiver.description {
        Some(d) => format!("{d} (`{}`)", receiver.name),
        None => format!("`{}`", receiver.name),
    }
}

/// Fills the `body` of every alert of the document with `render(alert)`, on every core.
pub(super) fn render_alert_bodies<E: Send>(
    context: &mut Context,
    render: impl Fn(&Alert) -> Result<String, E> + Sync,
) -> Result<(), E> {
    let shown: Vec<&Alert> = context
        .alert_groups
        .iter()
        .flat_map(|g| &g.alerts)
        .collect();
    let bodies = crate::parallel::map(&shown, |a| render(a));
    let alerts = context.alert_groups.iter_mut().flat_map(|g| &mut g.alerts);
    for (alert, body) in alerts.zip(bodies) {
        alert.body = body?;
    }
    Ok(())
}

impl Page {
    /// The page as templates see it, each alert converted for them once: `body` renders the
    /// alert's section from its value, and the page shows that value with the section as its
    /// `body`.
    pub(super) fn into_value<E>(
        self,
        body: impl Fn(&minijinja::Value) -> Result<String, E>,
    ) -> Result<minijinja::Value, E> {
        /// The page's fields as templates read them, its alerts already values.
        #[derive(Serialize)]
        struct PageValue {
            title: String,
            file: String,
            count: usize,
            alert_groups: Vec<GroupValue>,
        }
        #[derive(Serialize)]
        struct GroupValue {
            severity: String,
            alerts: Vec<minijinja::Value>,
        }
        let mut alert_groups = Vec::with_capacity(self.alert_groups.len());
        for group in self.alert_groups {
            let mut alerts = Vec::with_capacity(group.alerts.len());
            for alert in group.alerts {
                let value = minijinja::Value::from_serialize(&alert);
                let section = minijinja::Value::from(body(&value)?);
                // The same fields in the same order, `body` filled in.
                let fields = value.try_iter().into_iter().flatten().map(|key| {
                    let field = if key.as_str() == Some("body") {
                        section.clone()
                    } else {
                        value.get_item(&key).unwrap_or_default()
                    };
                    (key, field)
                });
                alerts.push(fields.collect::<minijinja::Value>());
            }
            alert_groups.push(GroupValue {
                severity: group.severity,
                alerts,
            });
        }
        Ok(minijinja::Value::from_serialize(PageValue {
            title: self.title,
            file: self.file,
            count: self.count,
            alert_groups,
        }))
    }
}

/// The context of the document and the book, and the pages of a runbook split by team (their
/// alerts worded later, page by page: see [`Pages::fill`]).
pub(super) fn build(model: &Model) -> (Context, Pages<'_>) {
    let panels = panels_by_anchor(model);
    let team_pages = pages(model);
    let context = Context {
        project: Project {
            name: model.project.name.clone(),
            description: model.project.description.clone().unwrap_or_default(),
            runbook_url: model.project.runbook_url.clone(),
        },
        sections: model.sections.clone(),
        titles: model.section_titles.clone(),
        components: model
            .components
            .iter()
            .map(|c| Component {
                title: c.title.clone(),
                purpose: c.purpose.clone().unwrap_or_default(),
                access: c.access.clone().unwrap_or_default(),
                port: c.port.clone().unwrap_or_default(),
            })
            .collect(),
        key_metrics: key_metrics(model),
        dashboards: dashboards(model),
        promql_topics: topics(model, QueryLanguage::PromQl),
        logql_topics: topics(model, QueryLanguage::LogQl),
        severities: severities(model),
        alert_groups: document_alert_groups(model, &panels),
        pages: team_pages
            .iter()
            .map(|p| PageEntry {
                title: p.title.clone(),
                file: p.file.clone(),
                count: p.count,
            })
            .collect(),
        scenarios: model
            .scenarios
            .iter()
            .map(|s| Scenario {
                title: s.title.clone(),
                symptoms: s.symptoms.clone(),
                investigate: steps(&s.investigate),
                resolve: steps(&s.resolve),
            })
            .collect(),
        escalation_levels: model
            .escalation_levels
            .iter()
            .map(|e| EscalationLevel {
                level: e.name.clone(),
                contact: e.contact.clone(),
                response: e
                    .response
                    .map_or_else(|| "Best effort".to_string(), |d| format!("< {}", d.human())),
                scope: e.scope.clone().unwrap_or_default(),
            })
            .collect(),
        appendices: model
            .appendices
            .iter()
            .map(|a| Appendix {
                title: a.title.clone(),
                language: if a.language == "shell" {
                    "bash".into()
                } else {
                    a.language.clone()
                },
                entries: a
                    .entries
                    .iter()
                    .map(|(title, text)| Entry {
                        title: title.clone(),
                        text: text.clone(),
                    })
                    .collect(),
            })
            .collect(),
    };
    let pages = Pages {
        model,
        panels,
        list: team_pages,
    };
    (context, pages)
}

fn key_metrics(model: &Model) -> Vec<KeyMetric> {
    model
        .thresholds
        .iter()
        .filter_map(|t| {
            let metric = t.metric.clone()?;
            let shown = |level| {
                t.bound(level)
                    .map(|b| b.described())
                    .unwrap_or_else(|| "-".to_string())
            };
            Some(KeyMetric {
                metric,
                target: shown(Level::Target),
                critical: shown(Level::Critical),
            })
        })
        .collect()
}

fn dashboards(model: &Model) -> Vec<Dashboard> {
    model
        .dashboards
        .iter()
        .map(|d| {
            let mut rows = vec![Row {
                title: String::new(),
                panels: Vec::new(),
            }];
            for p in &d.panels {
                if p.kind == model::PanelKind::Row {
                    rows.push(Row {
                        title: p.title.clone(),
                        panels: Vec::new(),
                    });
                } else if let Some(row) = rows.last_mut() {
                    row.panels.push(p.title.clone());
                }
            }
            rows.retain(|r| !r.panels.is_empty() || !r.title.is_empty());
            Dashboard {
                title: d.title.clone(),
                uid: d.uid.clone(),
                folder: d.folder.clone().unwrap_or_default(),
                description: d.description.clone().unwrap_or_default(),
                rows,
            }
        })
        .collect()
}

/// The selector a query shows in the runbook: every service, in every environment. The
/// project's own selector says it readably; without one, the union of them all.
fn everywhere(model: &Model) -> Vec<crate::resolve::selector::Matcher> {
    if !model.project.selector.is_empty() {
        return model.project.selector.clone();
    }
    let services: Vec<&[_]> = model
        .services
        .iter()
        .map(|s| s.matchers.as_slice())
        .collect();
    let environments: Vec<&[_]> = model
        .environments
        .iter()
        .map(|e| e.matchers.as_slice())
        .collect();
    let mut matchers = crate::resolve::selector::union(&services).unwrap_or_default();
    matchers.extend(crate::resolve::selector::union(&environments).unwrap_or_default());
    matchers
}

fn topics(model: &Model, language: QueryLanguage) -> Vec<Topic> {
    let matchers = everywhere(model);
    let mut topics: Vec<Topic> = Vec::new();
    for q in model.queries.iter().filter(|q| q.language == language) {
        let Some(topic) = &q.topic else { continue };
        let query = NamedQuery {
            title: q.title.clone(),
            description: q.description.clone().unwrap_or_default(),
            text: crate::resolve::selector::expand(&q.text, &matchers),
        };
        match topics.iter_mut().find(|t| &t.topic == topic) {
            Some(t) => t.queries.push(query),
            None => topics.push(Topic {
                topic: topic.clone(),
                queries: vec![query],
            }),
        }
    }
    topics
}

fn severities(model: &Model) -> Vec<Severity> {
    model
        .severities
        .iter()
        .map(|s| {
            let pages = s.notify.iter().any(|r| {
                model.receivers[*r]
                    .integrations
                    .iter()
                    .any(|i| i.kind.pages())
            });
            let escalation = match (&s.escalate, pages) {
                (_, true) => "Immediate".to_string(),
                (Some((after, _)), false) => format!("After {}", after.human()),
                (None, false) => "None".to_string(),
            };
            Severity {
                name: capitalize(&s.name),
                response: s
                    .response
                    .map_or_else(|| "Best effort".to_string(), |d| format!("< {}", d.human())),
                notification: notification(model, &s.notify),
                escalation,
            }
        })
        .collect()
}

/// The panels about each alert, by the runbook anchor their panels link to, built once so
/// that each alert finds its panels without scanning every dashboard.
fn panels_by_anchor(model: &Model) -> HashMap<&str, Vec<PanelLink>> {
    let grafana = model.grafana_url();
    let mut index: HashMap<&str, Vec<PanelLink>> = HashMap::new();
    for d in &model.dashboards {
        for p in &d.panels {
            for (_, url) in &p.runbook {
                let Some((_, anchor)) = url.rsplit_once('#') else {
                    continue;
                };
                let entries = index.entry(anchor).or_default();
                let entry = PanelLink {
                    title: format!("{} › {}", d.title, p.title),
                    url: grafana
                        .map(|base| format!("{base}/d/{}?viewPanel={}", d.uid, p.id))
                        .unwrap_or_default(),
                };
                if !entries.contains(&entry) {
                    entries.push(entry);
                }
            }
        }
    }
    index
}

/// The alerts of the one-document runbook (those on no team's page), by severity.
fn document_alert_groups(model: &Model, panels: &HashMap<&str, Vec<PanelLink>>) -> Vec<AlertGroup> {
    let primaries = model
        .alerts
        .iter()
        .enumerate()
        .filter(|(_, a)| a.primary && a.page.is_none())
        .map(|(i, _)| i);
    grouped(model, primaries, panels)
}

/// The alerts of the primary alerts `primaries` (indices in the model, in order), by severity.
fn grouped(
    model: &Model,
    primaries: impl Iterator<Item = usize>,
    panels: &HashMap<&str, Vec<PanelLink>>,
) -> Vec<AlertGroup> {
    // One section per declaration, under the most urgent severity of its variants.
    let mut by_severity: Vec<Vec<Vec<&model::Alert>>> = vec![Vec::new(); model.severities.len()];
    for i in primaries {
        let a = &model.alerts[i];
        let variants: Vec<&model::Alert> = model.alerts[i..]
            .iter()
            .take_while(|v| v.declaration == a.declaration)
            .collect();
        let urgent = variants
            .iter()
            .map(|v| v.severity)
            .min()
            .unwrap_or(a.severity);
        by_severity[urgent].push(variants);
    }
    model
        .severities
        .iter()
        .zip(by_severity)
        .filter_map(|(severity, alerts)| {
            let alerts: Vec<Alert> = alerts
                .into_iter()
                .map(|variants| alert(model, &variants, panels))
                .collect();
            (!alerts.is_empty()).then(|| AlertGroup {
                severity: capitalize(&severity.name),
                alerts,
            })
        })
        .collect()
}

/// The pages of a runbook split by team, in name order, `shared` last; their alerts empty.
fn pages(model: &Model) -> Vec<Page> {
    let mut primaries: BTreeMap<(bool, &str), Vec<usize>> = BTreeMap::new();
    for (i, a) in model.alerts.iter().enumerate().filter(|(_, a)| a.primary) {
        if let Some(page) = a.page.as_deref() {
            primaries
                .entry((page == "shared", page))
                .or_default()
                .push(i);
        }
    }
    primaries
        .into_iter()
        .map(|((_, name), alerts)| Page {
            title: if name == "shared" {
                "Shared".to_string()
            } else {
                capitalize(name)
            },
            file: anchor::page_file(name),
            count: alerts.len(),
            alerts,
            alert_groups: Vec::new(),
        })
        .collect()
}

/// The pages of a runbook split by team, and what wording their alerts needs: each page's
/// alerts are worded when it is rendered, so that only the pages in hand live at once.
pub(super) struct Pages<'m> {
    model: &'m Model,
    panels: HashMap<&'m str, Vec<PanelLink>>,
    pub list: Vec<Page>,
}

impl Pages<'_> {
    /// Words the alerts of `page`.
    pub(super) fn fill(&self, page: &mut Page) {
        let primaries = std::mem::take(&mut page.alerts).into_iter();
        page.alert_groups = grouped(self.model, primaries, &self.panels);
    }
}

fn alert(
    model: &Model,
    variants: &[&model::Alert],
    panels: &HashMap<&str, Vec<PanelLink>>,
) -> Alert {
    let a = variants[0];
    let shown = a.rules.last();
    let mut levels: Vec<AlertLevel> = variants.iter().map(|v| level(model, v)).collect();
    let only = if levels.len() == 1 {
        levels.pop()
    } else {
        None
    };
    let only = only.unwrap_or(AlertLevel {
        severity: String::new(),
        meaning: String::new(),
        expression: String::new(),
        language: "promql",
        expression_note: String::new(),
        notifies: Vec::new(),
    });
    let panels = panels.get(a.anchor.as_str()).cloned().unwrap_or_default();
    Alert {
        name: a.name.clone(),
        anchor: anchor::alert(&a.name),
        file: anchor::alert_page_file(&a.name),
        body: String::new(),
        summary: shown
            .and_then(|r| r.annotations.get("summary"))
            .map(|s| readable(s))
            .unwrap_or_default(),
        description: shown
            .and_then(|r| r.annotations.get("description"))
            .map(|s| readable(s))
            .unwrap_or_default(),
        meaning: only.meaning,
        expression: only.expression,
        language: only.language,
        expression_note: only.expression_note,
        notifies: only.notifies,
        levels,
        panels,
        investigate: investigation(model, variants),
        causes: a.causes.clone(),
        resolve: steps(&a.resolve),
    }
}

/// What one variant means, its expression and whom it notifies.
fn level(model: &Model, a: &model::Alert) -> AlertLevel {
    // The last rule is the one to show: environments are declared dev, staging, prod.
    let shown = a.rules.last();
    let environments: Vec<&str> = a
        .rules
        .iter()
        .filter_map(|r| r.environment.map(|e| model.environments[e].name.as_str()))
        .collect();
    let expression_note = match (environments.len(), shown.and_then(|r| r.environment)) {
        (n, Some(e)) if n > 1 => format!(
            "One rule per environment ({}); shown for `{}`.",
            environments.join(", "),
            model.environments[e].name
        ),
        _ => String::new(),
    };
    let for_ = a.for_.map(|f| f.human());
    let meaning = match &a.condition {
        model::Condition::Threshold { threshold, level } => {
            let t = &model.thresholds[*threshold];
            let q = &model.queries[t.query];
            let bound = t.bound(*level);
            // A target says where healthy values lie: the alert fires on the other side.
            let side = match bound {
                Some(b) if b.level == Level::Target && b.comparison == Comparison::Between => {
                    "outside"
                }
                Some(b) if b.level == Level::Target => side(b.comparison.outside()),
                Some(b) => side(b.comparison),
                None => "past",
            };
            let mut text = format!(
                "Fires when {} is {side} {}",
                q.title.to_lowercase(),
                bound.map_or("", |b| b.spoken.as_str())
            );
            if let Some(f) = &for_ {
                text.push_str(&format!(" for {f}"));
            }
            text + "."
        }
        model::Condition::Slo { slo, kind } => {
            let slo = &model.slos[*slo];
            let windows: Vec<String> = slo
                .windows
                .iter()
                .filter(|w| w.kind == *kind)
                .map(|w| {
                    format!(
                        "{}x over both the last {} and the last {}",
                        crate::resolve::slo::tidy(w.factor),
                        w.long.human(),
                        w.short.human()
                    )
                })
                .collect();
            format!(
                "Fires when the {} SLO ({} of events good over {}) burns its error budget faster than {}.",
                slo.title,
                slo.objective_shown,
                slo.period.human(),
                windows.join(", or ")
            )
        }
        model::Condition::SloAbsent { slo, metrics } => {
            let names: Vec<String> = metrics.iter().map(|m| format!("`{m}`")).collect();
            format!(
                "Fires when {} {} no series{}: the {} SLO's error ratio cannot be computed, so its burn-rate alerts cannot fire.",
                names.join(" or "),
                if names.len() == 1 { "has" } else { "have" },
                for_.as_ref().map_or(String::new(), |f| format!(" for {f}")),
                model.slos[*slo].title
            )
        }
        model::Condition::Expr { .. } => match &for_ {
            Some(f) => format!("Fires when the expression below holds for {f}."),
            None => "Fires as soon as the expression below holds.".to_string(),
        },
    };
    let mut labels: Labels = shown.map(|r| r.labels.clone()).unwrap_or_default();
    labels.insert("alertname".into(), a.name.clone());
    let mut notifies: Vec<String> = route_tree::route(&model.routing.root, &labels)
        .receivers
        .iter()
        .map(|r| receiver_label(model, *r))
        .collect();
    if let Some((after, receivers)) = &model.severities[a.severity].escalate {
        let names: Vec<String> = receivers
            .iter()
            .map(|r| receiver_label(model, *r))
            .collect();
        notifies.push(format!(
            "after {} unresolved: {}",
            after.human(),
            names.join(", ")
        ));
    }
    AlertLevel {
        severity: capitalize(&model.severities[a.severity].name),
        meaning,
        expression: shown.map(|r| r.expr.clone()).unwrap_or_default(),
        language: match a.language {
            QueryLanguage::PromQl => "promql",
            QueryLanguage::LogQl => "logql",
        },
        expression_note,
        notifies,
    }
}
