//! Receivers as Alertmanager reads them: the generated notification fields, then the
//! source's settings over them, nested where Alertmanager nests them.

use crate::resolve::integration::responders;
use crate::resolve::model::{IntegrationKind, Model, Receiver, SettingValue, Settings};
use yaml_serde::{Mapping, Value};

pub(super) fn receiver(r: &Receiver, model: &Model) -> Value {
    let mut out = Mapping::new();
    out.insert(key("name"), Value::String(r.name.clone()));
    // Kinds in the order the source first names them; Alertmanager lists each kind once.
    let mut kinds: Vec<IntegrationKind> = Vec::new();
    for i in &r.integrations {
        if !kinds.contains(&i.kind) {
            kinds.push(i.kind);
        }
    }
    for kind in kinds {
        let configs = r
            .integrations
            .iter()
            .filter(|i| i.kind == kind)
            .map(|i| {
                let mut config = Mapping::new();
                for (k, v) in &i.settings {
                    let (path, value) = nest(kind, k, v);
                    merge(&mut config, &path, value);
                }
                for (k, v) in super::notifications::fields(kind, model) {
                    fill(&mut config, k, v);
                }
                Value::Mapping(config)
            })
            .collect();
        out.insert(key(kind.configs_key()), Value::Sequence(configs));
    }
    Value::Mapping(out)
}

/// Global settings: their names are Alertmanager's already.
pub(super) fn settings(settings: &Settings) -> Mapping {
    settings.iter().map(|(k, v)| (key(k), scalar(v))).collect()
}

fn key(k: &str) -> Value {
    Value::String(k.to_string())
}

fn scalar(v: &SettingValue) -> Value {
    match v {
        SettingValue::Bool(b) => Value::Bool(*b),
        SettingValue::Int(n) => Value::Number((*n).into()),
        SettingValue::Text(t) => Value::String(t.clone()),
    }
}

/// Where a flat setting goes and what it holds.
fn nest(kind: IntegrationKind, k: &str, v: &SettingValue) -> (Vec<String>, Value) {
    let path: &[&str] = match (kind, k) {
        (_, "proxy_url") => &["http_config", "proxy_url"],
        (_, "authorization_credentials_file") => {
            &["http_config", "authorization", "credentials_file"]
        }
        (_, "basic_auth_username") => &["http_config", "basic_auth", "username"],
        (_, "basic_auth_password_file") => &["http_config", "basic_auth", "password_file"],
        (IntegrationKind::Email, "subject") => &["headers", "Subject"],
        (_, "sigv4_region") => &["sigv4", "region"],
        (_, "sigv4_profile") => &["sigv4", "profile"],
        (_, "sigv4_role_arn") => &["sigv4", "role_arn"],
        (IntegrationKind::OpsGenie, "responders") => {
            let list = responders(&v.text())
                .unwrap_or_default()
                .into_iter()
                .map(|(t, name)| {
                    let mut m = Mapping::new();
                    m.insert(key("type"), key(t));
                    m.insert(key("name"), key(name));
                    Value::Mapping(m)
                })
                .collect();
            return (vec!["responders".to_string()], Value::Sequence(list));
        }
        _ => &[k],
    };
    (path.iter().map(|p| p.to_string()).collect(), scalar(v))
}

/// Adds a generated field the source left unset; in a mapping the source partly set
/// (`headers`), the entries it left unset.
fn fill(config: &mut Mapping, k: &str, generated: Value) {
    match (config.get_mut(k), generated) {
        (None, generated) => {
            config.insert(key(k), generated);
        }
        (Some(Value::Mapping(theirs)), Value::Mapping(ours)) => {
            for (k, v) in ours {
                if !theirs.contains_key(&k) {
                    theirs.insert(k, v);
                }
            }
        }
        (Some(_), _) => {}
    }
}

/// Puts `value` at `path`, keeping what else the mappings on the way hold.
fn merge(config: &mut Mapping, path: &[String], value: Value) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    if rest.is_empty() {
        config.insert(key(first), value);
        return;
    }
    let entry = config
        .entry(key(first))
        .or_insert_with(|| Value::Mapping(Mapping::new()));
    if !entry.is_mapping() {
        *entry = Value::Mapping(Mapping::new());
    }
    if let Value::Mapping(inner) = entry {
        merge(inner, rest, value);
    }
}
