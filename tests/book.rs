//! The runbook as the on-call engineer sees it: the book built by mdBook (the library, as a
//! dev-dependency, so the version is the lockfile's) with zero warnings, then opened in
//! headless Chromium (Debian's, installed by tests/run.sh), driven over the DevTools protocol.

mod common;

use common::root;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tracing_subscriber::layer::SubscriberExt;

/// Warnings and errors mdBook logs while it builds.
#[derive(Clone, Default)]
struct Logged(Arc<Mutex<Vec<String>>>);

struct Message(String);

impl tracing::field::Visit for Message {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Logged {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        // tracing orders levels by verbosity: WARN and ERROR are the least verbose.
        if *event.metadata().level() <= tracing::Level::WARN {
            let mut message = Message(String::new());
            event.record(&mut message);
            let level = event.metadata().level();
            self.0
                .lock()
                .unwrap()
                .push(format!("{level} {}", message.0));
        }
    }
}

/// Builds the book in `dir` with mdBook; returns what it warned about.
fn mdbook_build(dir: &Path) -> Vec<String> {
    let logged = Logged::default();
    let subscriber = tracing_subscriber::registry().with(logged.clone());
    tracing::subscriber::with_default(subscriber, || {
        let book = mdbook_driver::MDBook::load(dir).expect("mdBook loads the book");
        book.build().expect("mdBook builds the book");
    });
    let warnings = logged.0.lock().unwrap().clone();
    warnings
}

/// Compiles `rules` and builds its book; the HTML directory.
fn built_book(rules: &Path, out: &Path) -> PathBuf {
    common::compile_ok(rules, out);
    let book = out.join("runbook/book");
    let warnings = mdbook_build(&book);
    assert!(
        warnings.is_empty(),
        "mdBook warned:\n{}",
        warnings.join("\n")
    );
    book.join("book")
}

/// The capture is real: raw HTML-like text in markdown makes mdBook 0.5 warn.
#[test]
fn mdbook_warnings_are_seen() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("SUMMARY.md"), "# Summary\n\n- [A](a.md)\n").unwrap();
    std::fs::write(
        src.join("a.md"),
        "# A\n\nPod <pod> of <namespace> restarts.\n",
    )
    .unwrap();
    let warnings = mdbook_build(tmp.path());
    assert!(
        !warnings.is_empty(),
        "an unclosed <pod> tag is warned about"
    );
}

#[test]
fn the_example_book_builds_without_warnings_and_lists_every_alert() {
    let tmp = tempfile::tempdir().unwrap();
    let html = built_book(&root().join("rules"), &tmp.path().join("out"));
    let summary =
        std::fs::read_to_string(tmp.path().join("out/runbook/book/src/SUMMARY.md")).unwrap();
    for name in alert_names(&tmp.path().join("out")) {
        assert!(
            summary.contains(&format!("  - [{name}](")),
            "SUMMARY.md nests {name} under its chapter"
        );
    }
    assert!(html.join("alerts.html").is_file());
}

#[test]
fn a_book_split_by_team_builds_without_warnings() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules");
    common::many_alerts(&rules, 60, 4);
    let html = built_book(&rules, &tmp.path().join("out"));
    assert!(html.join("alerts-team-0.html").is_file());
}

/// Every alert name of the generated Prometheus rules, sorted and deduplicated.
fn alert_names(out: &Path) -> Vec<String> {
    let mut names: Vec<String> = runbook_urls(out).into_iter().map(|(n, _)| n).collect();
    names.dedup();
    names
}

/// `(alertname, runbook_url)` of every alert rule that links into the runbook.
fn runbook_urls(out: &Path) -> Vec<(String, String)> {
    let mut urls = Vec::new();
    let loki = common::files_ending(&out.join("loki"), ".yaml");
    for file in common::files_ending(&out.join("prometheus"), ".rules.yml")
        .into_iter()
        .chain(loki)
    {
        let doc: Value = yaml_serde::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        for group in doc["groups"].as_array().into_iter().flatten() {
            for rule in group["rules"].as_array().into_iter().flatten() {
                if let (Some(name), Some(url)) = (
                    rule["alert"].as_str(),
                    rule["annotations"]["runbook_url"].as_str(),
                ) {
                    urls.push((name.to_string(), url.to_string()));
                }
            }
        }
    }
    urls.sort();
    urls.dedup();
    urls
}

