//! Prometheus rule files as Prometheus reads them: `groups:` documents, and
//! prometheus-operator `PrometheusRule` resources (their `spec`), one or many documents a file.
//! Every field is kept as written; a field Prometheus does not know is refused, as Prometheus
//! refuses it.

use super::ImportError;
use std::collections::BTreeMap;
use yaml_serde::Value;

pub(crate) type Labels = BTreeMap<String, String>;

/// One rule group, its settings as written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Group {
    pub name: String,
    pub interval: Option<String>,
    pub limit: Option<String>,
    pub query_offset: Option<String>,
    pub labels: Labels,
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    Alert,
    Record,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Rule {
    pub kind: Kind,
    /// The alert's or the recorded metric's name.
    pub name: String,
    pub expr: String,
    pub for_: Option<String>,
    pub keep_firing_for: Option<String>,
    pub labels: Labels,
    pub annotations: Labels,
}

impl Rule {
    /// `alert `X`` or `recording rule `x``, for messages.
    pub(crate) fn described(&self) -> String {
        match self.kind {
            Kind::Alert => format!("alert `{}`", self.name),
            Kind::Record => format!("recording rule `{}`", self.name),
        }
    }
}

/// Where a document came from: a plain rule file, or a `PrometheusRule` with its name.
#[derive(Debug, Clone)]
pub(crate) struct Document {
    pub resource: Option<String>,
    pub groups: Vec<Group>,
}

/// Whether a file is a `promtool test rules` file: `rule_files:` at its top.
pub(crate) fn is_unit_test(text: &str) -> bool {
    yaml_serde::from_str::<Value>(text)
        .ok()
        .and_then(|v| v.as_mapping().map(|m| m.contains_key("rule_files")))
        .unwrap_or(false)
}

/// Every document of a file. `path` names the file in messages.
pub(crate) fn read(path: &str, text: &str) -> Result<Vec<Document>, ImportError> {
    let bad = |reason: String| ImportError::NotRuleFile {
        path: path.to_string(),
        reason,
    };
    let mut documents = Vec::new();
    for document in yaml_serde::Deserializer::from_str(text) {
        let value: Value =
            serde::Deserialize::deserialize(document).map_err(|e| bad(e.to_string()))?;
        if value.is_null() {
            continue;
        }
        let map = value
            .as_mapping()
            .ok_or_else(|| bad("a document is not a mapping".into()))?;
        let kind = map.get("kind").and_then(Value::as_str);
        let (resource, groups) = match kind {
            Some("PrometheusRule") => {
                let metadata = map.get("metadata");
                let name = metadata
                    .and_then(|m| m.get("name"))
                    .and_then(Value::as_str)
                    .unwrap_or("");
                let namespace = metadata
                    .and_then(|m| m.get("namespace"))
                    .and_then(Value::as_str);
                let shown = match namespace {
                    Some(ns) => format!("{ns}/{name}"),
                    None => name.to_string(),
                };
                let groups = map
                    .get("spec")
                    .and_then(|s| s.get("groups"))
                    .ok_or_else(|| bad(format!("PrometheusRule `{shown}` has no spec.groups")))?;
                (Some(shown), groups)
            }
            Some(other) => return Err(bad(format!("`kind: {other}` holds no rule groups"))),
            None => {
                for key in map.keys() {
                    if key.as_str() != Some("groups") {
                        return Err(bad(format!(
                            "unknown top-level field `{}`",
                            scalar(key).unwrap_or_default()
                        )));
                    }
                }
                let groups = map
                    .get("groups")
                    .ok_or_else(|| bad("no `groups:`".into()))?;
                (None, groups)
            }
        };
        let groups = match groups {
            Value::Sequence(items) => items
                .iter()
                .map(|g| group(path, g))
                .collect::<Result<Vec<_>, _>>()?,
            Value::Null => Vec::new(),
            _ => return Err(bad("`groups` is not a list".into())),
        };
        documents.push(Document { resource, groups });
    }
    if documents.is_empty() {
        return Err(bad("the file holds no rule groups".into()));
    }
    Ok(documents)
}

/// A scalar as Prometheus' YAML reader turns it into a string.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn group(path: &str, value: &Value) -> Result<Group, ImportError> {
    let bad = |reason: String| ImportError::NotRuleFile {
        path: path.to_string(),
        reason,
    };
    let map = value
        .as_mapping()
        .ok_or_else(|| bad("a group is not a mapping".into()))?;
    let name = map
        .get("name")
        .and_then(scalar)
        .ok_or_else(|| bad("a group has no name".into()))?;
    let mut group = Group {
        name: name.clone(),
        interval: None,
        limit: None,
        query_offset: None,
        labels: Labels::new(),
        rules: Vec::new(),
    };
    for (key, value) in map {
        let key = scalar(key).unwrap_or_default();
        let text = || {
            scalar(value).ok_or_else(|| bad(format!("`{key}` of group `{name}` is not a value")))
        };
        match key.as_str() {
            "name" => {}
            "interval" => group.interval = Some(text()?),
            "limit" => group.limit = Some(text()?),
            "query_offset" => group.query_offset = Some(text()?),
            "labels" => group.labels = string_map(path, value, &format!("group `{name}`"))?,
            "rules" => {
                if let Value::Sequence(rules) = value {
                    for (i, r) in rules.iter().enumerate() {
                        group.rules.push(rule(path, &name, i + 1, r)?);
                    }
                }
            }
            other => {
                return Err(ImportError::Unsupported {
                    path: path.to_string(),
                    group: name.clone(),
                    rule: None,
                    what: format!("the group field `{other}`, which Prometheus does not read"),
                })
            }
        }
    }
    Ok(group)
}

