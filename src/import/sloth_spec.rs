//! Sloth's SLO specs as Sloth reads them: `prometheus/v1` documents, the Kubernetes
//! `PrometheusServiceLevel` resource (the same spec, camelCase), and `AlertWindows` (a period
//! and its burn windows). A field Sloth does not know is refused, so that nothing is dropped.

use super::ImportError;
use serde::Deserialize;
use std::collections::BTreeMap;
use yaml_serde::Value;

pub(crate) type Labels = BTreeMap<String, String>;

/// Labels as Sloth reads them: `generated: true` and `le: 0.2` are the strings they print as.
fn labels<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Labels, D::Error> {
    let map: BTreeMap<String, Value> = Deserialize::deserialize(d)?;
    map.into_iter()
        .map(|(k, v)| {
            let text = match v {
                Value::String(s) => s,
                Value::Bool(b) => b.to_string(),
                Value::Number(n) => n.to_string(),
                Value::Null => String::new(),
                _ => {
                    return Err(serde::de::Error::custom(format!(
                        "label `{k}` is not a string"
                    )))
                }
            };
            Ok((k, text))
        })
        .collect()
}

/// One service's SLOs: a `prometheus/v1` document or a `PrometheusServiceLevel`'s spec.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Spec {
    #[serde(default)]
    pub version: Option<String>,
    pub service: String,
    #[serde(default, deserialize_with = "labels")]
    pub labels: Labels,
    #[serde(default, alias = "sloPlugins")]
    pub slo_plugins: Option<Value>,
    #[serde(default)]
    pub slos: Vec<Slo>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Slo {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    pub objective: f64,
    #[serde(default)]
    pub plugins: Option<Value>,
    #[serde(default, deserialize_with = "labels")]
    pub labels: Labels,
    pub sli: Sli,
    #[serde(default)]
    pub alerting: Alerting,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Sli {
    #[serde(default)]
    pub raw: Option<Raw>,
    #[serde(default)]
    pub events: Option<Events>,
    #[serde(default)]
    pub plugin: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Raw {
    #[serde(alias = "errorRatioQuery")]
    pub error_ratio_query: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Events {
    #[serde(alias = "errorQuery")]
    pub error_query: String,
    #[serde(alias = "totalQuery")]
    pub total_query: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Alerting {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "labels")]
    pub labels: Labels,
    #[serde(default, deserialize_with = "labels")]
    pub annotations: Labels,
    #[serde(default, alias = "pageAlert")]
    pub page_alert: Alert,
    #[serde(default, alias = "ticketAlert")]
    pub ticket_alert: Alert,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Alert {
    #[serde(default)]
    pub disable: bool,
    #[serde(default, deserialize_with = "labels")]
    pub labels: Labels,
    #[serde(default, deserialize_with = "labels")]
    pub annotations: Labels,
}

/// `AlertWindows`: the period and, per kind, a quick and a slow window pair.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct Windows {
    pub slo_period: String,
    pub page: WindowPair,
    pub ticket: WindowPair,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WindowPair {
    pub quick: Window,
    pub slow: Window,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct Window {
    pub error_budget_percent: f64,
    pub short_window: String,
    pub long_window: String,
}

/// One document of a spec file.
#[derive(Debug)]
pub(crate) enum Document {
    /// A spec, and the resource's name when it came as a `PrometheusServiceLevel`.
    Spec(Spec, Option<String>),
    Windows(Windows),
}

/// Every document of a file. `path` names the file in messages.
pub(crate) fn read(path: &str, text: &str) -> Result<Vec<Document>, ImportError> {
    let bad = |reason: String| ImportError::NotSlothSpec {
        path: path.to_string(),
        reason,
    };
    let mut documents = Vec::new();
    for document in yaml_serde::Deserializer::from_str(text) {
        let value: Value = Deserialize::deserialize(document).map_err(|e| bad(e.to_string()))?;
        if value.is_null() {
            continue;
        }
        let field = |name: &str| value.get(name).and_then(Value::as_str).map(str::to_string);
        let kind = field("kind");
        let api = field("apiVersion");
        let spec = value.get("spec").cloned().unwrap_or(Value::Null);
        match (api.as_deref(), kind.as_deref()) {
            (Some("sloth.slok.dev/v1"), Some("PrometheusServiceLevel")) => {
                let name = value
                    .get("metadata")
                    .and_then(|m| m.get("name"))
                    .and_then(Value::as_str)
                    .map(str::to_string);
                let spec: Spec = yaml_serde::from_value(spec)
                    .map_err(|e| bad(format!("in its spec: {e}")))?;
                documents.push(Document::Spec(spec, name));
            }
            (Some("sloth.slok.dev/v1"), Some("AlertWindows")) => {
                let windows: Windows = yaml_serde::from_value(spec)
                    .map_err(|e| bad(format!("in its spec: {e}")))?;
                documents.push(Document::Windows(windows));
            }
            (None, None) => match field("version").as_deref() {
                Some("prometheus/v1") => {
                    let spec: Spec =
                        yaml_serde::from_value(value).map_err(|e| bad(e.to_string()))?;
                    documents.push(Document::Spec(spec, None));
                }
                Some(other) => {
                    return Err(bad(format!(
                        "version `{other}` is not one the import reads (`prometheus/v1`)"
                    )))
                }
                None => return Err(bad("no `version: prometheus/v1` and no `kind`".into())),
            },
            (api, kind) => {
                return Err(bad(format!(
                    "`{}` `{}` is not a Sloth spec (`prometheus/v1`, `PrometheusServiceLevel` or `AlertWindows`)",
                    api.unwrap_or(""),
                    kind.unwrap_or("")
                )))
            }
        }
    }
    if documents.is_empty() {
        return Err(bad("it is empty".into()));
    }
    Ok(documents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_spellings_read_alike() {
        let plain = "version: prometheus/v1\nservice: s\nslos:\n- name: a\n  objective: 99\n  sli: {raw: {error_ratio_query: q}}\n  alerting: {name: A, page_alert: {disable: true}}\n";
        let k8s = "apiVersion: sloth.slok.dev/v1\nkind: PrometheusServiceLevel\nmetadata: {name: r}\nspec:\n  service: s\n  slos:\n  - name: a\n    objective: 99\n    sli: {raw: {errorRatioQuery: q}}\n    alerting: {name: A, pageAlert: {disable: true}}\n";
        for text in [plain, k8s] {
            let docs = read("x.yml", text).unwrap();
            let Document::Spec(spec, _) = &docs[0] else {
                panic!("not a spec")
            };
            assert_eq!(
                spec.slos[0].sli.raw.as_ref().unwrap().error_ratio_query,
                "q"
            );
            assert!(spec.slos[0].alerting.page_alert.disable);
        }
    }

    #[test]
    fn unknown_fields_and_other_files_are_refused() {
        let typo = "version: prometheus/v1\nservice: s\nslos:\n- name: a\n  objectiv: 99\n";
        assert!(read("x.yml", typo).is_err());
        assert!(read("x.yml", "groups: []\n").is_err());
    }
}
