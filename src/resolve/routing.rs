//! Resolving what Alertmanager needs: receivers and their integrations (secrets only from
//! files), the routing root, team overrides, inhibitions, escalation levels and route tests.

use super::duration::Duration;
use super::error::ResolveError;
use super::model::*;
use super::{labels_of, matchers_of, names, url, Resolver};
use crate::parse::ast;

/// Per integration: the settings it takes, the inline secrets it refuses (their `_file`
/// form is accepted), and what it cannot do without: each group of `required` needs one of
/// its settings, and `needed` says so in words.
struct Spec {
    kind: IntegrationKind,
    name: &'static str,
    settings: &'static [&'static str],
    secrets: &'static [&'static str],
    required: &'static [&'static [&'static str]],
    needed: &'static str,
    /// Settings Alertmanager gained after 0.25, with the release that added them.
    since: &'static [(&'static str, (u32, u32))],
}

/// The type Alertmanager gives a setting, where it is not a free string.
#[derive(Clone, Copy)]
enum Type {
    Bool,
    Count,
    Url,
    HostPort,
    SecretFile,
    Duration,
    /// Every other setting is a Go template Alertmanager expands for each notification.
    Template,
}

fn type_of(key: &str) -> Option<Type> {
    Some(match key {
        "send_resolved" | "require_tls" => Type::Bool,
        "max_alerts" => Type::Count,
        "timeout" => Type::Duration,
        "url" => Type::Url,
        "smarthost" => Type::HostPort,
        k if k.ends_with("_file") => Type::SecretFile,
        _ => Type::Template,
    })
}

/// Checks a value against its type; the error says what was expected.
fn check_type(kind: Type, value: &str) -> Result<(), &'static str> {
    let ok = match kind {
        Type::Bool => matches!(value, "true" | "false"),
        Type::Count => value.parse::<u32>().is_ok(),
        Type::Url => url::parts(value).is_some(),
        Type::HostPort => value.rsplit_once(':').is_some_and(|(host, port)| {
            !host.is_empty() && !host.contains(char::is_whitespace) && port.parse::<u16>().is_ok()
        }),
        Type::SecretFile => return looks_like_path(value),
        Type::Duration => Duration::parse(value).is_ok_and(|d| d.0 > 0),
        Type::Template => return Ok(()),
    };
    if ok {
        Ok(())
    } else {
        Err(match kind {
            Type::Bool => "`true` or `false`",
            Type::Count => "a whole number",
            Type::Url => "an `http://` or `https://` URL",
            Type::HostPort => "`host:port`",
            Type::SecretFile => "a file path",
            Type::Duration => "a duration such as `10s`",
            Type::Template => "a template",
        })
    }
}

/// A secret's file path, not the secret: no scheme, no spaces, not a bare token.
fn looks_like_path(value: &str) -> Result<(), &'static str> {
    let token = !value.contains('/')
        && value.len() >= 20
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if value.is_empty() || value.contains("://") || value.contains(char::is_whitespace) || token {
        Err("a file path")
    } else {
        Ok(())
    }
}

const SPECS: [Spec; 4] = [
    Spec {
        kind: IntegrationKind::PagerDuty,
        name: "pagerduty",
        settings: &[
            "routing_key_file",
            "service_key_file",
            "url",
            "client",
            "client_url",
            "description",
            "severity",
            "class",
            "component",
            "group",
            "send_resolved",
            "timeout",
        ],
        secrets: &["routing_key", "service_key"],
        required: &[&["routing_key_file", "service_key_file"]],
        needed: "`routing_key_file` or `service_key_file`",
        since: &[("timeout", (0, 30))],
    },
    Spec {
        kind: IntegrationKind::Slack,
        name: "slack",
        settings: &[
            "api_url_file",
            "channel",
            "username",
            "title",
            "title_link",
            "text",
            "icon_emoji",
            "icon_url",
            "color",
            "send_resolved",
            "timeout",
        ],
        secrets: &["api_url"],
        required: &[&["api_url_file"]],
        needed: "`api_url_file`",
        since: &[("timeout", (0, 30))],
    },
    Spec {
        kind: IntegrationKind::Email,
        name: "email",
        settings: &[
            "to",
            "from",
            "smarthost",
            "hello",
            "auth_username",
            "auth_password_file",
            "auth_identity",
            "require_tls",
            "send_resolved",
        ],
        secrets: &["auth_password", "auth_secret"],
        required: &[&["to"], &["from"], &["smarthost"]],
        needed: "`to`, `from` and `smarthost` (there is no global SMTP server)",
        since: &[],
    },
    Spec {
        kind: IntegrationKind::Webhook,
        name: "webhook",
        settings: &["url", "url_file", "max_alerts", "send_resolved", "timeout"],
        secrets: &[],
        required: &[&["url", "url_file"]],
        needed: "`url` or `url_file`",
        since: &[("url_file", (0, 26)), ("timeout", (0, 28))],
    },
];

