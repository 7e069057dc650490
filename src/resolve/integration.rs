//! What each Alertmanager integration takes: its settings and their types, the secrets it
//! refuses inline (their `_file` form is accepted), what it cannot do without, and the
//! release that added it. Also the typing of settings shared with the `alertmanager` block.

use super::duration::Duration;
use super::model::{IntegrationKind, SettingValue};
use super::url;
use super::version::Version;

/// The type Alertmanager gives a setting.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Type {
    Bool,
    /// A whole number, zero or more.
    Count,
    /// A whole number, maybe negative (Telegram chat ids).
    Integer,
    Url,
    HostPort,
    SecretFile,
    Duration,
    /// Plain text Alertmanager does not expand.
    Text,
    /// One of a few words.
    Choice(&'static [&'static str]),
    /// Opsgenie responders: `team:sre, user:jane@example.com`.
    Responders,
    /// A Go template Alertmanager expands for each notification.
    Template,
}

/// A setting requirement: one of `any_of`, or one of `global` in the `alertmanager` block.
pub(crate) struct Need {
    pub any_of: &'static [&'static str],
    pub global: &'static [&'static str],
    /// The requirement in words, for the error.
    pub words: &'static str,
}

pub(crate) struct Spec {
    pub kind: IntegrationKind,
    pub name: &'static str,
    /// The Alertmanager release that added the integration.
    pub since: Version,
    pub settings: &'static [(&'static str, Type)],
    /// Whether it takes the HTTP client settings (proxy, authorization).
    pub http: bool,
    pub secrets: &'static [&'static str],
    pub required: &'static [Need],
    /// Settings added after the integration, with the release that added them.
    pub newer: &'static [(&'static str, Version)],
}

const V025: Version = Version::new(0, 25);

/// Alertmanager's HTTP client settings, written flat: `proxy_url`, and credentials from files.
pub(crate) const HTTP_SETTINGS: [(&str, Type); 4] = [
    ("proxy_url", Type::Url),
    ("authorization_credentials_file", Type::SecretFile),
    ("basic_auth_username", Type::Text),
    ("basic_auth_password_file", Type::SecretFile),
];
const HTTP_SECRETS: [&str; 3] = [
    "authorization_credentials",
    "basic_auth_password",
    "bearer_token",
];

