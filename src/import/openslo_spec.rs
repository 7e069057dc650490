//! OpenSLO documents as the specification writes them: `openslo/v1` (Service, SLO, SLI,
//! AlertPolicy, AlertCondition, AlertNotificationTarget, DataSource) and the `openslo/v1alpha`
//! SLOs that Sloth reads. Fields the specification does not have are refused.

use super::ImportError;
use serde::Deserialize;
use yaml_serde::Value;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct Metadata {
    pub name: String,
    #[serde(default)]
    pub display_name: Option<String>,
    // Metadata: accepted, and with no bearing on the rules.
    #[serde(default, rename = "labels")]
    _labels: Option<Value>,
    #[serde(default, rename = "annotations")]
    _annotations: Option<Value>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct Slo {
    #[serde(default)]
    pub description: Option<String>,
    pub service: String,
    #[serde(default)]
    pub indicator: Option<Sli>,
    #[serde(default)]
    pub indicator_ref: Option<String>,
    #[serde(default)]
    pub time_window: Vec<TimeWindow>,
    #[serde(default)]
    pub budgeting_method: Option<String>,
    pub objectives: Vec<Objective>,
    #[serde(default)]
    pub alert_policies: Vec<PolicyRef>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct TimeWindow {
    pub duration: String,
    #[serde(default)]
    pub is_rolling: Option<bool>,
    #[serde(default)]
    pub calendar: Option<Value>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct Objective {
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub op: Option<String>,
    #[serde(default)]
    pub value: Option<f64>,
    #[serde(default)]
    pub target: Option<f64>,
    #[serde(default)]
    pub target_percent: Option<f64>,
    #[serde(default)]
    pub time_slice_target: Option<f64>,
    #[serde(default)]
    pub time_slice_window: Option<Value>,
    #[serde(default)]
    pub indicator: Option<Value>,
    #[serde(default)]
    pub indicator_ref: Option<String>,
    #[serde(default)]
    pub composite_weight: Option<f64>,
}

/// An SLI: inline in an SLO (`metadata` and `spec`) or a document of its own.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Sli {
    #[serde(rename = "metadata")]
    _metadata: Metadata,
    pub spec: SliSpec,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct SliSpec {
    #[serde(default)]
    #[serde(rename = "description")]
    _description: Option<String>,
    #[serde(default)]
    pub threshold_metric: Option<Metric>,
    #[serde(default)]
    pub ratio_metric: Option<RatioMetric>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct RatioMetric {
    #[serde(default)]
    pub counter: Option<bool>,
    #[serde(default)]
    pub good: Option<Metric>,
    #[serde(default)]
    pub bad: Option<Metric>,
    #[serde(default)]
    pub total: Option<Metric>,
    #[serde(default)]
    pub raw_type: Option<String>,
    #[serde(default)]
    pub raw: Option<Metric>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct Metric {
    pub metric_source: MetricSource,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct MetricSource {
    #[serde(default)]
    pub metric_source_ref: Option<String>,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub spec: Option<Value>,
}

/// `alertPolicies:` items: a reference, or the policy inline.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum PolicyRef {
    Ref {
        #[serde(rename = "alertPolicyRef")]
        alert_policy_ref: String,
    },
    Name(String),
    Inline(Box<Document>),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct AlertPolicy {
    #[serde(default)]
    #[serde(rename = "description")]
    _description: Option<String>,
    #[serde(default)]
    pub alert_when_no_data: bool,
    #[serde(default)]
    pub alert_when_resolved: bool,
    #[serde(default = "yes")]
    pub alert_when_breaching: bool,
    pub conditions: Vec<ConditionRef>,
    #[serde(default)]
    pub notification_targets: Vec<TargetRef>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum ConditionRef {
    Ref {
        #[serde(rename = "conditionRef")]
        condition_ref: String,
    },
    Inline(Box<Document>),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum TargetRef {
    Ref {
        #[serde(rename = "targetRef")]
        target_ref: String,
    },
    Inline(Box<Document>),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct AlertCondition {
    #[serde(default)]
    #[serde(rename = "description")]
    _description: Option<String>,
    pub severity: String,
    pub condition: Condition,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct Condition {
    #[serde(default)]
    pub kind: Option<String>,
    pub op: String,
    pub threshold: f64,
    pub lookback_window: String,
    #[serde(default)]
    pub alert_after: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct NotificationTarget {
    pub target: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct DataSource {
    #[serde(default)]
    #[serde(rename = "description")]
    _description: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    #[serde(rename = "connectionDetails")]
    _connection_details: Option<Value>,
}

/// An `openslo/v1alpha` SLO, as Sloth reads it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct AlphaSlo {
    pub service: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub budgeting_method: Option<String>,
    pub objectives: Vec<AlphaObjective>,
    #[serde(default)]
    pub time_windows: Vec<AlphaWindow>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct AlphaObjective {
    #[serde(default, rename = "displayName")]
    _display_name: Option<String>,
    #[serde(default)]
    pub ratio_metrics: Option<AlphaRatio>,
    pub target: f64,
    // Sloth reads ratios only: a threshold's value and op have no bearing on its rules.
    #[serde(default, rename = "value")]
    _value: Option<f64>,
    #[serde(default, rename = "op")]
    _op: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct AlphaRatio {
    pub good: AlphaQuery,
    pub total: AlphaQuery,
    #[serde(default, rename = "incremental")]
    _incremental: Option<bool>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct AlphaQuery {
    pub source: String,
    pub query_type: String,
    pub query: String,
    #[serde(default, rename = "metadata")]
    _metadata: Option<Value>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct AlphaWindow {
    pub count: u64,
    pub unit: String,
    #[serde(default, rename = "isRolling")]
    _is_rolling: Option<bool>,
    #[serde(default)]
    pub calendar: Option<Value>,
}

/// Any OpenSLO document, by `apiVersion` and `kind`.
#[derive(Debug, Clone)]
pub(crate) enum Kind {
    Service,
    Slo(Box<Slo>),
    Sli(Box<SliSpec>),
    AlertPolicy(AlertPolicy),
    AlertCondition(AlertCondition),
    Target(NotificationTarget),
    DataSource(DataSource),
    AlphaSlo(AlphaSlo),
}

#[derive(Debug, Clone)]
pub(crate) struct Document {
    pub metadata: Metadata,
    pub kind: Kind,
}

impl<'de> Deserialize<'de> for Document {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        document(value).map_err(serde::de::Error::custom)
    }
}

fn document(value: Value) -> Result<Document, String> {
    let field = |name: &str| value.get(name).and_then(Value::as_str).map(str::to_string);
    let api = field("apiVersion");
    let kind = field("kind").ok_or("no `kind`")?;
    let metadata: Metadata =
        yaml_serde::from_value(value.get("metadata").cloned().ok_or("no `metadata`")?)
            .map_err(|e| format!("in the metadata of a {kind}: {e}"))?;
    let spec = value.get("spec").cloned().unwrap_or(Value::Null);
    let read = |what: &str| format!("in the spec of {what} `{}`", metadata.name);
    fn from<T: serde::de::DeserializeOwned>(spec: Value, at: String) -> Result<T, String> {
        yaml_serde::from_value(spec).map_err(|e| format!("{at}: {e}"))
    }
    let kind = match (api.as_deref(), kind.as_str()) {
        (Some("openslo/v1alpha"), "SLO") => Kind::AlphaSlo(from(spec, read("SLO"))?),
        (Some("openslo/v1alpha"), "Service") | (Some("openslo/v1"), "Service") => Kind::Service,
        (Some("openslo/v1") | None, "SLO") => Kind::Slo(Box::new(from(spec, read("SLO"))?)),
        (Some("openslo/v1") | None, "SLI") => Kind::Sli(Box::new(from(spec, read("SLI"))?)),
        (Some("openslo/v1") | None, "AlertPolicy") => Kind::AlertPolicy(from(spec, read("AlertPolicy"))?),
        (Some("openslo/v1") | None, "AlertCondition") => {
            Kind::AlertCondition(from(spec, read("AlertCondition"))?)
        }
        (Some("openslo/v1") | None, "AlertNotificationTarget") => {
            Kind::Target(from(spec, read("AlertNotificationTarget"))?)
        }
        (Some("openslo/v1") | None, "DataSource") => Kind::DataSource(from(spec, read("DataSource"))?),
        (api, kind) => {
            return Err(format!(
                "`{}` `{kind}` is not an OpenSLO document the import reads (`openslo/v1`, or `openslo/v1alpha` SLOs)",
                api.unwrap_or("")
            ))
        }
    };
    Ok(Document { metadata, kind })
}

/// Every document of a file. `path` names the file in messages.
pub(crate) fn read(path: &str, text: &str) -> Result<Vec<Document>, ImportError> {
    let bad = |reason: String| ImportError::NotOpenSlo {
        path: path.to_string(),
        reason,
    };
    let mut documents = Vec::new();
    for doc in yaml_serde::Deserializer::from_str(text) {
        let value: Value = Deserialize::deserialize(doc).map_err(|e| bad(e.to_string()))?;
        if value.is_null() {
            continue;
        }
        documents.push(document(value).map_err(bad)?);
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
    fn inline_and_referenced_parts_read() {
        let text = "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: a}\nspec:\n  service: web\n  indicatorRef: errors\n  budgetingMethod: Occurrences\n  objectives: [{target: 0.99}]\n  alertPolicies:\n  - alertPolicyRef: fast\n  - kind: AlertPolicy\n    apiVersion: openslo/v1\n    metadata: {name: slow}\n    spec:\n      conditions: [{conditionRef: c}]\n      notificationTargets: [{targetRef: t}]\n";
        let docs = read("x.yaml", text).unwrap();
        let Kind::Slo(slo) = &docs[0].kind else {
            panic!("not an SLO")
        };
        assert!(
            matches!(&slo.alert_policies[0], PolicyRef::Ref { alert_policy_ref } if alert_policy_ref == "fast")
        );
        assert!(
            matches!(&slo.alert_policies[1], PolicyRef::Inline(d) if d.metadata.name == "slow")
        );
    }

    #[test]
    fn other_documents_are_refused() {
        assert!(read("x.yaml", "groups: []\n").is_err());
        assert!(read("x.yaml", "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: a}\nspec: {service: s, objectivs: []}\n").is_err());
    }
}
