//! Receivers compiled from `tests/fixtures/receivers`: every integration Alertmanager 0.25 can
//! run without an inline secret, global settings and a template file of the source's own,
//! accepted by `amtool check-config`; and the notifications they send, rendered by
//! `amtool template render` from the generated templates: what fired, where, how bad, the
//! summary and description, and links an on-call engineer can follow.

mod common;

use common::{compile_command, root, text, tool};
use serde_json::json;
use std::path::Path;
use std::process::Command;
use yaml_serde::Value;

fn compiled(fixture: &str) -> tempfile::TempDir {
    let out = tempfile::tempdir().expect("tempdir");
    let result = compile_command(&root().join(fixture), &out.path().join("g"))
        .output()
        .expect("compile runs");
    assert!(result.status.success(), "{}", text(&result.stderr));
    out
}

fn config(out: &Path) -> Value {
    let path = out.join("g/alertmanager/alertmanager.yml");
    yaml_serde::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn receiver<'a>(config: &'a Value, name: &str) -> &'a Value {
    config["receivers"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|r| r["name"].as_str() == Some(name))
        .unwrap_or_else(|| panic!("no receiver {name}"))
}

/// Alertmanager's notification data for one group of alerts, as `template.Data` reads it.
fn data(alerts: &[(&str, &str, &str, &str)]) -> serde_json::Value {
    let alerts: Vec<serde_json::Value> = alerts
        .iter()
        .map(|(name, severity, summary, runbook)| {
            json!({
                "status": "firing",
                "labels": {"alertname": name, "severity": severity, "environment": "prod", "job": "api"},
                "annotations": {
                    "summary": summary,
                    "description": "Checked <every> minute & more.",
                    "runbook_url": runbook,
                },
                "startsAt": "2026-01-01T00:00:00Z",
                "endsAt": "0001-01-01T00:00:00Z",
                "generatorURL": "http://127.0.0.1:9090/graph",
                "fingerprint": "0",
            })
        })
        .collect();
    let first = alerts[0]["labels"].clone();
    json!({
        "receiver": "chat",
        "status": "firing",
        "alerts": alerts,
        "groupLabels": {"alertname": first["alertname"]},
        "commonLabels": {"alertname": first["alertname"], "environment": "prod", "job": "api"},
        "commonAnnotations": {},
        "externalURL": "http://127.0.0.1:9093",
    })
}

/// `amtool template render` of `text` over the generated and the source's templates.
fn render(out: &Path, text_: &str, data: &serde_json::Value, html: bool) -> Option<String> {
    let amtool = tool("amtool")?;
    let dir = out.join("g/alertmanager");
    let data_file = out.join("data.json");
    std::fs::write(&data_file, data.to_string()).unwrap();
    let mut command = Command::new(amtool);
    command
        .args(["template", "render"])
        .arg(format!(
            "--template.glob={}",
            dir.join("watchbook.tmpl").display()
        ))
        .arg(format!(
            "--template.glob={}",
            dir.join("templates/notifications/team.tmpl").display()
        ))
        .arg(format!("--template.data={}", data_file.display()))
        .arg(format!("--template.text={text_}"));
    if html {
        command.arg("--template.type=html");
    }
    let result = command.output().unwrap();
    assert!(result.status.success(), "{text_}: {}", text(&result.stderr));
    Some(text(&result.stdout))
}

#[test]
fn amtool_accepts_every_integration_the_global_settings_and_the_template_files() {
    let out = compiled("tests/fixtures/receivers");
    let Some(amtool) = tool("amtool") else { return };
    let check = Command::new(amtool)
        .arg("check-config")
        .arg(out.path().join("g/alertmanager/alertmanager.yml"))
        .output()
        .unwrap();
    let stdout = text(&check.stdout);
    assert!(check.status.success(), "{stdout}{}", text(&check.stderr));
    assert!(
        stdout.contains("4 receivers") && stdout.contains("2 templates"),
        "{stdout}"
    );
}

