//! Prometheus rule files: one per source file, one group each, recording rules then alerts.

use super::{header, yaml, Artifact};
use crate::resolve::model::{Labels, Model};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
struct RuleFile<'a> {
    groups: Vec<Group<'a>>,
}

#[derive(Serialize)]
struct Group<'a> {
    name: String,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Rule<'a> {
    Record {
        record: &'a str,
        expr: &'a str,
        #[serde(skip_serializing_if = "BTreeMap::is_empty")]
        labels: &'a Labels,
    },
    Alert {
        alert: &'a str,
        expr: &'a str,
        #[serde(rename = "for", skip_serializing_if = "Option::is_none")]
        for_: Option<String>,
        labels: &'a Labels,
        annotations: &'a Labels,
    },
}

/// The generated rule file of a source file stem, relative to the output directory.
pub(super) fn path(stem: &str) -> String {
    format!("prometheus/{stem}.rules.yml")
}

/// The rule group name of a source file stem.
pub(super) fn group_name(stem: &str) -> String {
    stem.replace('/', "-")
}

pub(super) fn emit(model: &Model) -> Vec<Artifact> {
    let mut groups: BTreeMap<&str, Vec<Rule>> = BTreeMap::new();
    for record in &model.records {
        let rules = groups.entry(&record.group).or_default();
        rules.extend(record.rules.iter().map(|r| Rule::Record {
            record: &record.name,
            expr: &r.expr,
            labels: &r.labels,
        }));
    }
    for alert in &model.alerts {
        let rules = groups.entry(&alert.group).or_default();
        rules.extend(
            alert
                .rules
                .iter()
                .chain(&alert.escalations)
                .map(|r| Rule::Alert {
                    alert: &alert.name,
                    expr: &r.expr,
                    for_: r.for_.map(|f| f.to_string()),
                    labels: &r.labels,
                    annotations: &r.annotations,
                }),
        );
    }
    groups
        .into_iter()
        .map(|(stem, rules)| {
            let file = RuleFile {
                groups: vec![Group {
                    name: group_name(stem),
                    rules,
                }],
            };
            let text = header(&format!("{stem}.wb")) + &yaml(&file);
            Artifact {
                path: path(stem),
                bytes: text.into_bytes(),
            }
        })
        .collect()
}
