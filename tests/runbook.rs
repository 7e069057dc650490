//! The generated runbook: the seed's content, links and anchors that resolve, one threshold
//! feeding alert, dashboard and runbook alike, template overrides, and `watchbook runbook`.

mod common;

use common::{copy_dir, files_ending, root, snapshot_dir, text, watchbook};
use std::collections::HashSet;
use std::path::Path;

fn runbook() -> String {
    std::fs::read_to_string(root().join("generated/runbook/runbook.md")).unwrap()
}

/// Heading anchors as GitHub computes them, written here independently of the compiler.
fn heading_anchors(markdown: &str) -> HashSet<String> {
    let mut in_code = false;
    let mut anchors = HashSet::new();
    for line in markdown.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
        }
        if in_code || !line.starts_with('#') {
            continue;
        }
        let heading = line.trim_start_matches('#').trim();
        let anchor: String = heading
            .to_lowercase()
            .chars()
            .filter_map(|c| match c {
                ' ' => Some('-'),
                c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                _ => None,
            })
            .collect();
        anchors.insert(anchor);
    }
    anchors
}

#[test]
fn the_runbook_carries_the_seed_content() {
    let doc = runbook();
    // Every alert of the seed has a section with its threshold and duration.
    for (alert, fact) in [
        ("PodCrashLoopBackOff", "above 3"),
        ("NodeNotReady", "for 5 minutes"),
        ("HighErrorRate", "above 10% for 5 minutes"),
        ("ServiceDown", "for 2 minutes"),
        ("DatabaseConnectionPoolExhausted", "above 95% for 5 minutes"),
        ("HighNodeCPUUsage", "above 80% for 10 minutes"),
        ("HighNodeMemoryUsage", "above 85% for 10 minutes"),
        ("CertificateExpiringSoon", "below 7 days"),
    ] {
        let start = doc
            .find(&format!("#### {alert}\n"))
            .unwrap_or_else(|| panic!("no section for {alert}"));
        let section = &doc[start..];
        let end = section[5..]
            .find("\n#### ")
            .map_or(section.len(), |e| e + 5);
        assert!(
            section[..end].contains(fact),
            "{alert} section lacks `{fact}`"
        );
    }
    // Tables: key metrics, severities, escalation contacts.
    for row in [
        "| P99 Latency | < 30s | > 30s |",
        "| Error Rate | < 1% | > 10% |",
        "| CPU Usage | < 60% | > 80% |",
        "| Memory Usage | < 70% | > 85% |",
        "| Cache Hit Rate | > 60% | < 40% |",
        "| Critical | < 15 minutes | PagerDuty + Slack | Immediate |",
        "| Warning | < 1 hour | Slack | After 4 hours |",
        "| Info | Best effort | Slack | None |",
        "| L1 | On-Call Engineer | < 15 minutes | Application-level issues |",
        "| L4 | CTO | < 2 hours | Business-critical outages |",
        "| Grafana | Visualization and dashboards | https://grafana.octollm.dev | 3000 |",
    ] {
        assert!(doc.contains(row), "missing row `{row}`");
    }
    // The dashboards, and the seed's commands and queries.
    for text in [
        "**GKE Cluster Overview** (`octollm-gke-cluster`",
        "**Production Namespace** (`octollm-namespace-prod`",
        "**Service Health** (`octollm-service-health`",
        "**Logs Overview** (`octollm-logs`",
        "kubectl rollout history deployment/<service> -n <namespace>",
        "kubectl rollout undo deployment/<service> -n <namespace>",
        "kubectl logs <pod-name> -n <namespace> --previous",
        "kubectl get endpoints <service> -n <namespace>",
        "journalctl -u kubelet -n 100",
        "SELECT pid, now() - query_start AS duration, query",
        "rate(container_cpu_cfs_throttled_seconds_total{namespace=\"<namespace>\"}[5m])",
        "{namespace=\"<namespace>\", service=\"<service>\", level=\"error\"}",
        "topk(10, sum(count_over_time({namespace=\"octollm-prod\", level=\"error\"}[1h])) by (message))",
        "{namespace=\"octollm-prod\"} | json | trace_id=\"<PASTE_TRACE_ID>\"",
        "histogram_quantile(0.95, rate(metric_bucket[5m]))",
        "gcloud container clusters get-credentials octollm-prod --region us-central1",
        "kubectl port-forward -n octollm-monitoring svc/prometheus 9090:9090",
        "### Scenario 3: Certificate Expiration",
        "Critical alert is not resolved within 15 minutes".to_lowercase().as_str(),
    ] {
        assert!(doc.to_lowercase().contains(&text.to_lowercase()), "missing `{text}`");
    }
}

