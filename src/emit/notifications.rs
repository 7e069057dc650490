//! What each integration's notification says when the source leaves it to us: the fields
//! filled from the generated templates (`watchbook.tmpl`), per service.

use crate::resolve::model::{IntegrationKind, Model};
use crate::resolve::version::Version;
use yaml_serde::{Mapping, Value};

fn call(name: &str) -> Value {
    Value::String(format!("{{{{ template \"{name}\" . }}}}"))
}

fn map(pairs: &[(&str, Value)]) -> Value {
    let mut m = Mapping::new();
    for (k, v) in pairs {
        m.insert(Value::String((*k).to_string()), v.clone());
    }
    Value::Mapping(m)
}

fn text(s: &str) -> Value {
    Value::String(s.to_string())
}

/// Whether any alert links a dashboard: only then is a dashboard button worth showing.
fn has_dashboards(model: &Model) -> bool {
    model
        .alerts
        .iter()
        .flat_map(|a| &a.rules)
        .any(|r| r.annotations.contains_key("dashboard_url"))
}

/// The generated fields of one integration, by key (Alertmanager's names, nested as it
/// nests them). A field the source sets replaces ours.
pub(super) fn fields(kind: IntegrationKind, model: &Model) -> Vec<(&'static str, Value)> {
    let dashboards = has_dashboards(model);
    let version = model.project.alertmanager_version;
    let link = |href: &str, label: &str| map(&[("href", call(href)), ("text", text(label))]);
    match kind {
        IntegrationKind::Slack => {
            let button = |label: &str, url: &str| {
                map(&[
                    ("type", text("button")),
                    ("text", text(label)),
                    ("url", call(url)),
                ])
            };
            let mut actions = vec![button("Runbook", "watchbook.runbook_url")];
            if dashboards {
                actions.push(button("Dashboard", "watchbook.dashboard_url"));
            }
            vec![
                ("title", call("watchbook.title")),
                ("title_link", call("watchbook.runbook_url")),
                ("text", call("watchbook.text")),
                ("fallback", call("watchbook.title")),
                ("color", call("watchbook.color")),
                ("actions", Value::Sequence(actions)),
            ]
        }
        IntegrationKind::PagerDuty => {
            let mut links = vec![link("watchbook.runbook_url", "Runbook")];
            if dashboards {
                links.push(link("watchbook.dashboard_url", "Dashboard"));
            }
            vec![
                ("description", call("watchbook.summary")),
                ("severity", call("watchbook.pagerduty.severity")),
                ("links", Value::Sequence(links)),
                (
                    "details",
                    map(&[
                        ("summary", call("watchbook.summary")),
                        ("alerts", call("watchbook.plain")),
                        ("labels", call("watchbook.labels")),
                        ("runbook_url", call("watchbook.runbook_url")),
                    ]),
                ),
            ]
        }
        IntegrationKind::Email => vec![
            ("headers", map(&[("Subject", call("watchbook.title"))])),
            ("html", call("watchbook.html")),
            ("text", call("watchbook.plain")),
        ],
        IntegrationKind::OpsGenie => vec![
            ("message", call("watchbook.summary")),
            ("description", call("watchbook.plain")),
            ("priority", call("watchbook.opsgenie.priority")),
            (
                "details",
                map(&[
                    ("runbook_url", call("watchbook.runbook_url")),
                    ("labels", call("watchbook.labels")),
                ]),
            ),
        ],
        IntegrationKind::VictorOps => vec![
            ("message_type", call("watchbook.victorops.message_type")),
            ("entity_display_name", call("watchbook.summary")),
            ("state_message", call("watchbook.plain")),
            (
                "custom_fields",
                map(&[("runbook_url", call("watchbook.runbook_url"))]),
            ),
        ],
        IntegrationKind::Pushover => vec![
            ("title", call("watchbook.title")),
            ("message", call("watchbook.plain")),
            ("url", call("watchbook.runbook_url")),
            ("url_title", text("Runbook")),
            ("priority", call("watchbook.pushover.priority")),
        ],
        IntegrationKind::Telegram => vec![
            ("message", call("watchbook.telegram")),
            ("parse_mode", text("HTML")),
        ],
        IntegrationKind::Discord => vec![
            ("title", call("watchbook.title")),
            ("message", call("watchbook.markdown")),
        ],
        IntegrationKind::Webex => vec![("message", call("watchbook.markdown"))],
        IntegrationKind::Sns => vec![
            ("subject", call("watchbook.title")),
            ("message", call("watchbook.plain")),
        ],
        IntegrationKind::MsTeams => {
            let mut out = vec![
                ("title", call("watchbook.title")),
                ("text", call("watchbook.markdown")),
            ];
            if version >= Version::new(0, 27) {
                out.push(("summary", call("watchbook.summary")));
            }
            out
        }
        // A webhook receives every alert with its labels and annotations already.
        IntegrationKind::Webhook => Vec::new(),
    }
}