pub(crate) const SPECS: [Spec; 12] = [
    Spec {
        kind: IntegrationKind::PagerDuty,
        name: "pagerduty",
        since: V025,
        settings: &[
            ("routing_key_file", Type::SecretFile),
            ("service_key_file", Type::SecretFile),
            ("url", Type::Url),
            ("client", Type::Template),
            ("client_url", Type::Template),
            ("description", Type::Template),
            ("severity", Type::Template),
            ("class", Type::Template),
            ("component", Type::Template),
            ("group", Type::Template),
            ("source", Type::Template),
            ("send_resolved", Type::Bool),
            ("timeout", Type::Duration),
        ],
        http: true,
        secrets: &["routing_key", "service_key"],
        required: &[Need {
            any_of: &["routing_key_file", "service_key_file"],
            global: &[],
            words: "`routing_key_file` or `service_key_file`",
        }],
        newer: &[("timeout", Version::new(0, 30))],
    },
    Spec {
        kind: IntegrationKind::Slack,
        name: "slack",
        since: V025,
        settings: &[
            ("api_url_file", Type::SecretFile),
            ("channel", Type::Template),
            ("username", Type::Template),
            ("color", Type::Template),
            ("title", Type::Template),
            ("title_link", Type::Template),
            ("pretext", Type::Template),
            ("text", Type::Template),
            ("footer", Type::Template),
            ("fallback", Type::Template),
            ("callback_id", Type::Template),
            ("icon_emoji", Type::Template),
            ("icon_url", Type::Template),
            ("image_url", Type::Template),
            ("thumb_url", Type::Template),
            ("link_names", Type::Bool),
            ("short_fields", Type::Bool),
            ("send_resolved", Type::Bool),
            ("timeout", Type::Duration),
        ],
        http: true,
        secrets: &["api_url"],
        required: &[Need {
            any_of: &["api_url_file"],
            global: &["slack_api_url_file"],
            words: "`api_url_file`, or `slack_api_url_file` in the `alertmanager` block",
        }],
        newer: &[("timeout", Version::new(0, 30))],
    },
    Spec {
        kind: IntegrationKind::Email,
        name: "email",
        since: V025,
        settings: &[
            ("to", Type::Template),
            ("from", Type::Template),
            ("smarthost", Type::HostPort),
            ("hello", Type::Text),
            ("auth_username", Type::Text),
            ("auth_password_file", Type::SecretFile),
            ("auth_identity", Type::Text),
            ("require_tls", Type::Bool),
            ("subject", Type::Template),
            ("html", Type::Template),
            ("text", Type::Template),
            ("send_resolved", Type::Bool),
        ],
        http: false,
        secrets: &["auth_password", "auth_secret"],
        required: &[
            Need {
                any_of: &["to"],
                global: &[],
                words: "`to`",
            },
            Need {
                any_of: &["from"],
                global: &["smtp_from"],
                words: "`from`, or `smtp_from` in the `alertmanager` block",
            },
            Need {
                any_of: &["smarthost"],
                global: &["smtp_smarthost"],
                words: "`smarthost`, or `smtp_smarthost` in the `alertmanager` block",
            },
        ],
        newer: &[],
    },
    Spec {
        kind: IntegrationKind::Webhook,
        name: "webhook",
        since: V025,
        settings: &[
            ("url", Type::Url),
            ("url_file", Type::SecretFile),
            ("max_alerts", Type::Count),
            ("send_resolved", Type::Bool),
            ("timeout", Type::Duration),
        ],
        http: true,
        secrets: &[],
        required: &[Need {
            any_of: &["url", "url_file"],
            global: &[],
            words: "`url` or `url_file`",
        }],
        newer: &[
            ("url_file", Version::new(0, 26)),
            ("timeout", Version::new(0, 28)),
        ],
    },
    Spec {
        kind: IntegrationKind::OpsGenie,
        name: "opsgenie",
        since: V025,
        settings: &[
            ("api_key_file", Type::SecretFile),
            ("api_url", Type::Url),
            ("message", Type::Template),
            ("description", Type::Template),
            ("source", Type::Template),
            ("entity", Type::Template),
            ("responders", Type::Responders),
            ("tags", Type::Template),
            ("note", Type::Template),
            ("priority", Type::Template),
            ("update_alerts", Type::Bool),
            ("send_resolved", Type::Bool),
        ],
        http: true,
        secrets: &["api_key"],
        required: &[Need {
            any_of: &["api_key_file"],
            global: &["opsgenie_api_key_file"],
            words: "`api_key_file`, or `opsgenie_api_key_file` in the `alertmanager` block",
        }],
        newer: &[],
    },
    Spec {
        kind: IntegrationKind::VictorOps,
        name: "victorops",
        since: V025,
        settings: &[
            ("api_key_file", Type::SecretFile),
            ("api_url", Type::Url),
            ("routing_key", Type::Template),
            ("message_type", Type::Template),
            ("state_message", Type::Template),
            ("entity_display_name", Type::Template),
            ("monitoring_tool", Type::Template),
            ("send_resolved", Type::Bool),
        ],
        http: true,
        secrets: &["api_key"],
        required: &[
            Need {
                any_of: &["routing_key"],
                global: &[],
                words: "`routing_key`",
            },
            Need {
                any_of: &["api_key_file"],
                global: &["victorops_api_key_file"],
                words: "`api_key_file`, or `victorops_api_key_file` in the `alertmanager` block",
            },
        ],
        newer: &[],
    },
    Spec {
        kind: IntegrationKind::Pushover,
        name: "pushover",
        since: V025,
        settings: &[
            ("user_key_file", Type::SecretFile),
            ("token_file", Type::SecretFile),
            ("title", Type::Template),
            ("message", Type::Template),
            ("url", Type::Template),
            ("url_title", Type::Template),
            ("device", Type::Template),
            ("sound", Type::Template),
            ("priority", Type::Template),
            ("retry", Type::Duration),
            ("expire", Type::Duration),
            ("ttl", Type::Duration),
            ("html", Type::Bool),
            ("send_resolved", Type::Bool),
        ],
        http: true,
        secrets: &["user_key", "token"],
        required: &[
            Need {
                any_of: &["user_key_file"],
                global: &[],
                words: "`user_key_file`",
            },
            Need {
                any_of: &["token_file"],
                global: &[],
                words: "`token_file`",
            },
        ],
        // Before 0.26 Pushover's keys could only be written inline.
        newer: &[
            ("user_key_file", Version::new(0, 26)),
            ("token_file", Version::new(0, 26)),
            ("device", Version::new(0, 26)),
            ("ttl", Version::new(0, 27)),
        ],
    },
    Spec {
        kind: IntegrationKind::Telegram,
        name: "telegram",
        since: V025,
        settings: &[
            ("bot_token_file", Type::SecretFile),
            ("chat_id", Type::Integer),
            ("api_url", Type::Url),
            ("message", Type::Template),
            ("disable_notifications", Type::Bool),
            (
                "parse_mode",
                Type::Choice(&["HTML", "Markdown", "MarkdownV2"]),
            ),
            ("message_thread_id", Type::Integer),
            ("send_resolved", Type::Bool),
        ],
        http: true,
        secrets: &["bot_token"],
        required: &[
            Need {
                any_of: &["bot_token_file"],
                global: &[],
                words: "`bot_token_file`",
            },
            Need {
                any_of: &["chat_id"],
                global: &[],
                words: "`chat_id`",
            },
        ],
        newer: &[
            ("bot_token_file", Version::new(0, 26)),
            ("message_thread_id", Version::new(0, 28)),
        ],
    },
    Spec {
        kind: IntegrationKind::Discord,
        name: "discord",
        since: V025,
        settings: &[
            ("webhook_url_file", Type::SecretFile),
            ("title", Type::Template),
            ("message", Type::Template),
            ("content", Type::Template),
            ("username", Type::Template),
            ("avatar_url", Type::Template),
            ("send_resolved", Type::Bool),
        ],
        http: true,
        secrets: &["webhook_url"],
        required: &[Need {
            any_of: &["webhook_url_file"],
            global: &[],
            words: "`webhook_url_file`",
        }],
        newer: &[
            ("webhook_url_file", Version::new(0, 27)),
            ("content", Version::new(0, 28)),
            ("username", Version::new(0, 28)),
            ("avatar_url", Version::new(0, 28)),
        ],
    },
    Spec {
        kind: IntegrationKind::Webex,
        name: "webex",
        since: V025,
        settings: &[
            ("room_id", Type::Template),
            ("api_url", Type::Url),
            ("message", Type::Template),
            ("send_resolved", Type::Bool),
        ],
        http: true,
        secrets: &[],
        required: &[
            Need {
                any_of: &["room_id"],
                global: &[],
                words: "`room_id`",
            },
            Need {
                any_of: &["authorization_credentials_file"],
                global: &[],
                words: "`authorization_credentials_file` (the bot's access token)",
            },
        ],
        newer: &[],
    },
    Spec {
        kind: IntegrationKind::Sns,
        name: "sns",
        since: V025,
        settings: &[
            ("api_url", Type::Url),
            ("topic_arn", Type::Template),
            ("phone_number", Type::Template),
            ("target_arn", Type::Template),
            ("subject", Type::Template),
            ("message", Type::Template),
            ("sigv4_region", Type::Text),
            ("sigv4_profile", Type::Text),
            ("sigv4_role_arn", Type::Text),
            ("send_resolved", Type::Bool),
        ],
        http: true,
        secrets: &[],
        required: &[Need {
            any_of: &["topic_arn", "phone_number", "target_arn"],
            global: &[],
            words: "`topic_arn`, `phone_number` or `target_arn`",
        }],
        newer: &[],
    },
    Spec {
        kind: IntegrationKind::MsTeams,
        name: "msteams",
        since: Version::new(0, 26),
        settings: &[
            ("webhook_url_file", Type::SecretFile),
            ("title", Type::Template),
            ("summary", Type::Template),
            ("text", Type::Template),
            ("send_resolved", Type::Bool),
        ],
        http: true,
        secrets: &["webhook_url"],
        required: &[Need {
            any_of: &["webhook_url_file"],
            global: &[],
            words: "`webhook_url_file`",
        }],
        newer: &[
            ("webhook_url_file", Version::new(0, 27)),
            ("summary", Version::new(0, 27)),
        ],
    },
];

