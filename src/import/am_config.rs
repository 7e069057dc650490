//! An Alertmanager configuration read for import: the routing tree, receivers, inhibitions,
//! time intervals, global settings and templates, with matchers in all three spellings
//! (`match`, `match_re`, `matchers`). Anything else is refused by name, so that nothing is
//! silently dropped. Also reads the compiled configuration back, to compare the two.

use super::error::ImportError;
use crate::parse::ast::MatchOp;
use crate::resolve::selector::Matcher;
use yaml_serde::{Mapping, Value};

#[derive(Debug, Default, Clone)]
pub(crate) struct Config {
    pub global: Vec<(String, Value)>,
    pub route: Route,
    pub receivers: Vec<Receiver>,
    pub inhibits: Vec<Inhibit>,
    pub time_intervals: Vec<TimeInterval>,
    pub templates: Vec<String>,
}

#[derive(Debug, Default, Clone)]
pub(crate) struct Route {
    pub receiver: Option<String>,
    pub matchers: Vec<Matcher>,
    pub continue_: bool,
    pub group_by: Option<Vec<String>>,
    pub group_wait: Option<String>,
    pub group_interval: Option<String>,
    pub repeat_interval: Option<String>,
    pub mute: Vec<String>,
    pub active: Vec<String>,
    pub routes: Vec<Route>,
}

