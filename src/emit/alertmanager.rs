//! `alertmanager/alertmanager.yml`: global settings, the routing tree, inhibitions, receivers
//! and templates; `alertmanager/watchbook.tmpl` with the source's template files; and
//! `alertmanager/route-tests.sh`, which runs every route test through amtool.

use super::{header, yaml, Artifact};
use crate::resolve::model::{Labels, Model, Route, Timing};
use crate::resolve::route_tree;
use crate::resolve::selector::{escape_string, Matcher};
use serde::Serialize;
use yaml_serde::{Mapping, Value};

/// The generated notification templates, beside `alertmanager.yml`.
const TEMPLATES: &str = "watchbook.tmpl";

#[derive(Serialize)]
struct Config {
    #[serde(skip_serializing_if = "Mapping::is_empty")]
    global: Mapping,
    route: RouteY,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    inhibit_rules: Vec<InhibitY>,
    receivers: Vec<Value>,
    templates: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    time_intervals: Vec<TimeIntervalY>,
}

#[derive(Serialize)]
struct TimeIntervalY {
    name: String,
    time_intervals: Vec<PeriodY>,
}

#[derive(Serialize)]
struct PeriodY {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    times: Vec<TimeRangeY>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    weekdays: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    days_of_month: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    months: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    years: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<String>,
}

#[derive(Serialize)]
struct TimeRangeY {
    start_time: String,
    end_time: String,
}

#[derive(Serialize)]
struct RouteY {
    #[serde(skip_serializing_if = "Option::is_none")]
    receiver: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    matchers: Vec<String>,
    #[serde(rename = "continue", skip_serializing_if = "is_false")]
    continue_: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    group_by: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group_wait: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group_interval: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    repeat_interval: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    mute_time_intervals: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    active_time_intervals: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    routes: Vec<RouteY>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Serialize)]
struct InhibitY {
    source_matchers: Vec<String>,
    target_matchers: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    equal: Vec<String>,
}

pub(super) fn emit(model: &Model) -> Vec<Artifact> {
    if model.receivers.is_empty() {
        return Vec::new();
    }
    let config = Config {
        global: super::receivers::settings(&model.alertmanager.settings),
        route: route(model, &model.routing.root),
        inhibit_rules: model
            .inhibits
            .iter()
            .map(|i| InhibitY {
                source_matchers: i.source.iter().map(Matcher::to_string).collect(),
                target_matchers: i.target.iter().map(Matcher::to_string).collect(),
                equal: i.equal.clone(),
            })
            .collect(),
        receivers: model
            .receivers
            .iter()
            .map(|r| super::receivers::receiver(r, model))
            .collect(),
        templates: std::iter::once(TEMPLATES.to_string())
            .chain(model.alertmanager.templates.iter().map(|t| t.path.clone()))
            .collect(),
        time_intervals: model
            .time_intervals
            .iter()
            .map(|t| TimeIntervalY {
                name: t.name.clone(),
                time_intervals: t
                    .periods
                    .iter()
                    .map(|p| PeriodY {
                        times: p
                            .text
                            .times
                            .iter()
                            .filter_map(|r| r.split_once('-'))
                            .map(|(a, b)| TimeRangeY {
                                start_time: a.trim().to_string(),
                                end_time: b.trim().to_string(),
                            })
                            .collect(),
                        weekdays: p.text.weekdays.clone(),
                        days_of_month: p.text.days_of_month.clone(),
                        months: p.text.months.clone(),
                        years: p.text.years.clone(),
                        location: p.text.location.clone(),
                    })
                    .collect(),
            })
            .collect(),
    };
    let mut artifacts = vec![Artifact {
        path: "alertmanager/alertmanager.yml".into(),
        bytes: (header("the routing, receivers and inhibitions of the source") + &yaml(&config))
            .into_bytes(),
    }];
    artifacts.push(Artifact {
        path: format!("alertmanager/{TEMPLATES}"),
        bytes: super::notification_templates::text(
            &model
                .severities
                .iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>(),
        )
        .into_bytes(),
    });
    // The source's template files, as written: Alertmanager reads them beside the config.
    artifacts.extend(model.alertmanager.templates.iter().map(|t| Artifact {
        path: format!("alertmanager/{}", t.path),
        bytes: t.text.clone().into_bytes(),
    }));
    if !model.route_tests.is_empty() {
        artifacts.push(Artifact {
            path: "alertmanager/route-tests.sh".into(),
            bytes: route_tests(model).into_bytes(),
        });
    }
    artifacts
}

fn route(model: &Model, r: &Route) -> RouteY {
    let Timing {
        group_by,
        group_wait,
        group_interval,
        repeat_interval,
    } = &r.timing;
    RouteY {
        receiver: r.receiver.map(|i| model.receivers[i].name.clone()),
        matchers: r.matchers.iter().map(Matcher::to_string).collect(),
        continue_: r.continue_,
        group_by: group_by.clone(),
        group_wait: group_wait.map(|d| d.to_string()),
        group_interval: group_interval.map(|d| d.to_string()),
        repeat_interval: repeat_interval.map(|d| d.to_string()),
        mute_time_intervals: r
            .mute
            .iter()
            .map(|i| model.time_intervals[*i].name.clone())
            .collect(),
        active_time_intervals: r
            .active
            .iter()
            .map(|i| model.time_intervals[*i].name.clone())
            .collect(),
        routes: r.routes.iter().map(|c| route(model, c)).collect(),
    }
}

/// A POSIX shell script with one amtool call per route test; it stops at the first failure.
fn route_tests(model: &Model) -> String {
    let mut script = String::from("#!/bin/sh\n");
    script.push_str(&header("the route tests of the source"));
    script.push_str(
        "# Runs every route test through `amtool config routes test`; exits non-zero on the first\n\
         # alert that reaches other receivers than its test expects.\nset -eu\ncd \"$(dirname \"$0\")\"\n",
    );
    for test in &model.route_tests {
        let receivers = route_tree::route(&model.routing.root, &test.labels).receivers;
        let names: Vec<&str> = receivers
            .iter()
            .map(|r| model.receivers[*r].name.as_str())
            .collect();
        let title: String = test
            .name
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        script.push_str(&format!("\n# {title}\n"));
        script.push_str(&format!(
            "amtool config routes test --config.file=alertmanager.yml --verify.receivers={}{}\n",
            quote(&names.join(",")),
            labels(&test.labels)
        ));
    }
    script
}

/// Each label as amtool reads a matcher, `name="value"` with the value escaped, then quoted
/// for the shell: no value can break out of either.
fn labels(labels: &Labels) -> String {
    labels
        .iter()
        .map(|(k, v)| format!(" {}", quote(&format!("{k}=\"{}\"", escape_string(v)))))
        .collect()
}

/// Single-quotes a word for the shell.
fn quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', "'\\''"))
}