/// The integration a receiver block names.
pub(crate) fn spec(name: &str) -> Option<&'static Spec> {
    SPECS.iter().find(|s| s.name == name)
}

pub(crate) fn names() -> impl Iterator<Item = &'static str> {
    SPECS.iter().map(|s| s.name)
}

impl Spec {
    /// A setting's type, the HTTP client settings included.
    pub(crate) fn type_of(&self, key: &str) -> Option<Type> {
        let http: &[(&str, Type)] = if self.http { &HTTP_SETTINGS } else { &[] };
        self.settings
            .iter()
            .chain(http)
            .find(|(k, _)| *k == key)
            .map(|(_, t)| *t)
    }

    pub(crate) fn is_secret(&self, key: &str) -> bool {
        self.secrets.contains(&key) || (self.http && HTTP_SECRETS.contains(&key))
    }

    /// The Alertmanager release a setting of this integration needs.
    pub(crate) fn needs(&self, key: &str) -> Version {
        self.newer
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(self.since, |(_, v)| (*v).max(self.since))
    }

    pub(crate) fn all_settings(&self) -> impl Iterator<Item = &'static str> + '_ {
        let http: &[(&str, Type)] = if self.http { &HTTP_SETTINGS } else { &[] };
        self.settings.iter().chain(http).map(|(k, _)| *k)
    }
}