fn rule(path: &str, group: &str, position: usize, value: &Value) -> Result<Rule, ImportError> {
    let bad = |reason: String| ImportError::NotRuleFile {
        path: path.to_string(),
        reason: format!("rule {position} of group `{group}`: {reason}"),
    };
    let map = value
        .as_mapping()
        .ok_or_else(|| bad("not a mapping".into()))?;
    let get = |key: &str| map.get(key).and_then(scalar);
    let (kind, name) = match (get("alert"), get("record")) {
        (Some(a), None) => (Kind::Alert, a),
        (None, Some(r)) => (Kind::Record, r),
        _ => return Err(bad("a rule has exactly one of `alert` and `record`".into())),
    };
    let expr = get("expr").ok_or_else(|| bad(format!("`{name}` has no `expr`")))?;
    let owner = format!("`{name}` in group `{group}`");
    let mut out = Rule {
        kind,
        name: name.clone(),
        expr,
        for_: get("for"),
        keep_firing_for: get("keep_firing_for"),
        labels: Labels::new(),
        annotations: Labels::new(),
    };
    for (key, value) in map {
        let key = scalar(key).unwrap_or_default();
        match key.as_str() {
            "alert" | "record" | "expr" => {}
            "for" | "keep_firing_for" | "annotations" if out.kind == Kind::Record => {
                return Err(bad(format!("recording rule `{name}` has `{key}`")));
            }
            "for" | "keep_firing_for" => {}
            "labels" => out.labels = string_map(path, value, &owner)?,
            "annotations" => out.annotations = string_map(path, value, &owner)?,
            other => {
                return Err(ImportError::Unsupported {
                    path: path.to_string(),
                    group: group.to_string(),
                    rule: Some(out.described()),
                    what: format!("the rule field `{other}`, which Prometheus does not read"),
                })
            }
        }
    }
    Ok(out)
}

fn string_map(path: &str, value: &Value, owner: &str) -> Result<Labels, ImportError> {
    let bad = |reason: String| ImportError::NotRuleFile {
        path: path.to_string(),
        reason: format!("{owner}: {reason}"),
    };
    match value {
        Value::Null => Ok(Labels::new()),
        Value::Mapping(map) => map
            .iter()
            .map(|(k, v)| {
                let key = scalar(k).ok_or_else(|| bad("a key is not a string".into()))?;
                let value = match v {
                    Value::Null => String::new(),
                    v => scalar(v).ok_or_else(|| bad(format!("`{key}` is not a string")))?,
                };
                Ok((key, value))
            })
            .collect(),
        _ => Err(bad("labels and annotations are mappings".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_plain_files_and_prometheus_rule_resources() {
        let plain = "groups:\n- name: a\n  interval: 1m\n  rules:\n  - alert: X\n    expr: up == 0\n    for: 5m\n    labels: {severity: critical, priority: 1}\n  - record: job:up:sum\n    expr: sum by (job) (up)\n";
        let docs = read("a.yml", plain).unwrap();
        let g = &docs[0].groups[0];
        assert_eq!(g.interval.as_deref(), Some("1m"));
        assert_eq!(g.rules.len(), 2);
        assert_eq!(g.rules[0].labels["priority"], "1");
        assert_eq!(g.rules[1].kind, Kind::Record);
        let resource = "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: r, namespace: m}\nspec:\n  groups:\n  - name: b\n    rules: []\n---\nkind: PrometheusRule\nmetadata: {name: s}\nspec: {groups: [{name: c, rules: []}]}\n";
        let docs = read("r.yml", resource).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].resource.as_deref(), Some("m/r"));
        assert_eq!(docs[1].groups[0].name, "c");
    }

    #[test]
    fn refuses_what_prometheus_refuses() {
        let unknown = "groups:\n- name: a\n  partial_response_strategy: warn\n  rules: []\n";
        assert!(matches!(
            read("a.yml", unknown),
            Err(ImportError::Unsupported { .. })
        ));
        assert!(read("a.yml", "groups:\n- name: a\n  rules:\n  - expr: up\n").is_err());
        assert!(read("a.yml", "kind: ConfigMap\n").is_err());
        assert!(read("a.yml", "").is_err());
    }
}
