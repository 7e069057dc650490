//! Pyrra's `ServiceLevelObjective` resources (`pyrra.dev/v1alpha1`) as Pyrra reads them, in
//! Kubernetes or from files. A field Pyrra does not know is refused, so that nothing is
//! dropped; the resource's status is ignored.

use super::ImportError;
use serde::Deserialize;
use std::collections::BTreeMap;
use yaml_serde::Value;

/// One `ServiceLevelObjective`.
#[derive(Debug)]
pub(crate) struct Objective {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    pub spec: Spec,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Spec {
    #[serde(default)]
    pub description: Option<String>,
    pub target: Value,
    pub window: String,
    pub indicator: Indicator,
    #[serde(default)]
    pub alerting: Alerting,
    #[serde(default)]
    pub partial_response_strategy: Option<String>,
    #[serde(default, rename = "performanceOverAccuracy")]
    pub performance_over_accuracy: bool,
    #[serde(default, rename = "ruleOutput")]
    pub rule_output: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Indicator {
    #[serde(default)]
    pub ratio: Option<Ratio>,
    #[serde(default)]
    pub latency: Option<Latency>,
    #[serde(default, rename = "latencyNative")]
    pub latency_native: Option<LatencyNative>,
    #[serde(default)]
    pub bool_gauge: Option<BoolGauge>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Query {
    pub metric: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Ratio {
    pub errors: Query,
    pub total: Query,
    #[serde(default)]
    pub grouping: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Latency {
    pub success: Query,
    pub total: Query,
    #[serde(default)]
    pub grouping: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LatencyNative {
    pub total: Query,
    pub latency: String,
    #[serde(default)]
    pub grouping: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BoolGauge {
    pub metric: String,
    #[serde(default)]
    pub grouping: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Alerting {
    #[serde(default)]
    pub disabled: Option<bool>,
    #[serde(default)]
    pub burnrates: Option<bool>,
    #[serde(default)]
    pub absent: Option<bool>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, rename = "absentName")]
    pub absent_name: Option<String>,
    #[serde(default)]
    pub severities: Severities,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Severities {
    #[serde(default)]
    pub absent: Option<String>,
    #[serde(default, rename = "fastBurn")]
    pub fast_burn: Option<String>,
    #[serde(default, rename = "mediumBurn")]
    pub medium_burn: Option<String>,
    #[serde(default, rename = "slowBurn")]
    pub slow_burn: Option<String>,
    #[serde(default, rename = "longTermBurn")]
    pub long_term_burn: Option<String>,
}

/// Every objective of a file (several documents, or a `List` of them). `path` names the file
/// in messages.
pub(crate) fn read(path: &str, text: &str) -> Result<Vec<Objective>, ImportError> {
    let bad = |reason: String| ImportError::NotPyrra {
        path: path.to_string(),
        reason,
    };
    let mut out = Vec::new();
    for document in yaml_serde::Deserializer::from_str(text) {
        let value: Value = Deserialize::deserialize(document).map_err(|e| bad(e.to_string()))?;
        if value.is_null() {
            continue;
        }
        let kind = value.get("kind").and_then(Value::as_str).unwrap_or("");
        if kind == "List" || kind == "ServiceLevelObjectiveList" {
            for item in value
                .get("items")
                .and_then(Value::as_sequence)
                .into_iter()
                .flatten()
            {
                out.push(objective(item, &bad)?);
            }
        } else {
            out.push(objective(&value, &bad)?);
        }
    }
    if out.is_empty() {
        return Err(bad("it is empty".into()));
    }
    Ok(out)
}

fn objective(
    value: &Value,
    bad: &impl Fn(String) -> ImportError,
) -> Result<Objective, ImportError> {
    let field = |name: &str| value.get(name).and_then(Value::as_str).unwrap_or("");
    let (api, kind) = (field("apiVersion"), field("kind"));
    if !api.starts_with("pyrra.dev/") || kind != "ServiceLevelObjective" {
        return Err(bad(format!(
            "`{api}` `{kind}` is not a Pyrra `ServiceLevelObjective` (`pyrra.dev/v1alpha1`)"
        )));
    }
    let metadata = value.get("metadata");
    let name = metadata
        .and_then(|m| m.get("name"))
        .and_then(Value::as_str)
        .ok_or_else(|| bad("an objective without `metadata.name`".into()))?
        .to_string();
    let strings = |key: &str| -> BTreeMap<String, String> {
        metadata
            .and_then(|m| m.get(key))
            .and_then(Value::as_mapping)
            .into_iter()
            .flatten()
            .filter_map(|(k, v)| Some((k.as_str()?.to_string(), super::scalar(v)?)))
            .collect()
    };
    let spec = value
        .get("spec")
        .cloned()
        .ok_or_else(|| bad(format!("the objective `{name}` has no `spec`")))?;
    let spec: Spec =
        yaml_serde::from_value(spec).map_err(|e| bad(format!("in the spec of `{name}`: {e}")))?;
    Ok(Objective {
        labels: strings("labels"),
        annotations: strings("annotations"),
        name,
        spec,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objectives_read_from_documents_and_lists() {
        let one = "apiVersion: pyrra.dev/v1alpha1\nkind: ServiceLevelObjective\nmetadata: {name: a, labels: {pyrra.dev/team: x}}\nspec:\n  target: '99'\n  window: 4w\n  indicator: {bool_gauge: {metric: up}}\n";
        let list = format!("kind: List\nitems:\n- {}", one.replace('\n', "\n  "));
        for text in [one.to_string(), list] {
            let read = read("x.yaml", &text).unwrap();
            assert_eq!(read[0].name, "a");
            assert_eq!(read[0].labels["pyrra.dev/team"], "x");
            assert_eq!(
                read[0].spec.indicator.bool_gauge.as_ref().unwrap().metric,
                "up"
            );
        }
    }

    #[test]
    fn unknown_fields_and_other_kinds_are_refused() {
        let typo = "apiVersion: pyrra.dev/v1alpha1\nkind: ServiceLevelObjective\nmetadata: {name: a}\nspec: {target: '99', window: 4w, indicator: {}, alertin: {}}\n";
        assert!(read("x.yaml", typo).is_err());
        assert!(read("x.yaml", "groups: []\n").is_err());
    }
}