/// Alertmanager's global settings, by the names its configuration gives them, with the
/// release that added each.
pub(crate) const GLOBAL_SETTINGS: [(&str, Type, Version); 19] = [
    ("resolve_timeout", Type::Duration, V025),
    ("smtp_from", Type::Text, V025),
    ("smtp_hello", Type::Text, V025),
    ("smtp_smarthost", Type::HostPort, V025),
    ("smtp_auth_username", Type::Text, V025),
    ("smtp_auth_password_file", Type::SecretFile, V025),
    ("smtp_auth_identity", Type::Text, V025),
    ("smtp_require_tls", Type::Bool, V025),
    ("slack_api_url_file", Type::SecretFile, V025),
    ("pagerduty_url", Type::Url, V025),
    ("opsgenie_api_url", Type::Url, V025),
    ("opsgenie_api_key_file", Type::SecretFile, V025),
    ("victorops_api_url", Type::Url, V025),
    ("victorops_api_key_file", Type::SecretFile, V025),
    ("telegram_api_url", Type::Url, V025),
    ("webex_api_url", Type::Url, V025),
    ("wechat_api_url", Type::Url, V025),
    ("wechat_api_corp_id", Type::Text, V025),
    ("jira_api_url", Type::Url, Version::new(0, 28)),
];

pub(crate) const GLOBAL_SECRETS: [&str; 6] = [
    "smtp_auth_password",
    "smtp_auth_secret",
    "slack_api_url",
    "opsgenie_api_key",
    "victorops_api_key",
    "wechat_api_secret",
];