#[test]
fn every_runbook_url_lands_on_a_heading_of_the_runbook() {
    let anchors = heading_anchors(&runbook());
    let mut checked = 0;
    for file in files_ending(&root().join("generated/prometheus"), ".rules.yml") {
        let rules: yaml_serde::Value =
            yaml_serde::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        for rule in rules["groups"][0]["rules"].as_sequence().unwrap() {
            let Some(url) = rule["annotations"]["runbook_url"].as_str() else {
                continue;
            };
            let (base, anchor) = url.split_once('#').expect("a fragment");
            assert_eq!(base, "https://runbooks.octollm.dev/monitoring");
            assert!(anchors.contains(anchor), "{url} has no heading");
            checked += 1;
        }
    }
    assert!(checked > 20);
}

#[test]
fn the_book_lists_every_chapter_and_its_links_resolve() {
    let src = root().join("generated/runbook/book/src");
    let summary = std::fs::read_to_string(src.join("SUMMARY.md")).unwrap();
    let (mut chapters, mut alerts) = (0, 0);
    for line in summary.lines() {
        if let Some(start) = line.find("](") {
            let file = &line[start + 2..line.len() - 1];
            assert!(src.join(file).is_file(), "SUMMARY.md lists missing {file}");
            if line.starts_with("- [") {
                chapters += 1;
            } else if line.starts_with("  - [") {
                alerts += 1;
            }
        }
    }
    assert_eq!(chapters, 10);
    // Each alert is a page of its own, nested under the chapter.
    let document = runbook();
    let chapter = document
        .split("\n## ")
        .find(|c| c.starts_with("Alert Investigation"))
        .unwrap();
    let declared = chapter.lines().filter(|l| l.starts_with("#### ")).count();
    assert_eq!(alerts, declared);
    // A link into another chapter names that chapter's file.
    let dashboards = std::fs::read_to_string(src.join("dashboards.md")).unwrap();
    assert!(
        dashboards.contains("](alert-higherrorrate.md#higherrorrate)"),
        "{dashboards}"
    );
    let page = std::fs::read_to_string(src.join("alert-higherrorrate.md")).unwrap();
    assert!(heading_anchors(&page).contains("higherrorrate"));
    let chapter = std::fs::read_to_string(src.join("alerts.md")).unwrap();
    assert!(chapter.contains("- [HighErrorRate](alert-higherrorrate.md): "));
}

fn temp_rules() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules");
    copy_dir(&root().join("rules"), &rules);
    (tmp, rules)
}

fn edit(path: &Path, from: &str, to: &str) {
    let source = std::fs::read_to_string(path).unwrap();
    let edited = source.replacen(from, to, 1);
    assert_ne!(source, edited, "`{from}` not in {path:?}");
    std::fs::write(path, edited).unwrap();
}

