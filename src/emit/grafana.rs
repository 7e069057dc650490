//! `grafana/<uid>.json`: Grafana's classic dashboard model at schemaVersion 42, with the
//! fields Grafana would otherwise fill in, so that dashboards load without migration.

use super::Artifact;
use crate::parse::ast::{Level, QueryLanguage};
use crate::resolve::model::{Dashboard, Model, Panel, PanelKind, Target, Threshold};
use serde::Serialize;
use serde_json::{json, Value};
use std::sync::LazyLock;

/// The dashboard schema version written.
pub(crate) const SCHEMA_VERSION: u32 = 42;

const PROMETHEUS: &str = "${datasource}";
const LOKI: &str = "${loki}";

/// Dashboards go to `sink` as they are made; with provisioning, after the files that list
/// them.
pub(super) fn emit(model: &Model, sink: &(dyn Fn(Artifact) + Sync)) {
    let render = |d: &Dashboard| {
        let mut bytes = serde_json::to_vec_pretty(&dashboard(model, d)).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    };
    match &model.targets.grafana {
        // With provisioning, a directory per folder: Grafana names the folders after them.
        Some(target) => {
            let dashboards: Vec<(&Dashboard, Vec<u8>)> =
                model.dashboards.iter().map(|d| (d, render(d))).collect();
            super::grafana_provisioning::emit(model, target, &dashboards)
                .into_iter()
                .for_each(sink);
            for (d, bytes) in dashboards {
                sink(Artifact {
                    path: format!("grafana/dashboards/{}", dashboard_file(d)),
                    bytes,
                });
            }
        }
        None => {
            for d in &model.dashboards {
                sink(Artifact {
                    path: format!("grafana/{}.json", d.uid),
                    bytes: render(d),
                });
            }
        }
    }
}

/// `<folder>/<uid>.json`, or `<uid>.json` for a dashboard in no folder (Grafana's General).
pub(super) fn dashboard_file(d: &Dashboard) -> String {
    match &d.folder {
        Some(folder) => format!("{folder}/{}.json", d.uid),
        None => format!("{}.json", d.uid),
    }
}

// Typed mirrors of Grafana's model, serialized directly: building `serde_json::Value` trees
// made dashboards the slowest part of a compile. Fields are in alphabetical order, as Grafana
// exports them.

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DashboardJson<'a> {
    annotations: List<Value>,
    description: &'a str,
    editable: bool,
    fiscal_year_start_month: u32,
    graph_tooltip: u32,
    id: Option<u32>,
    links: Vec<LinkJson<'a>>,
    live_now: bool,
    panels: Vec<PanelJson<'a>>,
    refresh: String,
    schema_version: u32,
    tags: Vec<&'a str>,
    templating: List<Value>,
    time: TimeJson,
    timepicker: Value,
    timezone: &'static str,
    title: &'a str,
    uid: &'a str,
    version: u32,
    week_start: &'static str,
}

#[derive(Serialize)]
struct List<T> {
    list: Vec<T>,
}

#[derive(Serialize)]
struct TimeJson {
    from: String,
    to: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LinkJson<'a> {
    as_dropdown: bool,
    icon: &'static str,
    include_vars: bool,
    keep_time: bool,
    tags: [&'static str; 0],
    target_blank: bool,
    title: &'a str,
    tooltip: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    url: &'a str,
}

fn link<'a>(title: &'a str, url: &'a str) -> LinkJson<'a> {
    LinkJson {
        as_dropdown: false,
        icon: "doc",
        include_vars: false,
        keep_time: false,
        tags: [],
        target_blank: true,
        title,
        tooltip: title,
        kind: "link",
        url,
    }
}

#[derive(Serialize, Clone, Copy)]
struct DatasourceJson {
    #[serde(rename = "type")]
    kind: &'static str,
    uid: &'static str,
}

#[derive(Serialize, Clone, Copy)]
struct GridJson {
    h: u32,
    w: u32,
    x: u32,
    y: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PanelJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    collapsed: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    datasource: Option<DatasourceJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    field_config: Option<FieldConfigJson<'a>>,
    grid_pos: GridJson,
    id: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    links: Option<Vec<LinkJson<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    options: Option<&'static Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    panels: Option<[u8; 0]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    targets: Option<Vec<TargetJson<'a>>>,
    title: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct FieldConfigJson<'a> {
    defaults: DefaultsJson<'a>,
    overrides: [u8; 0],
}

#[derive(Serialize, Default)]
struct DefaultsJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    color: Option<ColorJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    custom: Option<CustomJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    thresholds: Option<ThresholdsJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unit: Option<&'a str>,
}

