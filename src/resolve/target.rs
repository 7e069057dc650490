//! `target KIND { ... }`: the systems the rules and dashboards are compiled for, each with
//! its settings checked here.

use super::error::ResolveError;
use super::model::{GrafanaTarget, Labels, OperatorTarget, RulerTarget, Targets, ThanosTarget};
use super::{names, Resolver};
use crate::parse::ast;

/// The settings each kind takes (besides `labels`, where noted).
fn settings(kind: &str) -> &'static [&'static str] {
    match kind {
        "prometheus-operator" => &["namespace"],
        "mimir" | "cortex" => &["tenant", "namespace"],
        "thanos" => &["partial_response_strategy"],
        "loki" => &["tenant"],
        "grafana" => &["path", "url", "sidecar_namespace", "operator_namespace"],
        _ => &[],
    }
}

/// Whether `labels { ... }` means something for the kind.
fn takes_labels(kind: &str) -> bool {
    matches!(kind, "prometheus-operator" | "grafana")
}

/// A Kubernetes name: lowercase letters, digits and `-`, at most 63 characters.
fn is_k8s_name(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 63
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !value.starts_with('-')
        && !value.ends_with('-')
}

impl Resolver<'_> {
    pub(super) fn targets(&mut self, declared: &[&ast::Target]) -> Targets {
        let mut out = Targets {
            prometheus: declared.is_empty(),
            ..Targets::default()
        };
        let mut seen: Vec<&ast::Ident> = Vec::new();
        for t in declared {
            let kind = t.kind.value.as_str();
            if let Some(first) = seen.iter().find(|s| s.value == kind) {
                self.errors.push(ResolveError::DuplicateName {
                    kind: "target",
                    name: kind.to_string(),
                    span: t.kind.span,
                    first: first.span,
                });
                continue;
            }
            seen.push(&t.kind);
            let value = |key: &str| {
                t.settings
                    .iter()
                    .find(|(k, _)| k.value == key)
                    .map(|(_, v)| v)
            };
            for (key, _) in &t.settings {
                if !settings(kind).contains(&key.value.as_str()) {
                    self.errors.push(ResolveError::UnknownSetting {
                        integration: target_word(kind),
                        key: key.value.clone(),
                        span: key.span,
                        suggestion: names::suggest(&key.value, settings(kind).iter().copied()),
                    });
                }
            }
            if let (false, Some(first)) = (takes_labels(kind), t.labels.first()) {
                self.errors.push(ResolveError::UnknownSetting {
                    integration: target_word(kind),
                    key: "labels".into(),
                    span: first.name.span,
                    suggestion: None,
                });
            }
            let k8s_name = |r: &mut Self, key: &str| -> Option<String> {
                let v = value(key)?;
                if !is_k8s_name(&v.value) {
                    r.errors.push(ResolveError::BadSetting {
                        key: key.to_string(),
                        value: v.value.clone(),
                        expected: "a Kubernetes name (lowercase letters, digits and `-`)",
                        span: v.span,
                    });
                }
                Some(v.value.clone())
            };
            let labels: Labels = self.rule_labels(&t.labels);
            match kind {
                "prometheus" => out.prometheus = true,
                "prometheus-operator" => {
                    out.operator = Some(OperatorTarget {
                        namespace: k8s_name(self, "namespace"),
                        labels,
                    })
                }
                "mimir" | "cortex" => {
                    let ruler = RulerTarget {
                        tenant: self.plain_name("tenant", value("tenant"), "anonymous"),
                        namespace: value("namespace")
                            .map(|v| self.plain_name("namespace", Some(v), "")),
                    };
                    if kind == "mimir" {
                        out.mimir = Some(ruler);
                    } else {
                        out.cortex = Some(ruler);
                    }
                }
                "thanos" => {
                    let strategy = match value("partial_response_strategy") {
                        Some(v) if matches!(v.value.as_str(), "warn" | "abort") => v.value.clone(),
                        Some(v) => {
                            self.errors.push(ResolveError::BadSetting {
                                key: "partial_response_strategy".into(),
                                value: v.value.clone(),
                                expected: "`warn` or `abort`",
                                span: v.span,
                            });
                            "abort".into()
                        }
                        None => "abort".into(),
                    };
                    out.thanos = Some(ThanosTarget {
                        partial_response_strategy: strategy,
                    });
                }
                "loki" => {
                    out.loki = Some(RulerTarget {
                        tenant: self.plain_name("tenant", value("tenant"), "fake"),
                        namespace: None,
                    })
                }
                _ => {
                    let path = value("path")
                        .map_or("/var/lib/grafana/dashboards", |v| v.value.as_str())
                        .to_string();
                    if !path.starts_with('/') {
                        if let Some(v) = value("path") {
                            self.errors.push(ResolveError::BadSetting {
                                key: "path".into(),
                                value: v.value.clone(),
                                expected: "an absolute path where Grafana finds the dashboards",
                                span: v.span,
                            });
                        }
                    }
                    let url = value("url").and_then(|v| self.grafana_address("url", v));
                    out.grafana = Some(GrafanaTarget {
                        path,
                        url,
                        sidecar_namespace: k8s_name(self, "sidecar_namespace"),
                        operator_namespace: k8s_name(self, "operator_namespace"),
                        instance_labels: if labels.is_empty() {
                            [("dashboards".to_string(), "grafana".to_string())].into()
                        } else {
                            labels
                        },
                    });
                }
            }
        }
        out
    }

    /// A tenant or ruler namespace: letters, digits, `-`, `_` and `.`, as directory and file
    /// names and org ids allow.
    fn plain_name(&mut self, key: &str, value: Option<&ast::Text>, default: &str) -> String {
        let Some(v) = value else {
            return default.to_string();
        };
        let ok = !v.value.is_empty()
            && v.value != "."
            && v.value != ".."
            && v.value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !ok {
            self.errors.push(ResolveError::BadSetting {
                key: key.to_string(),
                value: v.value.clone(),
                expected: "a name of letters, digits, `-`, `_` and `.`",
                span: v.span,
            });
        }
        v.value.clone()
    }
}

/// How the kind is named in "unknown ... setting" messages.
fn target_word(kind: &str) -> &'static str {
    match kind {
        "prometheus-operator" => "prometheus-operator target",
        "mimir" => "mimir target",
        "cortex" => "cortex target",
        "thanos" => "thanos target",
        "loki" => "loki target",
        "grafana" => "grafana target",
        _ => "prometheus target",
    }
}
