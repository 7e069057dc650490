//! Dashboards: fanned out over environments, laid out on Grafana's 24-column grid, every query
//! a named query expanded for the dashboard's scope and variables.

use super::duration::Duration;
use super::error::ResolveError;
use super::model::*;
use super::quantity::Unit;
use super::selector::{self, Matcher};
use super::Resolver;
use crate::anchor;
use crate::parse::ast::{self, MatchOp};
use std::collections::HashMap;

/// Grafana's grid is 24 columns wide.
pub(crate) const GRID_COLUMNS: u32 = 24;

fn kind_of(name: &str) -> PanelKind {
    match name {
        "stat" => PanelKind::Stat,
        "gauge" => PanelKind::Gauge,
        "bargauge" => PanelKind::BarGauge,
        "table" => PanelKind::Table,
        "logs" => PanelKind::Logs,
        _ => PanelKind::TimeSeries,
    }
}

/// Sensible default sizes: small single numbers, half-width graphs, full-width logs.
fn default_size(kind: PanelKind) -> (u32, u32) {
    match kind {
        PanelKind::Stat => (6, 4),
        PanelKind::Gauge => (6, 6),
        PanelKind::Logs => (24, 10),
        PanelKind::Row => (24, 1),
        PanelKind::TimeSeries | PanelKind::BarGauge | PanelKind::Table => (12, 8),
    }
}

/// The Grafana unit id for a query unit.
pub(crate) fn grafana_unit(unit: Unit) -> Option<&'static str> {
    match unit {
        Unit::Percent => Some("percent"),
        Unit::Ratio => Some("percentunit"),
        Unit::Seconds => Some("s"),
        Unit::Bytes => Some("bytes"),
        Unit::Count => Some("short"),
        Unit::PerSecond => Some("reqps"),
        Unit::None => None,
    }
}

/// Places panels left to right, wrapping at 24 columns; a row starts a new line.
struct Layout {
    x: u32,
    y: u32,
    line: u32,
}

impl Layout {
    fn newline(&mut self) {
        self.y += self.line;
        self.x = 0;
        self.line = 0;
    }

    fn place(&mut self, w: u32, h: u32) -> Grid {
        if self.x > 0 && self.x + w > GRID_COLUMNS {
            self.newline();
        }
        let grid = Grid {
            x: self.x,
            y: self.y,
            w,
            h,
        };
        self.x += w;
        self.line = self.line.max(h);
        grid
    }
}

/// `label_values(metric, label)` lists `label`.
fn listed_label(query: &str) -> Option<String> {
    let inner = query
        .trim()
        .strip_prefix("label_values(")?
        .strip_suffix(')')?;
    let label = inner.rsplit(',').next()?.trim();
    let valid = !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    valid.then(|| label.to_string())
}