#[derive(Serialize)]
struct ColorJson {
    mode: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CustomJson {
    draw_style: &'static str,
    fill_opacity: u32,
    line_width: u32,
    show_points: &'static str,
    span_nulls: bool,
    thresholds_style: ColorJson,
}

#[derive(Serialize)]
struct ThresholdsJson {
    mode: &'static str,
    steps: Vec<StepJson>,
}

#[derive(Serialize)]
struct StepJson {
    color: &'static str,
    value: Option<f64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TargetJson<'a> {
    datasource: DatasourceJson,
    expr: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    format: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    instant: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    legend_format: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    query_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    range: Option<bool>,
    ref_id: &'a str,
}

fn uses_loki(d: &Dashboard) -> bool {
    d.panels
        .iter()
        .flat_map(|p| &p.targets)
        .any(|t| t.language == QueryLanguage::LogQl)
}

fn dashboard<'a>(model: &'a Model, d: &'a Dashboard) -> DashboardJson<'a> {
    let mut tags: Vec<&str> = d.tags.iter().map(String::as_str).collect();
    if let Some(e) = d.environment {
        tags.push(&model.environments[e].name);
    }
    DashboardJson {
        annotations: List {
            list: vec![annotation()],
        },
        description: d.description.as_deref().unwrap_or_default(),
        editable: true,
        fiscal_year_start_month: 0,
        graph_tooltip: 1,
        id: None,
        links: d.links.iter().map(|l| link(&l.title, &l.url)).collect(),
        live_now: false,
        panels: d.panels.iter().map(|p| panel(model, p)).collect(),
        refresh: d.refresh.map(|r| r.to_string()).unwrap_or_default(),
        schema_version: SCHEMA_VERSION,
        tags,
        templating: List { list: variables(d) },
        time: TimeJson {
            from: format!("now-{}", d.time),
            to: "now",
        },
        timepicker: json!({}),
        timezone: "browser",
        title: &d.title,
        uid: &d.uid,
        version: 1,
        week_start: "",
    }
}

/// Grafana's built-in annotation of alerts and annotations.
fn annotation() -> Value {
    json!({
        "builtIn": 1,
        "datasource": { "type": "grafana", "uid": "-- Grafana --" },
        "enable": true,
        "hide": true,
        "iconColor": "rgba(0, 211, 255, 1)",
        "name": "Annotations & Alerts",
        "type": "dashboard"
    })
}

fn datasource_variable(name: &str, label: &str, kind: &str) -> Value {
    json!({
        "type": "datasource",
        "name": name,
        "label": label,
        "query": kind,
        "hide": 0,
        "refresh": 1,
        "regex": "",
        "includeAll": false,
        "multi": false,
        "options": []
    })
}

fn variables(d: &Dashboard) -> Vec<Value> {
    let mut list = vec![datasource_variable(
        "datasource",
        "Prometheus",
        "prometheus",
    )];
    if uses_loki(d) {
        list.push(datasource_variable("loki", "Loki", "loki"));
    }
    for v in &d.variables {
        list.push(json!({
            "type": "query",
            "name": v.name,
            "label": v.name,
            "datasource": { "type": "prometheus", "uid": PROMETHEUS },
            "query": { "query": v.query, "refId": "PrometheusVariableQueryEditor-VariableQuery" },
            "definition": v.query,
            "hide": 0,
            "refresh": 2,
            "regex": "",
            "sort": 1,
            "includeAll": true,
            "multi": true,
            "options": []
        }));
    }
    list
}

fn grid(p: &Panel) -> GridJson {
    GridJson {
        h: p.grid.h,
        w: p.grid.w,
        x: p.grid.x,
        y: p.grid.y,
    }
}

fn panel<'a>(model: &'a Model, p: &'a Panel) -> PanelJson<'a> {
    if p.kind == PanelKind::Row {
        return PanelJson {
            collapsed: Some(false),
            datasource: None,
            description: None,
            field_config: None,
            grid_pos: grid(p),
            id: p.id,
            links: None,
            options: None,
            panels: Some([]),
            targets: None,
            title: &p.title,
            kind: "row",
        };
    }
    let logs = p
        .targets
        .first()
        .is_some_and(|t| t.language == QueryLanguage::LogQl);
    let datasource = if logs {
        DatasourceJson {
            kind: "loki",
            uid: LOKI,
        }
    } else {
        DatasourceJson {
            kind: "prometheus",
            uid: PROMETHEUS,
        }
    };
    // Log lines have no fields to configure.
    let defaults = if p.kind == PanelKind::Logs {
        DefaultsJson::default()
    } else {
        field_defaults(model, p)
    };
    PanelJson {
        collapsed: None,
        datasource: Some(datasource),
        description: Some(p.description.as_deref().unwrap_or_default()),
        field_config: Some(FieldConfigJson {
            defaults,
            overrides: [],
        }),
        grid_pos: grid(p),
        id: p.id,
        links: Some(
            p.runbook
                .iter()
                .map(|(title, url)| link(title, url))
                .collect(),
        ),
        options: Some(&OPTIONS[p.kind as usize]),
        panels: None,
        targets: Some(
            p.targets
                .iter()
                .map(|t| target(p.kind, t, datasource))
                .collect(),
        ),
        title: &p.title,
        kind: kind_name(p.kind),
    }
}

fn kind_name(kind: PanelKind) -> &'static str {
    match kind {
        PanelKind::Row => "row",
        PanelKind::TimeSeries => "timeseries",
        PanelKind::Stat => "stat",
        PanelKind::Gauge => "gauge",
        PanelKind::BarGauge => "bargauge",
        PanelKind::Table => "table",
        PanelKind::Logs => "logs",
    }
}

