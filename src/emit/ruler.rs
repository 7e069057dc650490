//! Scale-out rulers. Mimir and Cortex: `<kind>/<tenant>/<namespace>.yaml` in the layout
//! `mimirtool rules sync` and `cortextool rules sync` read (`namespace:` and `groups:`), one
//! namespace per source file unless the target names one for all. Loki:
//! `loki/<tenant>/<stem>.yaml`, the LogQL rules in the layout of Loki's local rule storage
//! (a tenant's directory, a file per namespace).

use super::rule_files::{self, field, GroupExtras, RuleFile};
use super::{header, Artifact};
use crate::parse::ast::QueryLanguage;
use crate::resolve::model::{Model, RulerTarget};

pub(super) fn emit(model: &Model) -> Vec<Artifact> {
    let mut out = Vec::new();
    let promql = [
        ("mimir", &model.targets.mimir),
        ("cortex", &model.targets.cortex),
    ];
    if promql.iter().any(|(_, t)| t.is_some()) {
        let files = rule_files::collect(model, QueryLanguage::PromQl);
        for (kind, target) in promql {
            if let Some(target) = target {
                out.extend(namespaces(kind, target, &files));
            }
        }
    }
    if let Some(loki) = &model.targets.loki {
        let extras = GroupExtras::default();
        for (stem, groups) in rule_files::collect(model, QueryLanguage::LogQl) {
            let mut text = header(&format!("{stem}.wb"));
            rule_files::groups(&mut text, &groups, extras);
            out.push(Artifact {
                path: format!("loki/{}/{}.yaml", loki.tenant, stem.replace('/', "-")),
                bytes: text.into_bytes(),
            });
        }
    }
    out
}

/// One file per namespace: the target's single one, or each source file's.
fn namespaces(kind: &str, target: &RulerTarget, files: &[RuleFile]) -> Vec<Artifact> {
    let extras = GroupExtras {
        prometheus_fields: true,
        ..GroupExtras::default()
    };
    let mut out = Vec::new();
    let mut single = String::new();
    for (stem, groups) in files {
        if target.namespace.is_some() {
            rule_files::items(&mut single, groups, extras);
            continue;
        }
        let namespace = stem.replace('/', "-");
        let mut text = header(&format!("{stem}.wb"));
        field(&mut text, "namespace: ", &namespace);
        rule_files::groups(&mut text, groups, extras);
        out.push(Artifact {
            path: format!("{kind}/{}/{namespace}.yaml", target.tenant),
            bytes: text.into_bytes(),
        });
    }
    if let Some(namespace) = &target.namespace {
        // One `groups:` list: the files' lists joined.
        let mut text = header("the rules directory");
        field(&mut text, "namespace: ", namespace);
        text.push_str("groups:\n");
        text.push_str(&single);
        out.push(Artifact {
            path: format!("{kind}/{}/{namespace}.yaml", target.tenant),
            bytes: text.into_bytes(),
        });
    }
    out
}