impl Resolver<'_> {
    /// With provisioning, a folder is a directory Grafana names the folder after: its name
    /// must be one a directory can have.
    fn folder_directory(&mut self, folder: &ast::Text) {
        let name = folder.value.as_str();
        let ok = !name.is_empty()
            && name != "."
            && name != ".."
            && name.len() <= 255
            && !name
                .chars()
                .any(|c| c == '/' || c == '\\' || c.is_control());
        if !ok {
            self.errors.push(ResolveError::BadSetting {
                key: "folder".into(),
                value: name.to_string(),
                expected: "a folder name without `/`, `\\` or control characters (Grafana provisioning makes it a directory)",
                span: folder.span,
            });
        }
    }

    pub(super) fn dashboards(
        &mut self,
        d: &ast::Dashboard,
        model: &Model,
        queries: &[Option<Query>],
        thresholds: &[Option<Threshold>],
    ) -> Vec<Dashboard> {
        let Some(instances) = self.instances(&d.scope, model, d.name.span, false) else {
            return Vec::new();
        };
        if let (Some(folder), Some(_)) = (&d.folder, &model.targets.grafana) {
            self.folder_directory(folder);
        }
        let refresh = d.refresh.as_ref().and_then(|r| self.duration(r));
        let time = d
            .time
            .as_ref()
            .and_then(|t| self.duration(t))
            .unwrap_or(Duration(3_600_000));
        let variables: Vec<Variable> = d
            .variables
            .iter()
            .map(|(name, query)| Variable {
                name: name.value.clone(),
                query: query.value.trim().to_string(),
                label: listed_label(&query.value),
            })
            .collect();
        let project = anchor::slug(&model.project.name);
        let mut out = Vec::new();
        for (i, instance) in instances.iter().enumerate() {
            let environment = instance.environment.map(|e| &model.environments[e]);
            let mut matchers = instance.matchers.clone();
            matchers.extend(variables.iter().filter_map(|v| {
                Some(Matcher {
                    label: v.label.clone()?,
                    op: MatchOp::Regex,
                    value: format!("${}", v.name),
                })
            }));
            let shown =
                environment.map(|e| e.description.clone().unwrap_or_else(|| e.name.clone()));
            let mut uid = format!("{project}-{}", d.name.value.replace('_', "-"));
            if let Some(e) = environment {
                uid = format!("{uid}-{}", e.name.replace('_', "-"));
            }
            let errors_before = self.errors.len();
            let panels = self.panels(d, &matchers, model, queries, thresholds);
            if i > 0 && self.errors.len() > errors_before {
                // The same mistake in every environment: report it once.
                self.errors.truncate(errors_before);
            }
            out.push(Dashboard {
                name: d.name.value.clone(),
                uid,
                title: d
                    .title
                    .value
                    .replace("{{ environment }}", shown.as_deref().unwrap_or("")),
                folder: d.folder.as_ref().map(|f| f.value.clone()),
                tags: d.tags.iter().map(|t| t.value.clone()).collect(),
                refresh,
                time,
                description: d.description.as_ref().map(|x| x.value.clone()),
                environment: instance.environment,
                variables: variables
                    .iter()
                    .map(|v| Variable {
                        name: v.name.clone(),
                        query: v.query.clone(),
                        label: v.label.clone(),
                    })
                    .collect(),
                links: Vec::new(),
                panels,
                span: d.name.span,
            });
        }
        out
    }

    /// Dashboard links, once every dashboard's uid is known. A link to a dashboard fanned
    /// out over environments goes to the same environment's copy when there is one.
    pub(super) fn dashboard_links(
        &mut self,
        decls: &[ast::Dashboard],
        dashboards: &mut [Dashboard],
    ) {
        // Every dashboard by name (with its environment, title and uid), indexed once.
        let mut known: HashMap<String, Vec<(Option<usize>, String, String)>> = HashMap::new();
        for x in dashboards.iter() {
            known.entry(x.name.clone()).or_default().push((
                x.environment,
                x.title.clone(),
                x.uid.clone(),
            ));
        }
        let mut by_name: HashMap<&str, &ast::Dashboard> = HashMap::new();
        for d in decls {
            by_name.entry(d.name.value.as_str()).or_insert(d);
            for link in &d.links {
                match link {
                    ast::Link::Dashboard(target) => {
                        self.lookup("dashboard", target);
                    }
                    ast::Link::Url { url, .. } => self.check_link("link", url),
                }
            }
        }
        for own in dashboards.iter_mut() {
            let Some(d) = by_name.get(own.name.as_str()) else {
                continue;
            };
            own.links = d
                .links
                .iter()
                .filter_map(|link| match link {
                    ast::Link::Url { title, url } => Some(DashboardLink {
                        title: title.value.clone(),
                        url: url.value.clone(),
                    }),
                    ast::Link::Dashboard(target) => {
                        // A link to a dashboard fanned out over environments goes to the same
                        // environment's copy when there is one.
                        let candidates = known.get(target.value.as_str())?;
                        let (_, title, uid) = candidates
                            .iter()
                            .find(|k| k.0 == own.environment)
                            .or(candidates.first())?;
                        Some(DashboardLink {
                            title: title.clone(),
                            url: format!("/d/{uid}"),
                        })
                    }
                })
                .collect();
        }
    }

    fn panels(
        &mut self,
        d: &ast::Dashboard,
        matchers: &[Matcher],
        model: &Model,
        queries: &[Option<Query>],
        thresholds: &[Option<Threshold>],
    ) -> Vec<Panel> {
        let mut layout = Layout {
            x: 0,
            y: 0,
            line: 0,
        };
        // Panel ids are positions: 1, 2, 3... in dashboard order.
        let mut panels: Vec<Panel> = Vec::new();
        let add =
            |this: &mut Self, p: &ast::Panel, panels: &mut Vec<Panel>, layout: &mut Layout| {
                let id = panels.len() as u32 + 1;
                let panel = this.panel(p, id, layout, matchers, model, queries, thresholds);
                panels.extend(panel);
            };
        for item in &d.items {
            match item {
                ast::DashboardItem::Slo(name) => {
                    if self.lookup("slo", name).is_none() {
                        continue;
                    }
                    // An SLO that failed to resolve has reported its own error already.
                    let Some(slo) = model.slos.iter().find(|s| s.name == name.value) else {
                        continue;
                    };
                    let first = panels.len() as u32 + 1;
                    panels.extend(slo_panels(slo, model, name.span, &mut layout, first));
                }
                ast::DashboardItem::Panel(p) => add(self, p, &mut panels, &mut layout),
                ast::DashboardItem::Row {
                    title,
                    panels: inner,
                } => {
                    let id = panels.len() as u32 + 1;
                    panels.push(row(id, &title.value, &mut layout, title.span));
                    for p in inner {
                        add(self, p, &mut panels, &mut layout);
                    }
                }
            }
        }
        panels
    }

    #[allow(clippy::too_many_arguments)]
    fn panel(
        &mut self,
        p: &ast::Panel,
        id: u32,
        layout: &mut Layout,
        matchers: &[Matcher],
        model: &Model,
        queries: &[Option<Query>],
        thresholds: &[Option<Threshold>],
    ) -> Option<Panel> {
        let kind = kind_of(&p.kind.value);
        let mut targets = Vec::new();
        let mut first_unit = None;
        for (i, (name, legend)) in p.queries.iter().enumerate() {
            let index = self.lookup("query", name)?;
            let query = queries.get(index)?.as_ref()?;
            first_unit.get_or_insert(query.unit);
            if query.text.contains(selector::PLACEHOLDER) && matchers.is_empty() {
                self.errors.push(ResolveError::SelectorWithoutScope {
                    span: query.span,
                    used_at: name.span,
                });
                return None;
            }
            targets.push(Target {
                language: query.language,
                expr: selector::expand(&query.text, matchers),
                legend: legend.as_ref().map(|l| l.value.clone()),
                ref_id: ref_id(i),
                query: Some(index),
            });
        }
        let unit = first_unit.unwrap_or(Unit::None);
        let threshold = match &p.thresholds {
            Some(t) => {
                let index = self.lookup("threshold", t)?;
                let threshold = thresholds.get(index)?.as_ref()?;
                if !targets
                    .iter()
                    .any(|target| target.query == Some(threshold.query))
                {
                    self.errors.push(ResolveError::ThresholdNotShown {
                        threshold: threshold.name.clone(),
                        query: queries[threshold.query]
                            .as_ref()
                            .map_or_else(String::new, |q| q.name.clone()),
                        span: t.span,
                    });
                    return None;
                }
                Some(index)
            }
            None => None,
        };
        let mut runbook = Vec::new();
        for alert in &p.runbook {
            self.lookup("alert", alert)?;
            runbook.push((
                format!("Runbook: {}", alert.value),
                anchor::alert_url(&model.project.runbook_url, &alert.value),
            ));
        }
        let (w, h) = p.size.as_ref().map_or(default_size(kind), |s| s.value);
        let grid = match &p.at {
            Some(at) => Grid {
                x: at.value.0,
                y: at.value.1,
                w,
                h,
            },
            None => layout.place(w.min(GRID_COLUMNS), h),
        };
        let grid = Grid { w, ..grid };
        Some(Panel {
            id,
            kind,
            title: p.title.value.clone(),
            description: p.description.as_ref().map(|x| x.value.clone()),
            grid,
            targets,
            unit: p
                .unit
                .as_ref()
                .map(|u| u.value.clone())
                .or(grafana_unit(unit).map(str::to_string)),
            min: p
                .min
                .as_ref()
                .and_then(|m| self.value_in(m, unit, &p.title.value)),
            max: p
                .max
                .as_ref()
                .and_then(|m| self.value_in(m, unit, &p.title.value)),
            thresholds: threshold,
            steps: None,
            runbook,
            span: p.title.span,
        })
    }
}

