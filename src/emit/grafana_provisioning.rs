//! `target grafana`: the file provider that loads the dashboards
//! (`grafana/provisioning/dashboards.yaml`, in Grafana's documented provisioning format,
//! folders from the directory structure), and optionally the same dashboards as ConfigMaps for
//! the Grafana sidecar (`grafana/configmaps/`) or as grafana-operator `GrafanaDashboard`
//! resources (`grafana/operator/`).

use super::operator::resource_name;
use super::{header, yaml, Artifact};
use crate::resolve::model::{Dashboard, GrafanaTarget, Labels, Model};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Provisioning {
    api_version: u32,
    providers: Vec<Provider>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Provider {
    name: String,
    org_id: u32,
    #[serde(rename = "type")]
    kind: &'static str,
    disable_deletion: bool,
    allow_ui_updates: bool,
    update_interval_seconds: u32,
    options: ProviderOptions,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProviderOptions {
    path: String,
    folders_from_files_structure: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Resource<S> {
    api_version: &'static str,
    kind: &'static str,
    metadata: Metadata,
    #[serde(flatten)]
    body: S,
}

#[derive(Serialize)]
struct Metadata {
    name: String,
    namespace: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    labels: Labels,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    annotations: Labels,
}

#[derive(Serialize)]
struct ConfigMapBody {
    data: BTreeMap<String, String>,
}

#[derive(Serialize)]
struct OperatorBody {
    spec: OperatorSpec,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OperatorSpec {
    instance_selector: MatchLabels,
    #[serde(skip_serializing_if = "Option::is_none")]
    folder: Option<String>,
    json: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MatchLabels {
    match_labels: Labels,
}

pub(super) fn emit(
    model: &Model,
    target: &GrafanaTarget,
    dashboards: &[(&Dashboard, Vec<u8>)],
) -> Vec<Artifact> {
    let project = resource_name(&[&model.project.name]);
    let provisioning = Provisioning {
        api_version: 1,
        providers: vec![Provider {
            name: project.clone(),
            org_id: 1,
            kind: "file",
            disable_deletion: false,
            // Dashboards come from the source: edits in the UI would be lost at the next load.
            allow_ui_updates: false,
            update_interval_seconds: 30,
            options: ProviderOptions {
                path: target.path.clone(),
                folders_from_files_structure: true,
            },
        }],
    };
    let mut out = vec![Artifact {
        path: "grafana/provisioning/dashboards.yaml".into(),
        bytes: (header("the rules directory") + &yaml(&provisioning)).into_bytes(),
    }];
    for (d, bytes) in dashboards {
        let json = String::from_utf8_lossy(bytes).into_owned();
        let name = resource_name(&[&d.uid]);
        if let Some(namespace) = &target.sidecar_namespace {
            // The label and annotation the kube-prometheus-stack sidecar looks for.
            let resource = Resource {
                api_version: "v1",
                kind: "ConfigMap",
                metadata: Metadata {
                    name: name.clone(),
                    namespace: namespace.clone(),
                    labels: [("grafana_dashboard".to_string(), "1".to_string())].into(),
                    annotations: d
                        .folder
                        .iter()
                        .map(|f| ("grafana_folder".to_string(), f.clone()))
                        .collect(),
                },
                body: ConfigMapBody {
                    data: [(format!("{}.json", d.uid), json.clone())].into(),
                },
            };
            out.push(Artifact {
                path: format!("grafana/configmaps/{}.yaml", d.uid),
                bytes: (header("the rules directory") + &yaml(&resource)).into_bytes(),
            });
        }
        if let Some(namespace) = &target.operator_namespace {
            let resource = Resource {
                api_version: "grafana.integreatly.org/v1beta1",
                kind: "GrafanaDashboard",
                metadata: Metadata {
                    name,
                    namespace: namespace.clone(),
                    labels: Labels::new(),
                    annotations: Labels::new(),
                },
                body: OperatorBody {
                    spec: OperatorSpec {
                        instance_selector: MatchLabels {
                            match_labels: target.instance_labels.clone(),
                        },
                        folder: d.folder.clone(),
                        json,
                    },
                },
            };
            out.push(Artifact {
                path: format!("grafana/operator/{}.yaml", d.uid),
                bytes: (header("the rules directory") + &yaml(&resource)).into_bytes(),
            });
        }
    }
    out
}
