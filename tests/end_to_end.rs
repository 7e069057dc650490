//! The generated rules and routes in the real servers, Debian's Prometheus and Alertmanager:
//! Prometheus loads the rule files and scrapes an exporter this test controls; Alertmanager
//! runs the generated configuration, its services pointed at a capture server on 127.0.0.1 by
//! the `alertmanager` block's settings (the routing is not touched). The test checks that
//! every rule group is healthy, that a critical alert reaches PagerDuty and Slack, a warning
//! Slack only, a dev critical the dev channel and not the pager, that an inhibition mutes its
//! target, and that the messages carry the summary and the runbook link.
//!
//! Loopback only; every wait is bounded; both servers are stopped by their PIDs however the
//! test ends.

mod common;

use common::{compile_command, copy_dir, root, text, tool};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What the exporter serves: the metrics that make the alerts fire.
const METRICS: &str = "\
# TYPE e2e_up gauge
e2e_up{job=\"api\",environment=\"prod\"} 0
e2e_up{job=\"api\",environment=\"dev\"} 0
e2e_up{job=\"web\",environment=\"prod\"} 1
# TYPE e2e_latency_seconds gauge
e2e_latency_seconds{job=\"api\",environment=\"prod\"} 5
e2e_latency_seconds{job=\"web\",environment=\"prod\"} 5
";

/// The longest the whole test may wait for the servers.
const DEADLINE: Duration = Duration::from_secs(120);

/// A request the capture server received: its path and JSON body.
type Captured = Arc<Mutex<Vec<(String, Value)>>>;

/// Serves `/metrics` and records every POST; answers what PagerDuty and Slack answer.
fn capture_server() -> (u16, Captured) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the capture server");
    let port = listener.local_addr().unwrap().port();
    let captured: Captured = Arc::default();
    let sink = captured.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let sink = sink.clone();
            std::thread::spawn(move || {
                let _ = serve(stream, &sink);
            });
        }
    });
    (port, captured)
}

fn serve(mut stream: TcpStream, sink: &Captured) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let mut parts = request.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let (status, reply) = if method == "GET" && path.starts_with("/metrics") {
        ("200 OK", METRICS.to_string())
    } else {
        let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
        sink.lock().unwrap().push((path.to_string(), json));
        if path.starts_with("/pagerduty") {
            ("202 Accepted", r#"{"status":"success"}"#.to_string())
        } else {
            ("200 OK", "ok".to_string())
        }
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
        reply.len()
    )
}

/// A free port on the loopback interface.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Stops the servers by their PIDs when the test ends, passed or not.
struct Servers(Vec<Child>);

impl Drop for Servers {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn get(port: u16, path: &str) -> Option<Value> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let (_, body) = response.split_once("\r\n\r\n")?;
    serde_json::from_str(body).ok()
}

/// Polls until `done` holds, or fails after the deadline with what was last seen.
fn wait_for(start: Instant, what: &str, mut done: impl FnMut() -> Result<(), String>) {
    loop {
        match done() {
            Ok(()) => return,
            Err(last) if start.elapsed() > DEADLINE => panic!("{what}: {last}"),
            Err(_) => std::thread::sleep(Duration::from_millis(500)),
        }
    }
}

fn has_servers() -> bool {
    // Under CI a missing server fails here; elsewhere it skips, loudly.
    tool("prometheus").is_some() && tool("prometheus-alertmanager").is_some()
}

#[test]
fn generated_rules_and_routes_work_together_in_the_real_servers() {
    if !has_servers() {
        eprintln!("SKIPPED the end-to-end test: install `prometheus` and `prometheus-alertmanager` (tests/run.sh does)");
        return;
    }
    let start = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let (capture, captured) = capture_server();

    // The source, with the deployment's settings: where PagerDuty and Slack are.
    let rules = tmp.path().join("rules");
    copy_dir(&root().join("tests/fixtures/end_to_end"), &rules);
    let slack_url = tmp.path().join("slack-url");
    std::fs::write(&slack_url, format!("http://127.0.0.1:{capture}/slack\n")).unwrap();
    std::fs::write(
        rules.join("alertmanager.wb"),
        format!(
            "alertmanager {{\n  pagerduty_url \"http://127.0.0.1:{capture}/pagerduty\"\n  slack_api_url_file \"{}\"\n}}\n",
            slack_url.display()
        ),
    )
    .unwrap();
    let out = tmp.path().join("generated");
    let compiled = compile_command(&rules, &out).output().unwrap();
    assert!(compiled.status.success(), "{}", text(&compiled.stderr));
    let am_dir = out.join("alertmanager");
    std::fs::create_dir_all(am_dir.join("secrets")).unwrap();
    std::fs::write(
        am_dir.join("secrets/pagerduty-routing-key"),
        "e2e-routing-key\n",
    )
    .unwrap();

    let (am_port, prom_port) = (free_port(), free_port());
    let mut servers = Servers(Vec::new());
    servers.0.push(
        Command::new("prometheus-alertmanager")
            // Alertmanager reads relative secret files from its working directory.
            .current_dir(&am_dir)
            .arg(format!(
                "--config.file={}",
                am_dir.join("alertmanager.yml").display()
            ))
            .arg(format!(
                "--storage.path={}",
                tmp.path().join("am-data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{am_port}"))
            .arg("--cluster.listen-address=")
            .arg("--log.level=warn")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(tmp.path().join("alertmanager.log")).unwrap())
            .spawn()
            .expect("start Alertmanager"),
    );
    let rule_files: Vec<String> = common::files_ending(&out.join("prometheus"), ".rules.yml")
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    assert!(!rule_files.is_empty());
    let prometheus_yml = tmp.path().join("prometheus.yml");
    std::fs::write(
        &prometheus_yml,
        format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files: {rule_files:?}\nalerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['127.0.0.1:{am_port}']\nscrape_configs:\n  - job_name: exporter\n    honor_labels: true\n    static_configs:\n      - targets: ['127.0.0.1:{capture}']\n"
        ),
    )
    .unwrap();
    servers.0.push(
        Command::new("prometheus")
            .arg(format!("--config.file={}", prometheus_yml.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                tmp.path().join("prom-data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{prom_port}"))
            .arg("--log.level=warn")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(tmp.path().join("prometheus.log")).unwrap())
            .spawn()
            .expect("start Prometheus"),
    );
    let logs = || {
        let read = |f: &str| std::fs::read_to_string(tmp.path().join(f)).unwrap_or_default();
        format!(
            "\n--- prometheus.log\n{}\n--- alertmanager.log\n{}",
            read("prometheus.log"),
            read("alertmanager.log")
        )
    };

    // Every rule group loads and evaluates without error.
    wait_for(start, "rule groups healthy", || {
        let rules = get(prom_port, "/api/v1/rules").ok_or("Prometheus is not up")?;
        let groups = rules["data"]["groups"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let all: Vec<&Value> = groups
            .iter()
            .flat_map(|g| g["rules"].as_array().into_iter().flatten())
            .collect();
        if all.len() < 2 {
            return Err(format!("{} rules loaded{}", all.len(), logs()));
        }
        let unhealthy: Vec<&Value> = all
            .iter()
            .copied()
            .filter(|r| r["health"] != "ok")
            .collect();
        if unhealthy.is_empty() {
            Ok(())
        } else {
            Err(format!("{unhealthy:?}{}", logs()))
        }
    });

    // The notifications arrive: PagerDuty for prod's critical, Slack for both channels.
    let slack = |channel: &str, alertname: &str| -> Option<Value> {
        captured.lock().unwrap().iter().find_map(|(path, body)| {
            let text = body.to_string();
            (path == "/slack" && body["channel"] == channel && text.contains(alertname))
                .then(|| body.clone())
        })
    };
    let pages = || -> Vec<Value> {
        captured
            .lock()
            .unwrap()
            .iter()
            .filter(|(path, _)| path.starts_with("/pagerduty"))
            .map(|(_, body)| body.clone())
            .collect()
    };
    wait_for(start, "notifications", || {
        let seen = [
            !pages().is_empty(),
            slack("#alerts", "ServiceDown").is_some(),
            slack("#alerts", "HighLatency").is_some(),
            slack("#dev", "ServiceDown").is_some(),
        ];
        if seen.iter().all(|s| *s) {
            Ok(())
        } else {
            Err(format!(
                "seen {seen:?} of [page, critical, warning, dev]: {:?}{}",
                captured.lock().unwrap(),
                logs()
            ))
        }
    });
    // Let a later notification (one that should not come) have its chance.
    std::thread::sleep(Duration::from_secs(4));

    // A critical page: mapped severity, the summary first, the runbook linked.
    let pages = pages();
    assert_eq!(pages.len(), 1, "one page, for prod only: {pages:#?}");
    let page = &pages[0];
    assert_eq!(page["routing_key"], "e2e-routing-key");
    assert_eq!(page["payload"]["severity"], "critical", "{page:#}");
    assert_eq!(
        page["payload"]["summary"], "Service api is down in prod.",
        "{page:#}"
    );
    assert_eq!(
        page["links"][0]["href"], "https://runbooks.example.com/e2e#servicedown",
        "{page:#}"
    );
    assert!(page["payload"]["custom_details"]["labels"]
        .as_str()
        .is_some_and(|l| l.contains("environment=prod")));

    // Slack: the critical and the warning in #alerts, with summary, description and runbook.
    let critical = slack("#alerts", "ServiceDown").unwrap();
    let attachment = &critical["attachments"][0];
    assert_eq!(
        attachment["title"], "[FIRING:1] ServiceDown in prod (critical)",
        "{critical:#}"
    );
    assert_eq!(
        attachment["title_link"],
        "https://runbooks.example.com/e2e#servicedown"
    );
    let body = attachment["text"].as_str().unwrap_or_default();
    assert!(
        body.contains("Service api is down in prod.")
            && body.contains("The exporter reports api down."),
        "{body}"
    );
    assert_eq!(
        attachment["actions"][0]["url"],
        "https://runbooks.example.com/e2e#servicedown"
    );
    let warning = slack("#alerts", "HighLatency").unwrap();
    assert!(
        warning
            .to_string()
            .contains("Requests of web take over a second."),
        "{warning:#}"
    );

    // The inhibition: api's latency alert reached Alertmanager and is muted by ServiceDown;
    // only web's latency alert was sent.
    let latency: Vec<String> = captured
        .lock()
        .unwrap()
        .iter()
        .filter(|(_, b)| b.to_string().contains("take over a second"))
        .map(|(_, b)| b.to_string())
        .collect();
    assert!(
        latency.iter().all(|b| !b.contains("Requests of api")),
        "{latency:#?}"
    );
    let alerts = get(
        am_port,
        "/api/v2/alerts?filter=alertname%3D%22HighLatency%22",
    )
    .unwrap();
    let api = alerts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["labels"]["job"] == "api")
        .unwrap_or_else(|| panic!("Alertmanager never received api's latency alert: {alerts:#}"));
    assert_eq!(api["status"]["state"], "suppressed", "{api:#}");
    assert!(!api["status"]["inhibitedBy"].as_array().unwrap().is_empty());

    // The dev critical reached the dev channel and no pager (one page only, checked above).
    let dev = slack("#dev", "ServiceDown").unwrap();
    assert!(
        dev.to_string().contains("Service api is down in dev."),
        "{dev:#}"
    );
    drop(servers);
}