#[derive(Debug, Clone)]
pub(crate) struct Receiver {
    pub name: String,
    /// `(integration, config)`: `("slack", {channel: ...})`, in the file's order.
    pub configs: Vec<(String, Mapping)>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Inhibit {
    pub source: Vec<Matcher>,
    pub target: Vec<Matcher>,
    pub equal: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TimeInterval {
    pub name: String,
    pub periods: Vec<Period>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Period {
    pub times: Vec<String>,
    pub weekdays: Vec<String>,
    pub days_of_month: Vec<String>,
    pub months: Vec<String>,
    pub years: Vec<String>,
    pub location: Option<String>,
}

/// Where in the file, for messages: `route.routes[2]`.
type At<'a> = &'a str;

fn unsupported(path: &str, at: At, what: String) -> ImportError {
    ImportError::UnsupportedConfig {
        path: path.to_string(),
        at: if at.contains(' ') {
            at.to_string()
        } else {
            format!("`{at}`")
        },
        what,
    }
}

/// Reads a configuration file's text, or a Kubernetes `Secret` holding `alertmanager.yaml`.
pub(crate) fn read(path: &str, text: &str) -> Result<Config, ImportError> {
    let not = |reason: String| ImportError::NotAlertmanagerConfig {
        path: path.to_string(),
        reason,
    };
    let value: Value = yaml_serde::from_str(text).map_err(|e| not(e.to_string()))?;
    let value = match secret_payload(&value) {
        Some(inner) => yaml_serde::from_str(&inner).map_err(|e| not(e.to_string()))?,
        None => value,
    };
    let Value::Mapping(top) = value else {
        return Err(not("the file is not a YAML mapping".into()));
    };
    if !top.contains_key("route") && !top.contains_key("receivers") {
        return Err(not("it has neither `route` nor `receivers`".into()));
    }
    let mut config = Config::default();
    for (key, value) in &top {
        let key = key.as_str().unwrap_or_default();
        match key {
            "global" => config.global = pairs(path, "global", value)?,
            "route" => config.route = route(path, "route", value)?,
            "receivers" => {
                for (i, r) in seq(value).iter().enumerate() {
                    config
                        .receivers
                        .push(receiver(path, &format!("receivers[{i}]"), r)?);
                }
            }
            "inhibit_rules" => {
                for (i, r) in seq(value).iter().enumerate() {
                    config
                        .inhibits
                        .push(inhibit(path, &format!("inhibit_rules[{i}]"), r)?);
                }
            }
            "time_intervals" | "mute_time_intervals" => {
                for (i, t) in seq(value).iter().enumerate() {
                    let at = format!("{key}[{i}]");
                    config.time_intervals.push(time_interval(path, &at, t)?);
                }
            }
            "templates" => config.templates = strings(path, "templates", value)?,
            other => {
                return Err(unsupported(path, "the top level", format!("`{other}`")));
            }
        }
    }
    Ok(config)
}

/// `stringData: {alertmanager.yaml: ...}` of a Kubernetes Secret.
fn secret_payload(value: &Value) -> Option<String> {
    if value.get("kind").and_then(Value::as_str) != Some("Secret") {
        return None;
    }
    let data = value.get("stringData")?.as_mapping()?;
    ["alertmanager.yaml", "alertmanager.yml"]
        .iter()
        .find_map(|k| data.get(*k).and_then(Value::as_str))
        .map(str::to_string)
}

fn seq(value: &Value) -> Vec<Value> {
    value.as_sequence().cloned().unwrap_or_default()
}

fn strings(path: &str, at: At, value: &Value) -> Result<Vec<String>, ImportError> {
    if value.is_null() {
        return Ok(Vec::new());
    }
    value
        .as_sequence()
        .ok_or_else(|| unsupported(path, at, "a value that is not a list".into()))?
        .iter()
        .map(|v| {
            super::scalar(v)
                .ok_or_else(|| unsupported(path, at, "a list item that is not text".into()))
        })
        .collect()
}

fn pairs(path: &str, at: At, value: &Value) -> Result<Vec<(String, Value)>, ImportError> {
    if value.is_null() {
        return Ok(Vec::new());
    }
    let map = value
        .as_mapping()
        .ok_or_else(|| unsupported(path, at, "a value that is not a mapping".into()))?;
    Ok(map
        .iter()
        .map(|(k, v)| (k.as_str().unwrap_or_default().to_string(), v.clone()))
        .collect())
}

fn route(path: &str, at: At, value: &Value) -> Result<Route, ImportError> {
    let mut r = Route::default();
    for (key, v) in pairs(path, at, value)? {
        let text = || {
            super::scalar(&v)
                .ok_or_else(|| unsupported(path, at, format!("`{key}` that is not text")))
        };
        match key.as_str() {
            "receiver" => r.receiver = Some(text()?),
            "group_by" => r.group_by = Some(strings(path, at, &v)?),
            "continue" => r.continue_ = v.as_bool().unwrap_or(false),
            "group_wait" => r.group_wait = Some(text()?),
            "group_interval" => r.group_interval = Some(text()?),
            "repeat_interval" => r.repeat_interval = Some(text()?),
            "mute_time_intervals" => r.mute = strings(path, at, &v)?,
            "active_time_intervals" => r.active = strings(path, at, &v)?,
            "match" | "match_re" | "matchers" => {
                r.matchers.extend(matchers_of(path, at, &key, &v)?)
            }
            "routes" => {
                for (i, child) in seq(&v).iter().enumerate() {
                    r.routes
                        .push(route(path, &format!("{at}.routes[{i}]"), child)?);
                }
            }
            other => return Err(unsupported(path, at, format!("`{other}`"))),
        }
    }
    Ok(r)
}

/// `match` (equality), `match_re` (regex) or `matchers` (Alertmanager's matcher syntax).
fn matchers_of(path: &str, at: At, key: &str, v: &Value) -> Result<Vec<Matcher>, ImportError> {
    if key == "matchers" {
        let mut out = Vec::new();
        for text in strings(path, at, v)? {
            out.extend(parse_matchers(&text).map_err(|why| {
                unsupported(
                    path,
                    at,
                    format!("matcher `{text}` that does not read: {why}"),
                )
            })?);
        }
        return Ok(out);
    }
    let op = if key == "match" {
        MatchOp::Equal
    } else {
        MatchOp::Regex
    };
    pairs(path, at, v)?
        .into_iter()
        .map(|(label, value)| {
            let value = super::scalar(&value)
                .ok_or_else(|| unsupported(path, at, format!("`{key}` value that is not text")))?;
            check_label(&label).map_err(|why| unsupported(path, at, why))?;
            Ok(Matcher { label, op, value })
        })
        .collect()
}

fn check_label(label: &str) -> Result<(), String> {
    if crate::print::is_name(label) {
        Ok(())
    } else {
        Err(format!(
            "label name `{label}`, which the language cannot name"
        ))
    }
}

/// `{a="b", c=~"d|e"}`, `a = b`: Alertmanager's matchers, values quoted or bare.
pub(crate) fn parse_matchers(text: &str) -> Result<Vec<Matcher>, String> {
    let text = text.trim();
    let text = text
        .strip_prefix('{')
        .and_then(|t| t.strip_suffix('}'))
        .unwrap_or(text);
    let mut out = Vec::new();
    for part in split_outside_quotes(text) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        out.push(parse_matcher(part)?);
    }
    Ok(out)
}

fn split_outside_quotes(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut escaped = false;
    for c in text.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ',' if !quoted => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current);
    parts
}

fn parse_matcher(text: &str) -> Result<Matcher, String> {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(text.len());
    let label = text[..end].to_string();
    check_label(&label)?;
    let rest = text[end..].trim_start();
    let (op, value) = [
        ("=~", MatchOp::Regex),
        ("!~", MatchOp::NotRegex),
        ("!=", MatchOp::NotEqual),
        ("=", MatchOp::Equal),
    ]
    .iter()
    .find_map(|(symbol, op)| rest.strip_prefix(symbol).map(|v| (*op, v.trim())))
    .ok_or_else(|| "no `=`, `!=`, `=~` or `!~`".to_string())?;
    let value = match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        Some(inner) => unquote(inner)?,
        None => value.to_string(),
    };
    Ok(Matcher { label, op, value })
}