/// An SLO's row: its error ratio against the budget, its burn rate against the alerts'
/// factors, and the error budget left over the period.
fn slo_panels(
    slo: &Slo,
    model: &Model,
    span: crate::source::Span,
    layout: &mut Layout,
    first_id: u32,
) -> Vec<Panel> {
    let own = &slo.selector;
    let budget = 1.0 - slo.objective;
    let factor = |kind: BurnKind| {
        slo.windows
            .iter()
            .filter(|w| w.kind == kind)
            .map(|w| w.factor)
            .fold(f64::INFINITY, f64::min)
    };
    let (ticket, page) = (factor(BurnKind::Ticket), factor(BurnKind::Page));
    let mut burn_steps = vec![(None, "green")];
    if ticket.is_finite() {
        burn_steps.push((Some(ticket), "yellow"));
    }
    if page.is_finite() {
        burn_steps.push((Some(page), "red"));
    }
    // Page and ticket alerts sharing a name share a runbook section: one link.
    let mut names: Vec<&String> = slo.alert_names.iter().flatten().collect();
    names.dedup();
    let runbook = names
        .into_iter()
        .map(|name| {
            (
                format!("Runbook: {name}"),
                anchor::alert_url(&model.project.runbook_url, name),
            )
        })
        .collect::<Vec<_>>();
    type Spec<'a> = (&'a str, PanelKind, String, &'a str, Steps);
    let ratio_title = format!("error ratio ({})", slo.series.shortest);
    let specs: [Spec; 3] = [
        (
            &ratio_title,
            PanelKind::TimeSeries,
            slo.series.current_ratio(own),
            "percentunit",
            vec![(None, "green"), (Some(budget), "red")],
        ),
        (
            "burn rate",
            PanelKind::TimeSeries,
            slo.series.burn_rate(own),
            "none",
            burn_steps,
        ),
        (
            "error budget remaining",
            PanelKind::Gauge,
            slo.series.budget_left(own),
            "percentunit",
            vec![(None, "red"), (Some(0.0), "yellow"), (Some(0.25), "green")],
        ),
    ];
    let title = format!(
        "SLO: {} ({} over {})",
        slo.title,
        slo.objective_shown,
        slo.period.human()
    );
    let legend = match slo.series.style {
        AlertStyle::Pyrra => "{{slo}} {{job}}",
        _ => "{{sloth_id}} {{job}}",
    }
    .to_string();
    let mut panels = vec![row(first_id, &title, layout, span)];
    for (title, kind, expr, unit, steps) in specs {
        panels.push(Panel {
            id: first_id + panels.len() as u32,
            kind,
            title: format!("{}: {title}", slo.title),
            description: None,
            grid: layout.place(8, 8),
            targets: vec![Target {
                language: crate::parse::ast::QueryLanguage::PromQl,
                expr,
                legend: Some(legend.clone()),
                ref_id: "A".into(),
                query: None,
            }],
            unit: Some(unit.to_string()),
            min: None,
            max: None,
            thresholds: None,
            steps: Some(steps),
            runbook: runbook.clone(),
            span,
        });
    }
    panels
}

