//! prometheus-operator: one `PrometheusRule` resource per rule file,
//! `prometheus-operator/<stem>.yaml`, with the target's namespace and labels. Its `spec` is
//! the very groups of the plain rule file.

use super::rule_files::{self, field, map, pairs, GroupExtras};
use super::{header, Artifact};
use crate::parse::ast::QueryLanguage;
use crate::resolve::model::Model;

pub(super) fn emit(model: &Model) -> Vec<Artifact> {
    let Some(target) = &model.targets.operator else {
        return Vec::new();
    };
    let project = crate::anchor::slug(&model.project.name);
    rule_files::collect(model, QueryLanguage::PromQl)
        .iter()
        .map(|(stem, groups)| {
            let mut text = header(&format!("{stem}.wb"));
            text.push_str(
                "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n",
            );
            field(&mut text, "  name: ", &resource_name(&[&project, stem]));
            if let Some(ns) = &target.namespace {
                field(&mut text, "  namespace: ", ns);
            }
            if !target.labels.is_empty() {
                map(&mut text, "  ", "labels", pairs(&target.labels));
            }
            text.push_str("spec:\n");
            let mut spec = String::new();
            let extras = GroupExtras {
                prometheus_fields: true,
                ..GroupExtras::default()
            };
            rule_files::groups(&mut spec, groups, extras);
            text.push_str(&rule_files::indented(&spec, 2));
            Artifact {
                path: format!("prometheus-operator/{stem}.yaml"),
                bytes: text.into_bytes(),
            }
        })
        .collect()
}

/// A Kubernetes object name from parts: lowercase letters, digits and `-`, at most 253.
pub(super) fn resource_name(parts: &[&str]) -> String {
    let mut out = String::new();
    for c in parts.join("-").chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let mut out = out.trim_end_matches('-').to_string();
    out.truncate(253);
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "rules".to_string()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_kubernetes_names() {
        assert_eq!(
            resource_name(&["octollm", "alerts/services"]),
            "octollm-alerts-services"
        );
        assert_eq!(resource_name(&["My Project", "a_b.c"]), "my-project-a-b-c");
        assert_eq!(resource_name(&["", "--"]), "rules");
    }
}