fn target<'a>(kind: PanelKind, t: &'a Target, datasource: DatasourceJson) -> TargetJson<'a> {
    let instant = kind == PanelKind::Table;
    let promql = t.language == QueryLanguage::PromQl;
    TargetJson {
        datasource,
        expr: &t.expr,
        format: (promql && instant).then_some("table"),
        instant: promql.then_some(instant),
        legend_format: t.legend.as_deref(),
        query_type: (!promql).then_some(if instant { "instant" } else { "range" }),
        range: promql.then_some(!instant),
        ref_id: &t.ref_id,
    }
}

/// Threshold steps from the threshold declaration: the very numbers its alerts compare
/// against. Grafana colours a value by the last step it meets or exceeds, so steps ascend.
/// Healthy values are green, those past the warning level (or outside the target) yellow,
/// those past the critical level red: each stretch between two of the threshold's numbers
/// takes the colour its levels give a value inside it.
pub(crate) fn steps(t: &Threshold) -> Vec<(Option<f64>, &'static str)> {
    let mut points: Vec<f64> = t
        .bounds
        .iter()
        .flat_map(|b| std::iter::once(b.value).chain(b.upper))
        .filter(|v| v.is_finite())
        .collect();
    points.sort_by(f64::total_cmp);
    points.dedup();
    let Some((&first, &last)) = points.first().zip(points.last()) else {
        return vec![(None, "green")];
    };
    let margin = |v: f64| v.abs().max(1.0);
    let mut steps = vec![(None, colour(t, first - margin(first)))];
    for (i, &p) in points.iter().enumerate() {
        let inside = match points.get(i + 1) {
            Some(next) => p + (next - p) / 2.0,
            None => last + margin(last),
        };
        let c = colour(t, inside);
        if steps.last().is_some_and(|(_, previous)| *previous != c) {
            steps.push((Some(p), c));
        }
    }
    steps
}

/// The colour of a value: red where the critical level holds, yellow where the warning level
/// holds or the target does not, green elsewhere.
fn colour(t: &Threshold, value: f64) -> &'static str {
    let holds = |level| t.bound(level).is_some_and(|b| b.holds(value));
    if holds(Level::Critical) {
        "red"
    } else if holds(Level::Warning) || t.bound(Level::Target).is_some_and(|b| !b.holds(value)) {
        "yellow"
    } else {
        "green"
    }
}

fn field_defaults<'a>(model: &Model, p: &'a Panel) -> DefaultsJson<'a> {
    let steps = match (p.thresholds, &p.steps) {
        (Some(t), _) => steps(&model.thresholds[t]),
        (None, Some(own)) => own.clone(),
        (None, None) => vec![(None, "green")],
    };
    let has_steps = p.thresholds.is_some() || p.steps.is_some();
    let by_thresholds = has_steps && p.kind != PanelKind::TimeSeries;
    DefaultsJson {
        color: Some(ColorJson {
            mode: if by_thresholds {
                "thresholds"
            } else {
                "palette-classic"
            },
        }),
        custom: (p.kind == PanelKind::TimeSeries).then(|| CustomJson {
            draw_style: "line",
            fill_opacity: 10,
            line_width: 1,
            show_points: "never",
            span_nulls: false,
            // The alert's numbers, drawn as lines on the graph.
            thresholds_style: ColorJson {
                mode: if p.thresholds.is_some() {
                    "line"
                } else {
                    "off"
                },
            },
        }),
        max: p.max,
        min: p.min,
        thresholds: Some(ThresholdsJson {
            mode: "absolute",
            steps: steps
                .into_iter()
                .map(|(value, color)| StepJson { color, value })
                .collect(),
        }),
        unit: p.unit.as_deref(),
    }
}

/// Panel options by kind, in `PanelKind` order; built once.
static OPTIONS: LazyLock<[Value; 7]> = LazyLock::new(|| {
    let reduce = json!({ "calcs": ["lastNotNull"], "fields": "", "values": false });
    [
        json!({}),
        json!({
            "legend": { "displayMode": "list", "placement": "bottom", "showLegend": true, "calcs": [] },
            "tooltip": { "mode": "multi", "sort": "desc" }
        }),
        json!({
            "reduceOptions": reduce,
            "colorMode": "value",
            "graphMode": "area",
            "justifyMode": "auto",
            "orientation": "auto",
            "textMode": "auto"
        }),
        json!({
            "reduceOptions": reduce,
            "orientation": "auto",
            "showThresholdLabels": false,
            "showThresholdMarkers": true
        }),
        json!({
            "reduceOptions": reduce,
            "displayMode": "gradient",
            "orientation": "horizontal",
            "showUnfilled": true
        }),
        json!({ "showHeader": true, "cellHeight": "sm" }),
        json!({
            "showTime": true,
            "showLabels": false,
            "showCommonLabels": false,
            "wrapLogMessage": true,
            "prettifyLogMessage": false,
            "enableLogDetails": true,
            "dedupStrategy": "none",
            "sortOrder": "Descending"
        }),
    ]
});