/// A row header: it starts a new line of the grid and takes the whole width.
fn row(id: u32, title: &str, layout: &mut Layout, span: crate::source::Span) -> Panel {
    layout.newline();
    let grid = layout.place(GRID_COLUMNS, 1);
    layout.newline();
    Panel {
        id,
        kind: PanelKind::Row,
        title: title.to_string(),
        description: None,
        grid,
        targets: Vec::new(),
        unit: None,
        min: None,
        max: None,
        thresholds: None,
        steps: None,
        runbook: Vec::new(),
        span,
    }
}

/// Query letters as Grafana assigns them: A, B, ... Z, AA, AB, ...
fn ref_id(index: usize) -> String {
    let letter = |i: usize| char::from(b'A' + (i % 26) as u8);
    if index < 26 {
        letter(index).to_string()
    } else {
        format!("{}{}", letter(index / 26 - 1), letter(index))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_wraps_at_twenty_four_columns() {
        let mut layout = Layout {
            x: 0,
            y: 0,
            line: 0,
        };
        assert_eq!(
            layout.place(12, 8),
            Grid {
                x: 0,
                y: 0,
                w: 12,
                h: 8
            }
        );
        assert_eq!(
            layout.place(6, 4),
            Grid {
                x: 12,
                y: 0,
                w: 6,
                h: 4
            }
        );
        assert_eq!(
            layout.place(12, 8),
            Grid {
                x: 0,
                y: 8,
                w: 12,
                h: 8
            }
        );
    }

    #[test]
    fn reads_the_listed_label_and_names_queries() {
        assert_eq!(
            listed_label("label_values(kube_pod_info, namespace)"),
            Some("namespace".into())
        );
        assert_eq!(listed_label("label_values(job)"), Some("job".into()));
        assert_eq!(listed_label("query_result(up)"), None);
        assert_eq!(ref_id(0), "A");
        assert_eq!(ref_id(27), "AB");
    }
}