/// "webhook `url_file`": the setting, for messages.
fn newer_setting(integration: &str, key: &str) -> &'static str {
    match (integration, key) {
        ("webhook", "url_file") => "webhook `url_file`",
        ("webhook", _) => "webhook `timeout`",
        ("slack", _) => "slack `timeout`",
        _ => "pagerduty `timeout`",
    }
}

impl Resolver<'_> {
    pub(super) fn receiver(&mut self, r: &ast::Receiver) -> Receiver {
        let integrations = r
            .integrations
            .iter()
            .filter_map(|i| self.integration(i))
            .collect();
        Receiver {
            name: r.name.value.clone(),
            span: r.name.span,
            integrations,
            description: r.description.as_ref().map(|d| d.value.clone()),
        }
    }

    fn integration(&mut self, i: &ast::Integration) -> Option<Integration> {
        let spec = SPECS.iter().find(|s| s.name == i.kind.value)?;
        let mut settings = Labels::new();
        for (key, value) in &i.settings {
            if spec.secrets.contains(&key.value.as_str()) {
                self.errors.push(ResolveError::InlineSecret {
                    key: key.value.clone(),
                    span: value.span,
                });
            } else if spec.settings.contains(&key.value.as_str()) {
                if let Some((_, (major, minor))) = spec.since.iter().find(|(k, _)| *k == key.value)
                {
                    let needs = super::version::Version::new(*major, *minor);
                    if self.alertmanager < needs {
                        self.errors.push(ResolveError::NewerFeature {
                            feature: newer_setting(spec.name, &key.value),
                            system: "Alertmanager",
                            needs: needs.to_string(),
                            have: self.alertmanager.to_string(),
                            span: key.span,
                        });
                    }
                }
                self.check_setting(key, value);
                settings.insert(key.value.clone(), value.value.clone());
            } else {
                self.errors.push(ResolveError::UnknownSetting {
                    integration: spec.name,
                    key: key.value.clone(),
                    span: key.span,
                    suggestion: names::suggest(&key.value, spec.settings.iter().copied()),
                });
            }
        }
        let inline = i
            .settings
            .iter()
            .any(|(k, _)| spec.secrets.contains(&k.value.as_str()));
        // An empty value is as good as none: Alertmanager refuses an empty `to`.
        let complete = spec.required.iter().all(|group| {
            group
                .iter()
                .any(|k| settings.get(*k).is_some_and(|v| !v.trim().is_empty()))
        });
        if !inline && !complete {
            self.errors.push(ResolveError::MissingSetting {
                integration: spec.name,
                needed: spec.needed,
                span: i.kind.span,
            });
        }
        Some(Integration {
            kind: spec.kind,
            settings,
        })
    }

    /// A typed setting must hold a value of its type, and a URL no credentials.
    fn check_setting(&mut self, key: &ast::Ident, value: &ast::Text) {
        let Some(kind) = type_of(&key.value) else {
            return;
        };
        if matches!(kind, Type::Template) {
            use crate::go_template::check::{check, ALERTMANAGER};
            if let Err(e) = check(&value.value, &ALERTMANAGER, &[]) {
                self.errors.push(ResolveError::BadTemplate {
                    span: value.span.sub(1 + e.offset, e.len),
                    message: e.message,
                });
            }
            return;
        }
        match check_type(kind, &value.value) {
            Err(_) if matches!(kind, Type::SecretFile) => {
                self.errors.push(ResolveError::SecretNotAPath {
                    key: key.value.clone(),
                    span: value.span,
                })
            }
            Err(expected) => self.errors.push(ResolveError::BadSetting {
                key: key.value.clone(),
                value: value.value.clone(),
                expected,
                span: value.span,
            }),
            Ok(()) if matches!(kind, Type::Url) && url::has_credentials(&value.value) => {
                self.errors.push(ResolveError::CredentialsInUrl {
                    key: key.value.clone(),
                    span: value.span,
                })
            }
            Ok(()) => {}
        }
    }

    /// Alertmanager's timing; it refuses zero intervals and a label grouped twice.
    pub(super) fn timing(&mut self, t: &ast::Timing) -> Timing {
        if let Some(list) = &t.group_by {
            for (i, label) in list.value.iter().enumerate() {
                if list.value[..i].iter().any(|l| l.value == label.value) {
                    self.errors.push(ResolveError::DuplicateGroupBy {
                        label: label.value.clone(),
                        span: label.span,
                    });
                }
            }
        }
        Timing {
            group_by: t
                .group_by
                .as_ref()
                .map(|l| l.value.iter().map(|i| i.value.clone()).collect()),
            group_wait: t.group_wait.as_ref().and_then(|d| self.duration(d)),
            group_interval: t
                .group_interval
                .as_ref()
                .and_then(|d| self.positive_duration(d, "`group_interval`")),
            repeat_interval: t
                .repeat_interval
                .as_ref()
                .and_then(|d| self.positive_duration(d, "`repeat_interval`")),
        }
    }

    pub(super) fn receivers(&mut self, list: &[ast::Ident]) -> Vec<usize> {
        list.iter()
            .filter_map(|r| self.lookup("receiver", r))
            .collect()
    }

    /// The severity's routing; its `group_wait` must leave time to respond.
    pub(super) fn severity_routing(
        &mut self,
        s: &ast::Severity,
        response: Option<Duration>,
    ) -> (Vec<usize>, Timing, Option<Escalate>) {
        let notify = s
            .notify
            .as_ref()
            .map(|l| self.receivers(&l.value))
            .unwrap_or_default();
        let timing = self.timing(&s.timing);
        if let (Some(wait), Some(response), Some(text)) =
            (timing.group_wait, response, &s.timing.group_wait)
        {
            if wait >= response {
                self.errors.push(ResolveError::GroupWaitTooLong {
                    severity: s.name.value.clone(),
                    group_wait: wait.to_string(),
                    response: response.to_string(),
                    span: text.span,
                });
            }
        }
        let escalate = s.escalate.as_ref().and_then(|e| {
            let after = self.duration(&e.after)?;
            Some((after, self.receivers(&e.notify.value)))
        });
        (notify, timing, escalate)
    }

    pub(super) fn team(&mut self, t: &ast::Team) -> Team {
        let routes = t
            .routes
            .iter()
            .filter_map(|(severity, receivers)| {
                let severity = self.lookup("severity", severity)?;
                Some((severity, self.receivers(&receivers.value)))
            })
            .collect();
        Team {
            name: t.name.value.clone(),
            routes,
        }
    }

    pub(super) fn inhibit(&mut self, i: &ast::Inhibit) -> Inhibit {
        self.check_matchers(&i.source);
        self.check_matchers(&i.target);
        Inhibit {
            name: i.name.value.clone(),
            span: i.name.span,
            source: matchers_of(&i.source),
            target: matchers_of(&i.target),
            equal: i.equal.iter().map(|e| e.value.clone()).collect(),
        }
    }

    pub(super) fn escalation_level(&mut self, e: &ast::Escalation) -> EscalationLevel {
        let response = match e.response.as_ref().map(|r| &r.value) {
            Some(ast::Response::Within(t)) => self.duration(t),
            _ => None,
        };
        EscalationLevel {
            name: e.name.value.clone(),
            contact: e.contact.value.clone(),
            response,
            scope: e.scope.as_ref().map(|s| s.value.clone()),
            description: e.description.as_ref().map(|d| d.value.clone()),
        }
    }

    pub(super) fn route_test(&mut self, t: &ast::RouteTest) -> RouteTest {
        let at =
            t.at.as_ref()
                .and_then(|at| match at.value.parse::<jiff::Timestamp>() {
                    Ok(instant) => Some(instant),
                    Err(_) => {
                        self.errors.push(ResolveError::BadSetting {
                            key: "at".into(),
                            value: at.value.clone(),
                            expected: "an RFC 3339 instant such as `2026-01-10T09:30:00Z`",
                            span: at.span,
                        });
                        None
                    }
                });
        RouteTest {
            name: t.name.value.clone(),
            span: t.name.span,
            at,
            labels: labels_of(&t.labels),
            expect: t
                .expect
                .as_ref()
                .map(|l| self.receivers(&l.value))
                .unwrap_or_default(),
        }
    }

    /// The root route from `routing { ... }`; required once any receiver exists.
    pub(super) fn routing_root(
        &mut self,
        routings: &[&ast::Routing],
        any_receiver: bool,
    ) -> (Route, Option<crate::source::Span>) {
        let Some(r) = routings.first() else {
            if any_receiver {
                self.errors
                    .push(ResolveError::NoDefaultReceiver { span: None });
            }
            return (Route::default(), None);
        };
        for extra in &routings[1..] {
            self.errors.push(ResolveError::DuplicateName {
                kind: "routing",
                name: "routing".into(),
                span: extra.span,
                first: r.span,
            });
        }
        let receiver = match &r.default {
            Some(d) => self.lookup("receiver", d),
            None => {
                self.errors
                    .push(ResolveError::NoDefaultReceiver { span: Some(r.span) });
                None
            }
        };
        let timing = self.timing(&r.timing);
        (
            Route {
                receiver,
                timing,
                ..Route::on(Vec::new())
            },
            Some(r.span),
        )
    }

    /// A route written by hand: one route per receiver it notifies (all but the last
    /// continuing), or one that hands its alerts to its children.
    pub(super) fn route_decl(&mut self, d: &ast::RouteDecl) -> Vec<Route> {
        self.check_matchers(&d.matchers);
        let receivers = d
            .notify
            .as_ref()
            .map(|l| self.receivers(&l.value))
            .unwrap_or_default();
        let timing = self.timing(&d.timing);
        let intervals = |r: &mut Self, list: &Option<crate::source::Spanned<Vec<ast::Ident>>>| {
            list.as_ref()
                .map(|l| {
                    l.value
                        .iter()
                        .filter_map(|n| r.lookup("time interval", n))
                        .collect::<Vec<usize>>()
                })
                .unwrap_or_default()
        };
        let mute = intervals(self, &d.mute);
        let active = intervals(self, &d.active);
        let children: Vec<Route> = d.routes.iter().flat_map(|c| self.route_decl(c)).collect();
        if receivers.len() > 1 && !d.routes.is_empty() {
            self.errors.push(ResolveError::BadSetting {
                key: "notify".into(),
                value: format!("{} receivers", receivers.len()),
                expected:
                    "one receiver on a route with routes inside (Alertmanager gives a route one)",
                span: d.notify.as_ref().map_or(d.span, |n| n.span),
            });
        }
        let continue_ = d.continue_.as_ref().is_some_and(|c| c.value);
        let matchers = matchers_of(&d.matchers);
        let base = |r: &mut Route| {
            r.timing = timing.clone();
            r.mute = mute.clone();
            r.active = active.clone();
            r.span = Some(d.span);
        };
        if receivers.len() <= 1 {
            let mut route = Route::on(matchers);
            base(&mut route);
            route.receiver = receivers.first().copied();
            route.continue_ = continue_;
            route.routes = children;
            return vec![route];
        }
        let mut routes = super::route_tree::chain(&matchers, &receivers, &timing);
        for r in &mut routes {
            base(r);
        }
        if let Some(last) = routes.last_mut() {
            last.continue_ = continue_;
        }
        routes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_settings() {
        assert!(check_type(Type::Bool, "true").is_ok());
        assert!(check_type(Type::Bool, "true5").is_err());
        assert!(check_type(Type::Count, "10").is_ok());
        assert!(check_type(Type::Count, "-1").is_err());
        assert!(check_type(Type::Url, "https://hooks.example/x?a=1").is_ok());
        assert!(check_type(Type::Url, "ftp://x").is_err());
        assert!(check_type(Type::Url, "https://").is_err());
        assert!(check_type(Type::HostPort, "smtp.example:587").is_ok());
        assert!(check_type(Type::HostPort, "smtp.example").is_err());
    }

    #[test]
    fn secret_files_are_paths() {
        assert!(looks_like_path("/etc/alertmanager/secrets/slack").is_ok());
        assert!(looks_like_path("secrets/pd").is_ok());
        assert!(looks_like_path("https://hooks.slack.com/services/T0/B0/x").is_err());
        assert!(looks_like_path("0123456789abcdef0123456789abcdef").is_err());
        assert!(looks_like_path("/etc/my secret").is_err());
    }
}