/// Headless Chromium, driven over the DevTools protocol on a loopback port.
struct Browser {
    child: Child,
    socket: tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<TcpStream>>,
    next: u64,
    session: String,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    fn launch(program: &Path) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        // Flags from this machine's notes: without the networking ones Chromium keeps trying
        // to reach Google's hosts through a closed network.
        let mut child = Command::new(program)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--window-size=1280,900",
                "--remote-debugging-port=0",
                "about:blank",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("chromium starts");
        // Chromium's stderr is read on a thread of its own (Chromium blocks when it fills),
        // which hands over the DevTools address; a browser that never says it fails the test.
        let stderr = child.stderr.take().unwrap();
        let (found, address) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(address) = line.strip_prefix("DevTools listening on ") {
                    let _ = found.send(address.to_string());
                }
            }
        });
        let address = address
            .recv_timeout(Duration::from_secs(60))
            .expect("chromium prints its DevTools address within a minute");
        let (socket, _) = tungstenite::connect(address.as_str()).expect("DevTools connects");
        if let tungstenite::stream::MaybeTlsStream::Plain(stream) = socket.get_ref() {
            // A browser that stops answering fails the test instead of hanging it.
            stream
                .set_read_timeout(Some(Duration::from_secs(60)))
                .unwrap();
        }
        let mut browser = Browser {
            child,
            socket,
            next: 0,
            session: String::new(),
            _profile: profile,
        };
        let target = browser.call("Target.createTarget", json!({ "url": "about:blank" }));
        let attached = browser.call(
            "Target.attachToTarget",
            json!({ "targetId": target["targetId"], "flatten": true }),
        );
        browser.session = attached["sessionId"].as_str().unwrap().to_string();
        browser.call("Page.enable", json!({}));
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": false }),
        );
        browser
    }

    /// One DevTools command; its result (events in between are skipped).
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let mut message = json!({ "id": self.next, "method": method, "params": params });
        if !self.session.is_empty() {
            message["sessionId"] = json!(self.session);
        }
        self.socket
            .send(tungstenite::Message::text(message.to_string()))
            .unwrap();
        loop {
            let reply = self.socket.read().expect("DevTools answers");
            let Ok(reply) = reply.to_text() else { continue };
            let reply: Value = serde_json::from_str(reply).unwrap();
            if reply["id"] == json!(self.next) {
                assert!(reply["error"].is_null(), "{method}: {}", reply["error"]);
                return reply["result"].clone();
            }
        }
    }

    /// Opens `url` and waits until the page has loaded.
    fn open(&mut self, url: &str) {
        self.call("Page.navigate", json!({ "url": url }));
        let start = Instant::now();
        while self.eval("document.readyState") != json!("complete") {
            assert!(start.elapsed() < Duration::from_secs(20), "{url} loads");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The value of a JavaScript expression in the page.
    fn eval(&mut self, expression: &str) -> Value {
        let result = self.call(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true }),
        );
        assert!(
            result["exceptionDetails"].is_null(),
            "{expression}: {}",
            result["exceptionDetails"]
        );
        result["result"]["value"].clone()
    }

    fn screenshot(&mut self, path: &Path) {
        use base64::Engine;
        let shot = self.call("Page.captureScreenshot", json!({ "format": "png" }));
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().unwrap())
            .unwrap();
        std::fs::write(path, png).unwrap();
    }
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.canonicalize().unwrap().display())
}

/// The names of the links the sidebar shows, in order.
const SIDEBAR: &str = "Array.from(document.querySelectorAll('#mdbook-sidebar a'))\
    .filter(a => a.getClientRects().length > 0)\
    .map(a => [a.textContent.trim(), a.href])";

#[test]
fn the_book_reads_right_in_a_real_browser() {
    let Some(chromium) = common::tool("chromium") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let html = built_book(&root().join("rules"), &out);
    let mut browser = Browser::launch(&chromium);

    // Placeholders are text, never tags: the reader sees `<pod>`.
    browser.open(&file_url(&html.join("alert-podcrashloopbackoff.html")));
    let main = browser.eval("document.querySelector('main').innerText");
    let main = main.as_str().unwrap();
    assert!(
        main.contains("Pod <namespace>/<pod> is crash looping"),
        "{main}"
    );
    assert_eq!(
        browser.eval("document.querySelectorAll('main pod, main namespace').length"),
        json!(0)
    );
    let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("runbook-alert-page.png");
    browser.screenshot(&shot);
    eprintln!("screenshot of an alert page: {}", shot.display());

    // The sidebar shows every alert, and each entry leads to the alert's page; the alert's
    // runbook_url anchor lands on a heading there, scrolled into view.
    let sidebar = browser.eval(SIDEBAR);
    let entries: Vec<(String, String)> = sidebar
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e[0].as_str().unwrap().into(), e[1].as_str().unwrap().into()))
        .collect();
    let urls = runbook_urls(&out);
    let summary = std::fs::read_to_string(out.join("runbook/book/src/SUMMARY.md")).unwrap();
    let nested = summary.lines().filter(|l| l.starts_with("  - [")).count();
    assert_eq!(alert_names(&out).len(), nested, "{urls:?}");
    for (name, url) in urls {
        let (_, anchor) = url.split_once('#').expect("runbook_url has an anchor");
        let page = entries
            .iter()
            // mdBook numbers the entries: `7.1. HighErrorRate`.
            .find(|(text, _)| text.rsplit(". ").next() == Some(name.as_str()))
            .map(|(_, href)| href.clone())
            .unwrap_or_else(|| panic!("the sidebar lists {name}: {entries:?}"));
        browser.open(&format!("{page}#{anchor}"));
        let landed = browser.eval(&format!(
            "(() => {{ const e = document.getElementById({anchor:?}); \
             if (!e) return null; const r = e.getBoundingClientRect(); \
             return [e.tagName, e.textContent.trim(), r.top >= 0 && r.top < innerHeight]; }})()"
        ));
        assert_eq!(
            landed,
            json!(["H1", name, true]),
            "{name}'s runbook_url anchor #{anchor} on {page}"
        );
    }
}
