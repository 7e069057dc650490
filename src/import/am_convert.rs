//! An Alertmanager configuration as a source of the language: `alertmanager { ... }`,
//! receivers, the routing root and the routes below it, inhibitions and time intervals.
//! Inline secrets become `_file` settings; the import tells where to put each secret.

use super::am_config::{Config, Inhibit, Period, Receiver, Route, TimeInterval};
use super::error::ImportError;
use crate::parse::ast::MatchOp;
use crate::print::{is_name, string, Printer};
use crate::resolve::integration::{self, Type};
use crate::resolve::selector::Matcher;
use crate::resolve::version::Version;
use yaml_serde::{Mapping, Value};

/// A secret that was inline and now must be a file.
#[derive(Debug, Clone)]
pub struct SecretMove {
    /// Where the secret stood: `receivers[pager].pagerduty_configs[0].routing_key`.
    pub was: String,
    /// The file the configuration now reads it from.
    pub file: String,
}

pub(super) struct Converted {
    pub text: String,
    pub secrets: Vec<SecretMove>,
    /// The Alertmanager release the settings need.
    pub needs: Version,
}

struct Writer<'a> {
    path: &'a str,
    secrets: Vec<SecretMove>,
    needs: Version,
}

fn unsupported(path: &str, at: &str, what: String) -> ImportError {
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

/// The directory secrets are expected in; a deployment mounts them there.
const SECRETS: &str = "/etc/alertmanager/secrets";

/// The source text for `config`; `templates` are the template files as the rules directory
/// will hold them, `file_name` the input's name for the heading comment.
pub(super) fn convert(
    path: &str,
    file_name: &str,
    config: &Config,
    templates: &[String],
) -> Result<Converted, ImportError> {
    let mut w = Writer {
        path,
        secrets: Vec::new(),
        needs: Version::ALERTMANAGER,
    };
    let mut p = Printer::new();
    p.comment(&format!(
        "Imported by `watchbook import alertmanager` from {file_name}."
    ));
    p.line("");
    if !config.global.is_empty() || !templates.is_empty() {
        let settings = w.global(&config.global)?;
        p.block("alertmanager", |p| {
            for (k, v) in &settings {
                p.line(&format!("{k} {}", value_text(v)));
            }
            if !templates.is_empty() {
                let list: Vec<String> = templates.iter().map(|t| string(t)).collect();
                p.line(&format!("templates [{}]", list.join(", ")));
            }
        });
        p.line("");
    }
    for r in &config.receivers {
        w.receiver(&mut p, r)?;
        p.line("");
    }
    routing(&mut p, &config.route);
    for child in &config.route.routes {
        p.line("");
        route(&mut p, child);
    }
    for t in &config.time_intervals {
        p.line("");
        time_interval(&mut p, t);
    }
    for inhibit in &config.inhibits {
        p.line("");
        inhibit_rule(&mut p, inhibit);
    }
    Ok(Converted {
        text: p.finish(),
        secrets: w.secrets,
        needs: w.needs,
    })
}

fn name(n: &str) -> String {
    if is_name(n) && !RESERVED.contains(&n) {
        n.to_string()
    } else {
        string(n)
    }
}

/// Words the grammar reads as keywords where a name may stand.
const RESERVED: [&str; 3] = ["all", "true", "false"];

/// A setting's value as written: bare when the grammar reads it bare, else quoted.
fn value_text(v: &str) -> String {
    let number = v.strip_prefix('-').unwrap_or(v);
    let bare = (is_name(v) && !RESERVED.contains(&v))
        || matches!(v, "true" | "false")
        || (!number.is_empty()
            && number.starts_with(|c: char| c.is_ascii_digit())
            && number.chars().all(|c| c.is_ascii_alphanumeric())
            && (v == number || number.chars().all(|c| c.is_ascii_digit())));
    if bare {
        v.to_string()
    } else {
        string(v)
    }
}

fn slug(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

impl Writer<'_> {
    fn secret(&mut self, was: String, file_stem: &str) -> String {
        let file = format!("{SECRETS}/{}", slug(file_stem));
        self.secrets.push(SecretMove {
            was,
            file: file.clone(),
        });
        file
    }

    fn global(&mut self, global: &[(String, Value)]) -> Result<Vec<(String, String)>, ImportError> {
        let mut out = Vec::new();
        for (key, value) in global {
            let at = format!("global.{key}");
            if key == "http_config" || key == "smtp_tls_config" {
                return Err(unsupported(self.path, "global", format!("`{key}`")));
            }
            let text = super::scalar(value).ok_or_else(|| {
                unsupported(self.path, "global", format!("`{key}` that is not text"))
            })?;
            if integration::GLOBAL_SECRETS.contains(&key.as_str()) {
                let file_key = format!("{key}_file");
                let Some((_, _, since)) = integration::GLOBAL_SETTINGS
                    .iter()
                    .find(|(k, _, _)| *k == file_key)
                else {
                    return Err(unsupported(
                        self.path,
                        "global",
                        format!("the secret `{key}`, which Alertmanager cannot read from a file"),
                    ));
                };
                self.needs = self.needs.max(*since);
                let file = self.secret(at, key);
                out.push((file_key, file));
                continue;
            }
            let Some((_, _, since)) = integration::GLOBAL_SETTINGS
                .iter()
                .find(|(k, _, _)| k == key)
            else {
                return Err(unsupported(self.path, "global", format!("`{key}`")));
            };
            self.needs = self.needs.max(*since);
            out.push((key.clone(), text));
        }
        Ok(out)
    }

    fn receiver(&mut self, p: &mut Printer, r: &Receiver) -> Result<(), ImportError> {
        let mut integrations = Vec::new();
        let mut index: std::collections::BTreeMap<&str, usize> = Default::default();
        for (kind, config) in &r.configs {
            let i = index.entry(kind.as_str()).or_default();
            let at = format!("receivers[{}].{kind}_configs[{i}]", r.name);
            *i += 1;
            let spec = integration::spec(kind).ok_or_else(|| {
                unsupported(
                    self.path,
                    &at,
                    format!("the `{kind}` integration, which the language does not take"),
                )
            })?;
            self.needs = self.needs.max(spec.since);
            let settings = self.settings(spec, config, &at, &r.name)?;
            integrations.push((kind.as_str(), settings));
        }
        p.block(&format!("receiver {}", name(&r.name)), |p| {
            for (kind, settings) in &integrations {
                p.block(kind, |p| {
                    for (k, v) in settings {
                        p.line(&format!("{k} {}", value_text(v)));
                    }
                });
            }
        });
        Ok(())
    }

    /// The flat settings of one integration's config.
    fn settings(
        &mut self,
        spec: &integration::Spec,
        config: &Mapping,
        at: &str,
        receiver: &str,
    ) -> Result<Vec<(String, String)>, ImportError> {
        let mut out: Vec<(String, String)> = Vec::new();
        for (key, value) in config {
            let key = key.as_str().unwrap_or_default();
            let here = format!("{at}.{key}");
            let refuse = |what: String| unsupported(self.path, at, what);
            match (key, value) {
                ("http_config", v) => out.extend(self.http_config(v, &here, receiver, spec.name)?),
                ("headers", Value::Mapping(headers)) if spec.name == "email" => {
                    for (h, v) in headers {
                        let h = h.as_str().unwrap_or_default();
                        if !h.eq_ignore_ascii_case("subject") {
                            return Err(refuse(format!(
                                "the header `{h}`; only `Subject` can be imported"
                            )));
                        }
                        out.push(("subject".into(), super::scalar(v).unwrap_or_default()));
                    }
                }
                ("sigv4", Value::Mapping(sigv4)) => {
                    for (k, v) in sigv4 {
                        let k = k.as_str().unwrap_or_default();
                        if !matches!(k, "region" | "profile" | "role_arn") {
                            return Err(refuse(format!(
                                "sigv4 `{k}`; use a profile or a role instead of keys"
                            )));
                        }
                        out.push((format!("sigv4_{k}"), super::scalar(v).unwrap_or_default()));
                    }
                }
                ("responders", Value::Sequence(list)) if spec.name == "opsgenie" => {
                    let mut items = Vec::new();
                    for r in list {
                        let kind = r.get("type").and_then(super::scalar).unwrap_or_default();
                        let Some(n) = r.get("name").and_then(super::scalar) else {
                            return Err(refuse("a responder without a `name`".into()));
                        };
                        items.push(format!("{kind}:{n}"));
                    }
                    out.push(("responders".into(), items.join(", ")));
                }
                (k, v) if spec.is_secret(k) => {
                    let file_key = format!("{k}_file");
                    if spec.type_of(&file_key).is_none() {
                        return Err(refuse(format!(
                            "the secret `{k}`, which Alertmanager cannot read from a file"
                        )));
                    }
                    if super::scalar(v).is_some_and(|s| !s.is_empty()) {
                        self.needs = self.needs.max(spec.needs(&file_key));
                        let file =
                            self.secret(here.clone(), &format!("{receiver}-{}-{k}", spec.name));
                        out.push((file_key, file));
                    }
                }
                (k, v) => {
                    let Some(kind) = spec.type_of(k) else {
                        return Err(refuse(format!("`{k}`, which the language does not take")));
                    };
                    let Some(text) = super::scalar(v) else {
                        return Err(refuse(format!("`{k}` with a structured value")));
                    };
                    if kind == Type::SecretFile && text.is_empty() {
                        continue;
                    }
                    self.needs = self.needs.max(spec.needs(k));
                    out.push((k.to_string(), text));
                }
            }
        }
        Ok(out)
    }

    fn http_config(
        &mut self,
        value: &Value,
        at: &str,
        receiver: &str,
        kind: &str,
    ) -> Result<Vec<(String, String)>, ImportError> {
        let refuse = |what: String| unsupported(self.path, at, what);
        let Value::Mapping(map) = value else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for (k, v) in map {
            let k = k.as_str().unwrap_or_default();
            match (k, v) {
                ("proxy_url", v) => {
                    out.push(("proxy_url".into(), super::scalar(v).unwrap_or_default()))
                }
                // The defaults, written out.
                ("follow_redirects" | "enable_http2", Value::Bool(true)) => {}
                ("bearer_token_file", v) => out.push((
                    "authorization_credentials_file".into(),
                    super::scalar(v).unwrap_or_default(),
                )),
                ("bearer_token", _) => {
                    let file = self.secret(
                        format!("{at}.bearer_token"),
                        &format!("{receiver}-{kind}-token"),
                    );
                    out.push(("authorization_credentials_file".into(), file));
                }
                ("authorization", Value::Mapping(auth)) => {
                    for (ak, av) in auth {
                        match ak.as_str().unwrap_or_default() {
                            "type" if super::scalar(av).is_some_and(|t| t == "Bearer") => {}
                            "credentials_file" => out.push((
                                "authorization_credentials_file".into(),
                                super::scalar(av).unwrap_or_default(),
                            )),
                            "credentials" => {
                                let file = self.secret(
                                    format!("{at}.authorization.credentials"),
                                    &format!("{receiver}-{kind}-credentials"),
                                );
                                out.push(("authorization_credentials_file".into(), file));
                            }
                            other => return Err(refuse(format!("authorization `{other}`"))),
                        }
                    }
                }
                ("basic_auth", Value::Mapping(auth)) => {
                    for (bk, bv) in auth {
                        match bk.as_str().unwrap_or_default() {
                            "username" => out.push((
                                "basic_auth_username".into(),
                                super::scalar(bv).unwrap_or_default(),
                            )),
                            "password_file" => out.push((
                                "basic_auth_password_file".into(),
                                super::scalar(bv).unwrap_or_default(),
                            )),
                            "password" => {
                                let file = self.secret(
                                    format!("{at}.basic_auth.password"),
                                    &format!("{receiver}-{kind}-password"),
                                );
                                out.push(("basic_auth_password_file".into(), file));
                            }
                            other => return Err(refuse(format!("basic_auth `{other}`"))),
                        }
                    }
                }
                (other, _) => return Err(refuse(format!("http_config `{other}`"))),
            }
        }
        Ok(out)
    }
}

fn matcher_text(m: &Matcher) -> String {
    let op = match m.op {
        MatchOp::Equal => "=",
        MatchOp::NotEqual => "!=",
        MatchOp::Regex => "=~",
        MatchOp::NotRegex => "!~",
    };
    format!("{} {op} {}", m.label, string(&m.value))
}

fn matcher_set(keyword: &str, matchers: &[Matcher]) -> String {
    let items: Vec<String> = matchers.iter().map(matcher_text).collect();
    format!("{keyword} {{ {} }}", items.join(", "))
}

fn names(list: &[String]) -> String {
    let items: Vec<String> = list.iter().map(|n| name(n)).collect();
    format!("[{}]", items.join(", "))
}

fn timing(p: &mut Printer, r: &Route) {
    if let Some(group_by) = &r.group_by {
        if group_by.len() == 1 && group_by[0] == "..." {
            p.line("group_by all");
        } else {
            p.line(&format!("group_by [{}]", group_by.join(", ")));
        }
    }
    for (key, value) in [
        ("group_wait", &r.group_wait),
        ("group_interval", &r.group_interval),
        ("repeat_interval", &r.repeat_interval),
    ] {
        if let Some(v) = value {
            p.line(&format!("{key} {v}"));
        }
    }
}

fn routing(p: &mut Printer, root: &Route) {
    p.block("routing", |p| {
        if let Some(r) = &root.receiver {
            p.line(&format!("default {}", name(r)));
        }
        timing(p, root);
    });
}

/// A route, untitled: its matchers say what it takes.
fn route(p: &mut Printer, r: &Route) {
    p.block("route", |p| {
        if !r.matchers.is_empty() {
            p.line(&matcher_set("match", &r.matchers));
        }
        if let Some(receiver) = &r.receiver {
            p.line(&format!("notify [{}]", name(receiver)));
        }
        if r.continue_ {
            p.line("continue true");
        }
        timing(p, r);
        if !r.mute.is_empty() {
            p.line(&format!("mute_during {}", names(&r.mute)));
        }
        if !r.active.is_empty() {
            p.line(&format!("active_during {}", names(&r.active)));
        }
        for child in &r.routes {
            route(p, child);
        }
    });
}

fn time_interval(p: &mut Printer, t: &TimeInterval) {
    p.block(&format!("time_interval {}", name(&t.name)), |p| {
        for period in &t.periods {
            p.block("period", |p| period_fields(p, period));
        }
    });
}

fn period_fields(p: &mut Printer, period: &Period) {
    let list = |values: &[String]| {
        let items: Vec<String> = values.iter().map(|v| string(v)).collect();
        format!("[{}]", items.join(", "))
    };
    for (key, values) in [
        ("weekdays", &period.weekdays),
        ("times", &period.times),
        ("days_of_month", &period.days_of_month),
        ("months", &period.months),
        ("years", &period.years),
    ] {
        if !values.is_empty() {
            p.line(&format!("{key} {}", list(values)));
        }
    }
    if let Some(location) = &period.location {
        p.line(&format!("location {}", string(location)));
    }
}

/// An inhibition, titled after what it does: `severity="critical" mutes severity="warning"`.
fn inhibit_rule(p: &mut Printer, i: &Inhibit) {
    let side = |m: &[Matcher]| {
        if m.is_empty() {
            "any alert".to_string()
        } else {
            m.iter()
                .map(|m| matcher_text(m).replace('"', ""))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let title = format!("{} mutes {}", side(&i.source), side(&i.target));
    p.block(&format!("inhibit {}", string(&title)), |p| {
        p.line(&matcher_set("source", &i.source));
        p.line(&matcher_set("target", &i.target));
        if !i.equal.is_empty() {
            p.line(&format!("equal [{}]", i.equal.join(", ")));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_bare_only_where_the_grammar_reads_them_so() {
        assert_eq!(value_text("true"), "true");
        assert_eq!(value_text("10m"), "10m");
        assert_eq!(value_text("-100123"), "-100123");
        assert_eq!(value_text("-10m"), "\"-10m\"");
        assert_eq!(value_text("#alerts"), "\"#alerts\"");
        assert_eq!(value_text("all"), "\"all\"");
        assert_eq!(slug("receivers[Team X].slack"), "receivers-team-x-slack");
    }
}