#[test]
fn one_threshold_change_moves_alert_dashboard_and_runbook_together() {
    let (tmp, rules) = temp_rules();
    edit(
        &rules.join("queries.wb"),
        "critical above 80%",
        "critical above 75%",
    );
    let out = tmp.path().join("out");
    let result = watchbook(&[
        "compile",
        rules.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(result.status.success(), "{}", text(&result.stderr));
    let rules_yaml =
        std::fs::read_to_string(out.join("prometheus/alerts/kubernetes.rules.yml")).unwrap();
    assert!(rules_yaml.contains(") > 75\n") && !rules_yaml.contains(") > 80\n"));
    let dashboard = std::fs::read_to_string(common::find_file(
        &out.join("grafana"),
        "octollm-gke-cluster.json",
    ))
    .unwrap();
    assert!(dashboard.contains("\"value\": 75.0") && !dashboard.contains("\"value\": 80.0"));
    let doc = std::fs::read_to_string(out.join("runbook/runbook.md")).unwrap();
    assert!(doc.contains("| CPU Usage | < 60% | > 75% |"), "{doc}");
    assert!(doc.contains("above 75% for 10 minutes"));
}

#[test]
fn a_link_to_a_missing_heading_fails_the_compile() {
    let (tmp, rules) = temp_rules();
    edit(
        &rules.join("runbook.wb"),
        "[Key Metrics](#key-metrics)",
        "[Key Metrics](#key-metric)",
    );
    let out = tmp.path().join("out");
    let result = watchbook(&[
        "compile",
        rules.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(result.status.code(), Some(1));
    let stderr = text(&result.stderr);
    assert!(
        stderr.contains("E0402") && stderr.contains("#key-metric"),
        "{stderr}"
    );
    // Pointed back at the source that writes the link, once, not at each generated copy.
    assert!(stderr.contains("runbook.wb:"), "{stderr}");
    assert_eq!(stderr.matches("leads nowhere").count(), 1, "{stderr}");
    assert!(!out.exists());
}

#[test]
fn templates_can_be_overridden_and_are_held_to_the_same_checks() {
    let (tmp, rules) = temp_rules();
    let templates = tmp.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("traces.md"),
        "## Jaeger Trace Analysis\n\nWe use {{ project.name }}'s Jaeger.\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let args = |t: &Path| {
        vec![
            "compile".to_string(),
            rules.display().to_string(),
            "--out".into(),
            out.display().to_string(),
            "--templates".into(),
            t.display().to_string(),
        ]
    };
    let run = |t: &Path| {
        let a = args(t);
        watchbook(&a.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let result = run(&templates);
    assert!(result.status.success(), "{}", text(&result.stderr));
    let doc = std::fs::read_to_string(out.join("runbook/runbook.md")).unwrap();
    assert!(doc.contains("We use OctoLLM's Jaeger."));
    let book = std::fs::read_to_string(out.join("runbook/book/src/traces.md")).unwrap();
    assert!(
        book.contains("We use OctoLLM's Jaeger."),
        "the book uses the same templates"
    );

    // Renaming the section breaks the prose's link to #jaeger-trace-analysis: refused.
    std::fs::write(templates.join("traces.md"), "## Tracing\n").unwrap();
    let stderr = text(&run(&templates).stderr);
    assert!(
        stderr.contains("E0402") && stderr.contains("#jaeger-trace-analysis"),
        "{stderr}"
    );

    // An alerts template that drops the alert headings breaks every runbook_url: refused.
    std::fs::write(templates.join("alerts.md"), "## Alerts\n\nSee Grafana.\n").unwrap();
    std::fs::remove_file(templates.join("traces.md")).unwrap();
    let result = run(&templates);
    assert_eq!(result.status.code(), Some(1));
    let stderr = text(&result.stderr);
    assert!(
        stderr.contains("E0404") && stderr.contains("HighErrorRate"),
        "{stderr}"
    );
    // Each missing section is shown at its alert in the sources.
    assert!(stderr.contains("services.wb:"), "{stderr}");

    // A template file that is not one of ours is a typo, not something to ignore.
    std::fs::remove_file(templates.join("alerts.md")).unwrap();
    std::fs::write(templates.join("alert.md"), "x").unwrap();
    let stderr = text(&run(&templates).stderr);
    assert!(
        stderr.contains("E0006") && stderr.contains("alert.md"),
        "{stderr}"
    );
}

#[test]
fn the_runbook_command_regenerates_only_the_runbook() {
    let (tmp, rules) = temp_rules();
    let out = tmp.path().join("generated");
    copy_dir(&root().join("generated"), &out);
    edit(
        &rules.join("queries.wb"),
        "critical above 10%",
        "critical above 12%",
    );
    let before = snapshot_dir(&out);
    let args = [
        "runbook",
        rules.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    let check = watchbook(&[&args[..], &["--check"]].concat());
    assert_eq!(check.status.code(), Some(1));
    assert!(text(&check.stdout).contains("runbook/runbook.md"));
    let result = watchbook(&args);
    assert!(result.status.success(), "{}", text(&result.stderr));
    let after = snapshot_dir(&out);
    // The manifest lists every file with its hash, so it changes with the runbook.
    let changed: Vec<&String> = after
        .iter()
        .zip(&before)
        .filter(|(a, b)| a != b && a.0 != ".watchbook")
        .map(|(a, _)| &a.0)
        .collect();
    assert!(!changed.is_empty());
    assert!(
        changed.iter().all(|p| p.starts_with("runbook/")),
        "{changed:?}"
    );
    // The rules are now stale, which `compile --check` reports.
    let stale = watchbook(&[
        "compile",
        rules.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--check",
    ]);
    assert_eq!(stale.status.code(), Some(1));
}

#[test]
fn a_large_runbook_gets_a_page_per_team_and_every_runbook_url_lands_on_its_section() {
    let tmp = tempfile::tempdir().unwrap();
    let (rules, out) = (tmp.path().join("rules"), tmp.path().join("out"));
    common::many_alerts(&rules, 60, 4);
    common::compile_ok(&rules, &out);
    let document = std::fs::read_to_string(out.join("runbook/runbook.md")).unwrap();
    assert!(
        !document.contains("#### S1Down"),
        "alert sections stay off the document"
    );
    let summary = std::fs::read_to_string(out.join("runbook/book/src/SUMMARY.md")).unwrap();
    for page in ["alerts-team-0.md", "alerts-team-3.md", "alerts-shared.md"] {
        assert!(
            document.contains(&format!("]({page})")),
            "{page} in the document"
        );
        assert!(summary
            .lines()
            .any(|l| l.starts_with("  - [") && l.ends_with(&format!("]({page})"))));
        assert!(out.join("runbook/book/src").join(page).is_file());
    }
    // Every alert rule's runbook_url names an existing page and a heading on it.
    let rules_yaml = std::fs::read_to_string(out.join("prometheus/main.rules.yml")).unwrap();
    let urls: Vec<&str> = rules_yaml
        .lines()
        .filter_map(|l| l.trim().strip_prefix("runbook_url: "))
        .collect();
    assert_eq!(urls.len(), 181);
    for url in urls {
        let rest = url.strip_prefix("https://runbooks.example/big/").unwrap();
        let (file, anchor) = rest.split_once('#').unwrap();
        let page = std::fs::read_to_string(out.join("runbook").join(file)).unwrap();
        let headings: Vec<String> = page
            .lines()
            .filter_map(|l| l.strip_prefix("#### "))
            .map(|h| h.to_lowercase())
            .collect();
        assert!(headings.iter().any(|h| h == anchor), "{url}");
    }
    let shared = std::fs::read_to_string(out.join("runbook/alerts-shared.md")).unwrap();
    assert!(shared.contains("#### Everywhere"));
}

/// A new project's runbook leaves out the chapters it has nothing for, and names no product
/// it did not declare; a section's title replaces its chapter's.
#[test]
fn chapters_without_content_are_left_out_and_titles_come_from_the_sources() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules");
    let init = watchbook(&["init", rules.to_str().unwrap()]);
    assert!(init.status.success(), "{}", text(&init.stderr));
    let out = tmp.path().join("out");
    let compile = |out: &Path| {
        let result = watchbook(&[
            "compile",
            rules.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(result.status.success(), "{}", text(&result.stderr));
        std::fs::read_to_string(out.join("runbook/runbook.md")).unwrap()
    };
    let doc = compile(&out);
    for absent in ["Jaeger", "Loki", "Trace Analysis", "Log Queries"] {
        assert!(!doc.contains(absent), "{absent} in\n{doc}");
    }
    // Every chapter has something under its heading.
    let chapters: Vec<&str> = doc.split("\n## ").skip(2).collect();
    assert!(!chapters.is_empty());
    for chapter in chapters {
        let body = chapter.split_once('\n').map_or("", |(_, b)| b);
        assert!(!body.trim().is_empty(), "empty chapter: {chapter}");
    }
    std::fs::write(
        rules.join("traces.wb"),
        "section traces \"Tempo Traces\" \"\"\"\n  Open Tempo in Grafana's Explore view.\n\"\"\"\n",
    )
    .unwrap();
    let doc = compile(&tmp.path().join("out2"));
    assert!(doc.contains("\n## Tempo Traces\n"), "{doc}");
    assert!(doc.contains("[Tempo Traces](#tempo-traces)"), "{doc}");
}

/// An alert's dashboards are links to their panels in Grafana (`/d/<uid>?viewPanel=<id>`),
/// and each lands on a panel of the dashboard with that uid.
#[test]
fn alerts_link_to_their_panels_in_grafana() {
    let doc = std::fs::read_to_string(root().join("generated/runbook/runbook.md")).unwrap();
    let mut dashboards = std::collections::HashMap::new();
    for file in files_ending(&root().join("generated/grafana/dashboards"), ".json") {
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let ids: HashSet<u64> = json["panels"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p["id"].as_u64())
            .collect();
        dashboards.insert(json["uid"].as_str().unwrap().to_string(), ids);
    }
    let prefix = "](https://grafana.octollm.dev/d/";
    let mut links = 0;
    for part in doc.split(prefix).skip(1) {
        let target = part.split(')').next().unwrap();
        let (uid, id) = target.split_once("?viewPanel=").unwrap();
        let ids = dashboards
            .get(uid)
            .unwrap_or_else(|| panic!("no dashboard {uid}"));
        assert!(
            ids.contains(&id.parse().unwrap()),
            "{uid} has no panel {id}"
        );
        links += 1;
    }
    assert!(links >= 10, "{links} panel links");
}

/// `project { grafana_url }` gives Grafana's address as `target grafana { url }` does: the
/// same panel links and `dashboard_url`s; the two may not disagree.
#[test]
fn grafana_url_in_the_project_links_dashboards_like_the_target() {
    let (tmp, rules) = temp_rules();
    edit(
        &rules.join("project.wb"),
        "  url \"https://grafana.octollm.dev\"\n",
        "",
    );
    edit(
        &rules.join("project.wb"),
        "  scrape_interval 1m",
        "  grafana_url \"https://grafana.octollm.dev/\"\n  scrape_interval 1m",
    );
    let out = tmp.path().join("out");
    common::compile_ok(&rules, &out);
    for file in ["runbook/runbook.md", "prometheus/alerts/services.rules.yml"] {
        let ours = std::fs::read_to_string(out.join(file)).unwrap();
        let generated = std::fs::read_to_string(root().join("generated").join(file)).unwrap();
        assert_eq!(ours, generated, "{file}");
    }
    assert!(runbook().contains("(https://grafana.octollm.dev/d/octollm-service-health?viewPanel="));

    edit(
        &rules.join("project.wb"),
        "  sidecar_namespace",
        "  url \"https://elsewhere.example\"\n  sidecar_namespace",
    );
    let result = common::compile_command(&rules, &tmp.path().join("out2"))
        .output()
        .unwrap();
    assert!(!result.status.success());
    let stderr = text(&result.stderr);
    assert!(
        stderr.contains("grafana_url") && stderr.contains("target grafana"),
        "{stderr}"
    );

    // A bare host would make every panel link relative: it is refused as the target's is.
    edit(
        &rules.join("project.wb"),
        "  url \"https://elsewhere.example\"\n",
        "",
    );
    edit(
        &rules.join("project.wb"),
        "grafana_url \"https://grafana.octollm.dev/\"",
        "grafana_url \"grafana.octollm.dev\"",
    );
    let result = common::compile_command(&rules, &tmp.path().join("out3"))
        .output()
        .unwrap();
    let stderr = text(&result.stderr);
    assert!(!result.status.success());
    assert!(
        stderr.contains("E0134") && stderr.contains("http://"),
        "{stderr}"
    );
}

/// A query over every service in every environment shows the project's own selector; without
/// one, the expansion of them all.
#[test]
fn queries_over_everything_show_the_project_selector() {
    let chapter = |doc: &str| {
        let start = doc.find("### Writing PromQL Queries").unwrap();
        let end = doc[start..].find("\n## ").map_or(doc.len(), |e| start + e);
        doc[start..end].to_string()
    };
    let queries = chapter(&runbook());
    assert!(
        queries.contains(r#"cache_hits_total{namespace=~"octollm-.*"}"#),
        "{queries}"
    );
    assert!(!queries.contains("orchestrator|reflex-layer"), "{queries}");

    let (tmp, rules) = temp_rules();
    edit(
        &rules.join("project.wb"),
        "  selector { namespace =~ \"octollm-.*\" }\n",
        "",
    );
    let out = tmp.path().join("out");
    common::compile_ok(&rules, &out);
    let doc = std::fs::read_to_string(out.join("runbook/runbook.md")).unwrap();
    let queries = chapter(&doc);
    assert!(
        queries.contains(r#"job=~"orchestrator|reflex-layer|planner-arm|executor-arm|judge-arm""#),
        "{queries}"
    );
}