/// Checks a value against its type: the typed value, or what was expected.
pub(crate) fn typed(kind: Type, value: &str) -> Result<SettingValue, &'static str> {
    let text = || SettingValue::Text(value.to_string());
    let ok = match kind {
        Type::Bool => {
            return match value {
                "true" => Ok(SettingValue::Bool(true)),
                "false" => Ok(SettingValue::Bool(false)),
                _ => Err("`true` or `false`"),
            }
        }
        Type::Count => {
            return value
                .parse::<u32>()
                .map(|n| SettingValue::Int(n.into()))
                .map_err(|_| "a whole number")
        }
        Type::Integer => {
            return value
                .parse::<i64>()
                .map(SettingValue::Int)
                .map_err(|_| "a whole number")
        }
        Type::Url => url::parts(value).is_some(),
        Type::HostPort => value.rsplit_once(':').is_some_and(|(host, port)| {
            !host.is_empty() && !host.contains(char::is_whitespace) && port.parse::<u16>().is_ok()
        }),
        Type::SecretFile => return looks_like_path(value).map(|()| text()),
        Type::Duration => Duration::parse(value).is_ok_and(|d| d.0 > 0),
        Type::Choice(words) => words.contains(&value),
        Type::Responders => responders(value).is_some(),
        Type::Text | Type::Template => true,
    };
    if ok {
        Ok(text())
    } else {
        Err(match kind {
            Type::Url => "an `http://` or `https://` URL",
            Type::HostPort => "`host:port`",
            Type::Duration => "a duration such as `10s`",
            Type::Choice(_) => "`HTML`, `Markdown` or `MarkdownV2`",
            Type::Responders => {
                "responders such as `team:sre, user:jane@example.com` (team, user, escalation or schedule)"
            }
            _ => "a value",
        })
    }
}

/// `team:sre, user:jane@example.com`: Opsgenie's responders as (type, name).
pub(crate) fn responders(value: &str) -> Option<Vec<(&str, &str)>> {
    value
        .split(',')
        .map(|part| {
            let (kind, name) = part.trim().split_once(':')?;
            let (kind, name) = (kind.trim(), name.trim());
            let known = matches!(kind, "team" | "user" | "escalation" | "schedule");
            (known && !name.is_empty()).then_some((kind, name))
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_settings() {
        assert!(typed(Type::Bool, "true").is_ok());
        assert!(typed(Type::Bool, "true5").is_err());
        assert!(typed(Type::Count, "10").is_ok());
        assert!(typed(Type::Count, "-1").is_err());
        assert!(typed(Type::Integer, "-1001234").is_ok());
        assert!(typed(Type::Url, "https://hooks.example/x?a=1").is_ok());
        assert!(typed(Type::Url, "ftp://x").is_err());
        assert!(typed(Type::Url, "https://").is_err());
        assert!(typed(Type::HostPort, "smtp.example:587").is_ok());
        assert!(typed(Type::HostPort, "smtp.example").is_err());
        assert!(typed(Type::Responders, "team:sre, user:a@b.c").is_ok());
        assert!(typed(Type::Responders, "crew:sre").is_err());
        assert!(typed(Type::Responders, "team:").is_err());
    }

    #[test]
    fn secret_files_are_paths() {
        assert!(looks_like_path("/etc/alertmanager/secrets/slack").is_ok());
        assert!(looks_like_path("secrets/pd").is_ok());
        assert!(looks_like_path("https://hooks.slack.com/services/T0/B0/x").is_err());
        assert!(looks_like_path("0123456789abcdef0123456789abcdef").is_err());
        assert!(looks_like_path("/etc/my secret").is_err());
    }

    #[test]
    fn every_integration_can_be_configured_without_inline_secrets() {
        for spec in &SPECS {
            for need in spec.required {
                for key in need.any_of {
                    assert!(spec.type_of(key).is_some(), "{}: {key}", spec.name);
                }
            }
        }
    }
}