#[test]
fn settings_land_where_alertmanager_reads_them() {
    let out = compiled("tests/fixtures/receivers");
    let config = config(out.path());
    assert_eq!(config["global"]["resolve_timeout"].as_str(), Some("10m"));
    assert_eq!(
        config["global"]["smtp_auth_password_file"].as_str(),
        Some("/etc/alertmanager/secrets/smtp-password")
    );
    let templates: Vec<&str> = config["templates"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert_eq!(
        templates,
        ["watchbook.tmpl", "templates/notifications/team.tmpl"]
    );
    let copied = out
        .path()
        .join("g/alertmanager/templates/notifications/team.tmpl");
    assert_eq!(
        std::fs::read(copied).unwrap(),
        std::fs::read(root().join("tests/fixtures/receivers/notifications/team.tmpl")).unwrap()
    );
    let pager = receiver(&config, "pager");
    let responders = &pager["opsgenie_configs"][0]["responders"];
    assert_eq!(responders[0]["type"].as_str(), Some("team"));
    assert_eq!(responders[1]["name"].as_str(), Some("oncall@example.com"));
    let archive = &receiver(&config, "archive")["webhook_configs"][0];
    assert_eq!(
        archive["http_config"]["basic_auth"]["password_file"].as_str(),
        Some("/etc/alertmanager/secrets/archive-password")
    );
    assert_eq!(archive["max_alerts"].as_u64(), Some(20));
    let mail = receiver(&config, "mail");
    // The source's subject wins over ours; the body stays generated.
    assert_eq!(
        mail["email_configs"][0]["headers"]["Subject"].as_str(),
        Some("[{{ .Status }}] {{ .CommonLabels.alertname }}")
    );
    assert_eq!(
        mail["sns_configs"][0]["sigv4"]["region"].as_str(),
        Some("eu-west-1")
    );
    let slack = &receiver(&config, "chat")["slack_configs"][0];
    assert_eq!(
        slack["footer"].as_str(),
        Some("{{ template \"team.footer\" . }}")
    );
    assert_eq!(slack["actions"][0]["text"].as_str(), Some("Runbook"));
    for field in ["title", "title_link", "text", "color"] {
        assert!(slack[field].as_str().is_some(), "slack has no {field}");
    }
    assert_eq!(
        receiver(&config, "chat")["webex_configs"][0]["http_config"]["authorization"]
            ["credentials_file"]
            .as_str(),
        Some("/etc/alertmanager/secrets/webex-bot")
    );
}

/// Renders one field of a receiver's first config of `kind`, as Alertmanager would.
fn field(
    out: &Path,
    config: &Value,
    name: &str,
    kind: &str,
    key: &str,
    data: &serde_json::Value,
) -> Option<String> {
    let template = receiver(config, name)[kind][0][key]
        .as_str()
        .unwrap_or_else(|| panic!("{name} {kind} has no {key}"))
        .to_string();
    render(out, &template, data, false)
}

#[test]
fn slack_messages_say_what_fired_and_link_the_runbook() {
    let out = compiled("tests/fixtures/receivers");
    let config = config(out.path());
    let runbook = "https://runbooks.example.com/receivers#servicedown";
    let group = data(&[("ServiceDown", "critical", "Service api is down.", runbook)]);
    let Some(title) = field(
        out.path(),
        &config,
        "chat",
        "slack_configs",
        "title",
        &group,
    ) else {
        return;
    };
    assert_eq!(title, "[FIRING:1] ServiceDown in prod");
    let body = field(out.path(), &config, "chat", "slack_configs", "text", &group).unwrap();
    assert!(body.contains("*CRITICAL: Service api is down.*"), "{body}");
    assert!(body.contains("Checked <every> minute & more."), "{body}");
    assert!(body.contains(&format!("<{runbook}|Runbook>")), "{body}");
    let link = field(
        out.path(),
        &config,
        "chat",
        "slack_configs",
        "title_link",
        &group,
    )
    .unwrap();
    assert_eq!(link, runbook);
    let footer = field(
        out.path(),
        &config,
        "chat",
        "slack_configs",
        "footer",
        &group,
    )
    .unwrap();
    assert_eq!(footer, "Owned by the SRE team · 1 alert(s)");
    let color = field(
        out.path(),
        &config,
        "chat",
        "slack_configs",
        "color",
        &group,
    )
    .unwrap();
    assert_eq!(color, "danger");
}

#[test]
fn pagerduty_severity_follows_ours_and_the_summary_leads() {
    let out = compiled("tests/fixtures/receivers");
    let config = config(out.path());
    let cases = [
        ("critical", "critical"),
        ("warning", "warning"),
        ("info", "info"),
        ("unknown", "error"),
    ];
    for (ours, theirs) in cases {
        let group = data(&[("X", ours, "Something broke.", "https://r.example/#x")]);
        let Some(severity) = field(
            out.path(),
            &config,
            "pager",
            "pagerduty_configs",
            "severity",
            &group,
        ) else {
            return;
        };
        assert_eq!(severity, theirs, "severity {ours}");
    }
    // The worst alert of a mixed group decides.
    let mixed = data(&[
        ("X", "warning", "Slow.", "https://r.example/#x"),
        ("X", "critical", "Down.", "https://r.example/#x"),
    ]);
    let severity = field(
        out.path(),
        &config,
        "pager",
        "pagerduty_configs",
        "severity",
        &mixed,
    )
    .unwrap();
    assert_eq!(severity, "critical");
    let description = field(
        out.path(),
        &config,
        "pager",
        "pagerduty_configs",
        "description",
        &mixed,
    )
    .unwrap();
    assert_eq!(description, "Slow. (2 alerts)");
    let href = receiver(&config, "pager")["pagerduty_configs"][0]["links"][0]["href"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        render(out.path(), &href, &mixed, false).unwrap(),
        "https://r.example/#x"
    );
    let priority = field(
        out.path(),
        &config,
        "pager",
        "opsgenie_configs",
        "priority",
        &mixed,
    )
    .unwrap();
    assert_eq!(priority, "P1");
    let message_type = field(
        out.path(),
        &config,
        "pager",
        "victorops_configs",
        "message_type",
        &mixed,
    )
    .unwrap();
    assert_eq!(message_type, "CRITICAL");
}

#[test]
fn email_bodies_escape_what_alerts_say_and_carry_the_links() {
    let out = compiled("tests/fixtures/receivers");
    let config = config(out.path());
    let group = data(&[(
        "ServiceDown",
        "critical",
        "Latency > 2s",
        "https://r.example/#servicedown",
    )]);
    let template = receiver(&config, "mail")["email_configs"][0]["html"]
        .as_str()
        .unwrap()
        .to_string();
    let Some(html) = render(out.path(), &template, &group, true) else {
        return;
    };
    assert!(html.contains("CRITICAL: Latency &gt; 2s"), "{html}");
    assert!(
        html.contains("Checked &lt;every&gt; minute &amp; more."),
        "{html}"
    );
    assert!(
        html.contains("<a href=\"https://r.example/#servicedown\">Runbook</a>"),
        "{html}"
    );
    let plain = field(out.path(), &config, "mail", "email_configs", "text", &group).unwrap();
    assert!(
        plain.contains("Runbook: https://r.example/#servicedown"),
        "{plain}"
    );
    assert!(plain.contains("environment=prod"), "{plain}");
}

#[test]
fn without_a_runbook_link_buttons_open_alertmanager() {
    let out = compiled("tests/fixtures/receivers");
    let config = config(out.path());
    let group = data(&[("ServiceDown", "critical", "Down.", "")]);
    let Some(link) = field(
        out.path(),
        &config,
        "chat",
        "slack_configs",
        "title_link",
        &group,
    ) else {
        return;
    };
    assert!(
        link.starts_with("http://127.0.0.1:9093/#/alerts?receiver="),
        "{link}"
    );
}

#[test]
fn newer_integrations_compile_for_the_alertmanager_the_project_names() {
    let out = compiled("tests/fixtures/receivers_newer");
    let config = config(out.path());
    let teams = receiver(&config, "teams");
    assert_eq!(
        teams["msteams_configs"][0]["webhook_url_file"].as_str(),
        Some("/etc/alertmanager/secrets/teams")
    );
    // `summary` exists from 0.27 on, and the project says 0.28.
    assert!(teams["msteams_configs"][0]["summary"].as_str().is_some());
    assert_eq!(
        teams["telegram_configs"][0]["chat_id"].as_i64(),
        Some(-1001234567890)
    );
    assert_eq!(
        teams["telegram_configs"][0]["parse_mode"].as_str(),
        Some("HTML")
    );
    let phones = receiver(&config, "phones");
    assert_eq!(phones["pushover_configs"][0]["ttl"].as_str(), Some("1h"));
    assert!(phones["discord_configs"][0]["message"].as_str().is_some());
    // The same source for Debian's 0.25 names each setting 0.25 lacks.
    let tmp = tempfile::tempdir().unwrap();
    let source = std::fs::read_to_string(root().join("tests/fixtures/receivers_newer/main.wb"))
        .unwrap()
        .replace(
            "alertmanager_version \"0.28\"",
            "alertmanager_version \"0.25\"",
        );
    std::fs::write(tmp.path().join("main.wb"), source).unwrap();
    let result = compile_command(tmp.path(), &tmp.path().join("g"))
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(1));
    let stderr = text(&result.stderr);
    for needs in [
        "the msteams integration needs Alertmanager 0.26",
        "telegram `bot_token_file` needs Alertmanager 0.26",
        "pushover `ttl` needs Alertmanager 0.27",
        "discord `webhook_url_file` needs Alertmanager 0.27",
        "webhook `timeout` needs Alertmanager 0.28",
    ] {
        assert!(stderr.contains(needs), "{needs}: {stderr}");
    }
}