fn unquote(inner: &str) -> Result<String, String> {
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => return Err("a value ending in `\\`".into()),
        }
    }
    Ok(out)
}

fn receiver(path: &str, at: At, value: &Value) -> Result<Receiver, ImportError> {
    let mut r = Receiver {
        name: String::new(),
        configs: Vec::new(),
    };
    for (key, v) in pairs(path, at, value)? {
        if key == "name" {
            r.name = super::scalar(&v).unwrap_or_default();
            continue;
        }
        let Some(kind) = key.strip_suffix("_configs") else {
            return Err(unsupported(path, at, format!("`{key}`")));
        };
        for (i, config) in seq(&v).iter().enumerate() {
            let map = config.as_mapping().cloned().ok_or_else(|| {
                unsupported(
                    path,
                    &format!("{at}.{key}[{i}]"),
                    "a config that is not a mapping".into(),
                )
            })?;
            r.configs.push((kind.to_string(), map));
        }
    }
    if r.name.is_empty() {
        return Err(unsupported(path, at, "no `name`".into()));
    }
    Ok(r)
}

fn inhibit(path: &str, at: At, value: &Value) -> Result<Inhibit, ImportError> {
    let mut i = Inhibit {
        source: Vec::new(),
        target: Vec::new(),
        equal: Vec::new(),
    };
    for (key, v) in pairs(path, at, value)? {
        match key.as_str() {
            "source_match" => i.source.extend(matchers_of(path, at, "match", &v)?),
            "source_match_re" => i.source.extend(matchers_of(path, at, "match_re", &v)?),
            "source_matchers" => i.source.extend(matchers_of(path, at, "matchers", &v)?),
            "target_match" => i.target.extend(matchers_of(path, at, "match", &v)?),
            "target_match_re" => i.target.extend(matchers_of(path, at, "match_re", &v)?),
            "target_matchers" => i.target.extend(matchers_of(path, at, "matchers", &v)?),
            "equal" => i.equal = strings(path, at, &v)?,
            other => return Err(unsupported(path, at, format!("`{other}`"))),
        }
    }
    Ok(i)
}

fn time_interval(path: &str, at: At, value: &Value) -> Result<TimeInterval, ImportError> {
    let mut t = TimeInterval {
        name: String::new(),
        periods: Vec::new(),
    };
    for (key, v) in pairs(path, at, value)? {
        match key.as_str() {
            "name" => t.name = super::scalar(&v).unwrap_or_default(),
            "time_intervals" => {
                for p in seq(&v) {
                    t.periods.push(period(path, at, &p)?);
                }
            }
            other => return Err(unsupported(path, at, format!("`{other}`"))),
        }
    }
    Ok(t)
}

fn period(path: &str, at: At, value: &Value) -> Result<Period, ImportError> {
    let mut p = Period::default();
    for (key, v) in pairs(path, at, value)? {
        match key.as_str() {
            "times" => {
                for range in seq(&v) {
                    let get = |k: &str| range.get(k).and_then(super::scalar).unwrap_or_default();
                    p.times
                        .push(format!("{}-{}", get("start_time"), get("end_time")));
                }
            }
            "weekdays" => p.weekdays = strings(path, at, &v)?,
            "days_of_month" => p.days_of_month = strings(path, at, &v)?,
            "months" => p.months = strings(path, at, &v)?,
            "years" => p.years = strings(path, at, &v)?,
            "location" => p.location = super::scalar(&v),
            other => return Err(unsupported(path, at, format!("`{other}`"))),
        }
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matchers_read_in_every_spelling() {
        let m = parse_matchers(r#"{severity="critical", team=~"a|b", env != dev}"#).unwrap();
        assert_eq!(m.len(), 3);
        assert_eq!(m[1].op, MatchOp::Regex);
        assert_eq!(m[1].value, "a|b");
        assert_eq!(m[2].op, MatchOp::NotEqual);
        assert_eq!(m[2].value, "dev");
        let m = parse_matchers("severity =~ warning|info").unwrap();
        assert_eq!(m[0].value, "warning|info");
        let m = parse_matchers(r#"msg="a, \"b\"""#).unwrap();
        assert_eq!(m[0].value, "a, \"b\"");
        assert!(parse_matchers("no operator").is_err());
        assert!(parse_matchers("a:b=c").is_err());
    }
}
