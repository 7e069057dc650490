//! The OctoLLM SLOs across every artifact: recordings at every window, page and ticket alerts
//! in the runbook, SLO rows on the Service Health dashboard, and per SLO a fast burn that
//! pages, a slow burn that only opens a ticket and a healthy series that never fires.

mod common;

use common::root;
use yaml_serde::Value;

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap()
}

/// A rules directory holding `source` as `slos.wb`, in a temporary directory.
fn rules_with(source: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules");
    std::fs::create_dir_all(&rules).unwrap();
    std::fs::write(rules.join("slos.wb"), source).unwrap();
    (tmp, rules)
}

#[test]
fn each_slo_records_every_window_and_its_period() {
    let rules = read("generated/prometheus/slos.rules.yml");
    for slo in ["availability", "latency"] {
        for window in ["5m", "30m", "1h", "2h", "6h", "1d", "3d", "30d"] {
            let needle = format!("record: slo:sli_error:ratio_rate{window}");
            let count = rules.matches(&needle).count();
            assert_eq!(count, 2, "{needle} once per SLO");
        }
        assert!(rules.contains(&format!("sloth_slo: {slo}")));
    }
    for meta in [
        "slo:objective:ratio",
        "slo:error_budget:ratio",
        "slo:period_error_budget_remaining:ratio",
        "slo:current_burn_rate:ratio",
    ] {
        assert_eq!(
            rules.matches(&format!("record: {meta}\n")).count(),
            2,
            "{meta}"
        );
    }
}

#[test]
fn every_slo_has_a_fast_burn_a_slow_burn_and_a_healthy_example() {
    let tests: Value =
        yaml_serde::from_str(&read("generated/prometheus/tests/slos.test.yml")).unwrap();
    for (slo, page, ticket) in [
        (
            "availability",
            "AvailabilityBudgetBurnFast",
            "AvailabilityBudgetBurnSlow",
        ),
        ("latency", "LatencyBudgetBurnFast", "LatencyBudgetBurnSlow"),
    ] {
        let ours: Vec<&Value> = tests["tests"]
            .as_sequence()
            .unwrap()
            .iter()
            .filter(|t| t["name"].as_str().unwrap().starts_with(&format!("{slo}:")))
            .collect();
        let checks = |t: &Value| -> Vec<(String, usize)> {
            t["alert_rule_test"]
                .as_sequence()
                .unwrap()
                .iter()
                .map(|c| {
                    (
                        c["alertname"].as_str().unwrap().to_string(),
                        c["exp_alerts"].as_sequence().unwrap().len(),
                    )
                })
                .collect()
        };
        let fast = ours
            .iter()
            .any(|t| checks(t).contains(&(page.to_string(), 1)));
        let slow = ours.iter().any(|t| {
            let c = checks(t);
            c.contains(&(ticket.to_string(), 1)) && c.contains(&(page.to_string(), 0))
        });
        let healthy = ours
            .iter()
            .any(|t| checks(t).iter().all(|(_, n)| *n == 0) && checks(t).len() >= 2);
        assert!(
            fast && slow && healthy,
            "{slo}: fast {fast}, slow {slow}, healthy {healthy}"
        );
    }
}

#[test]
fn slo_alerts_have_runbook_sections_and_dashboard_rows() {
    let runbook = read("generated/runbook/runbook.md");
    for alert in [
        "AvailabilityBudgetBurnFast",
        "AvailabilityBudgetBurnSlow",
        "LatencyBudgetBurnFast",
        "LatencyBudgetBurnSlow",
    ] {
        assert!(runbook.contains(&format!("#### {alert}\n")), "{alert}");
    }
    assert!(runbook.contains(
        "burns its error budget faster than 14.4x over both the last 1 hour and the last 5 minutes"
    ));
    let dashboard: serde_json::Value = serde_json::from_str(&read(
        "generated/grafana/dashboards/OctoLLM/octollm-service-health.json",
    ))
    .unwrap();
    let panels = dashboard["panels"].as_array().unwrap();
    for (title, expr) in [
        (
            "Request availability: error ratio (5m)",
            "slo:sli_error:ratio_rate5m{",
        ),
        (
            "Request availability: burn rate",
            "slo:current_burn_rate:ratio{",
        ),
        (
            "Request availability: error budget remaining",
            "slo:period_error_budget_remaining:ratio{",
        ),
        (
            "Request latency under 30s: burn rate",
            "slo:current_burn_rate:ratio{",
        ),
    ] {
        let panel = panels
            .iter()
            .find(|p| p["title"] == title)
            .unwrap_or_else(|| panic!("no panel {title}"));
        assert!(
            panel["targets"][0]["expr"]
                .as_str()
                .unwrap()
                .starts_with(expr),
            "{title}"
        );
    }
    // The burn-rate panel's steps are the alerts' factors: ticket at 1x, page at 6x.
    let burn = panels
        .iter()
        .find(|p| p["title"] == "Request availability: burn rate")
        .unwrap();
    let steps: Vec<f64> = burn["fieldConfig"]["defaults"]["thresholds"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["value"].as_f64())
        .collect();
    assert_eq!(steps, vec![1.0, 6.0]);
}

/// Every SLO alert has generated investigation steps, and their queries are PromQL that
/// parses: the burn rate of each window the alert watches, the SLI, the budget left.
#[test]
fn slo_alerts_have_investigation_steps_with_valid_queries() {
    let runbook = read("generated/runbook/runbook.md");
    for alert in [
        "AvailabilityBudgetBurnFast",
        "AvailabilityBudgetBurnSlow",
        "LatencyBudgetBurnFast",
        "LatencyBudgetBurnSlow",
    ] {
        let start = runbook.find(&format!("#### {alert}\n")).unwrap();
        let section = &runbook[start..];
        let end = ["\n## ", "\n### ", "\n#### "]
            .iter()
            .filter_map(|h| section[5..].find(h))
            .min()
            .map_or(section.len(), |e| e + 5);
        let section = &section[..end];
        assert!(section.contains("See which window pairs burn"), "{alert}");
        assert!(
            section.contains("slo:period_error_budget_remaining:ratio{"),
            "{alert}"
        );
        let queries: Vec<&str> = section
            .split("```promql\n")
            .skip(1)
            .map(|b| b.split("```").next().unwrap())
            .collect();
        assert!(queries.len() >= 3, "{alert}: {queries:?}");
        for q in queries {
            let q = q.lines().map(str::trim).collect::<Vec<_>>().join("\n");
            assert!(watchbook::fuzz::promql(&q), "{alert}: {q}");
        }
    }
}

/// Two SLOs in Pyrra's style: recordings named after their metrics, alerts sharing Pyrra's
/// names, told apart by `slo`.
const PYRRA_SLOS: &str = r#"
project "shop" { runbook_url "https://runbooks.example.com/shop" }
severity critical { response 15m }
severity warning { response 1d }

slo checkout_errors "Checkout errors" {
  id "checkout-errors"
  alert_style pyrra
  objective 99%
  period 4w
  labels { job = "checkout" }
  sli ratio {
    errors `sum(rate(http_requests_total{job="checkout", code=~"5.."}[$window]))`
    total `sum(rate(http_requests_total{job="checkout"}[$window]))`
  }
  example "30% errors page within minutes" {
    series `http_requests_total{job="checkout", code="500"}` "0+30x60"
    series `http_requests_total{job="checkout", code="200"}` "0+70x60"
    quiet page at 1m
    fires page at 10m { long = "1h" }
  }
}

slo search_latency "Search latency" {
  id "search-latency"
  alert_style pyrra
  objective 99.5%
  period 4w
  sli latency { histogram `search_duration_seconds_bucket{job="search"}` below 300ms }
  absent SearchMetricsMissing { for 15m }
  example "all fast: quiet" {
    series `search_duration_seconds_bucket{job="search", le="0.3"}` "0+100x60"
    series `search_duration_seconds_bucket{job="search", le="+Inf"}` "0+100x60"
    quiet at 60m
  }
}
"#;

#[test]
fn slos_in_pyrras_style_share_their_alerts_and_one_runbook_section() {
    let (tmp, rules) = rules_with(PYRRA_SLOS);
    let out = tmp.path().join("out");
    common::compile_ok(&rules, &out);
    let file = out.join("prometheus/slos.rules.yml");
    common::validate("promtool", &["check", "rules"], std::slice::from_ref(&file));
    common::validate(
        "promtool",
        &["test", "rules"],
        &[out.join("prometheus/tests/slos.test.yml")],
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text.matches("alert: ErrorBudgetBurn\n").count(), 8);
    assert!(text.contains("record: http_requests:burnrate5m\n"));
    assert!(text.contains("record: search_duration_seconds:burnrate4d\n"));
    assert!(!text.contains("sloth_"), "no Sloth labels in Pyrra's style");
    assert_eq!(text.matches("alert: SLOMetricAbsent\n").count(), 1);
    assert_eq!(text.matches("alert: SearchMetricsMissing\n").count(), 1);
    let runbook = std::fs::read_to_string(out.join("runbook/runbook.md")).unwrap();
    assert_eq!(runbook.matches("#### ErrorBudgetBurn\n").count(), 1);
    for title in ["Checkout errors SLO:", "Search latency SLO:"] {
        assert!(
            runbook.contains(title),
            "{title} steps in the shared section"
        );
    }
}

#[test]
fn an_slo_alert_may_not_take_the_name_of_another_alert() {
    let clash = "alert SLOMetricAbsent { expr `absent(up) == 1` severity critical }\n";
    let source = PYRRA_SLOS.replace(
        "absent SearchMetricsMissing { for 15m }",
        "absent SLOMetricAbsent",
    );
    let (tmp, rules) = rules_with(&format!("{source}\n{clash}"));
    let result = common::compile_command(&rules, &tmp.path().join("out"))
        .output()
        .unwrap();
    let stderr = common::text(&result.stderr);
    assert!(!result.status.success());
    assert!(stderr.contains("E0102"), "{stderr}");
}

#[test]
fn many_slos_sharing_alert_names_make_one_alert_whatever_core_resolved_them() {
    // Enough SLOs to be resolved in runs on several cores: the runs' alerts of one name are
    // still one alert with one runbook section (else the anchors would collide).
    let mut source = String::from("severity critical {}\nseverity warning {}\n");
    for i in 0..150 {
        let style = if i % 3 == 0 { "sloth" } else { "pyrra" };
        source.push_str(&format!(
            "slo s{i} \"S{i} errors\" {{\n  alert_style {style}\n  objective 99.5%\n  sli ratio {{\n    errors `sum(rate(requests_total{{job=\"s{i}\", code=~\"5..\"}}[$window]))`\n    total `sum(rate(requests_total{{job=\"s{i}\"}}[$window]))`\n  }}\n  page ErrorBudgetBurn\n  ticket ErrorBudgetBurn\n}}\n"
        ));
    }
    let (tmp, rules) = rules_with(&source);
    let out = tmp.path().join("out");
    common::compile_ok(&rules, &out);
    let text = std::fs::read_to_string(out.join("prometheus/slos.rules.yml")).unwrap();
    // Sloth's style: a page and a ticket rule; Pyrra's: four pairs.
    assert_eq!(
        text.matches("alert: ErrorBudgetBurn\n").count(),
        50 * 2 + 100 * 4
    );
    // Past 150 alerts the runbook is an index and a page per team: read them all.
    let runbook: String = common::files_ending(&out.join("runbook"), ".md")
        .iter()
        .filter(|p| !p.components().any(|c| c.as_os_str() == "book"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    assert_eq!(runbook.matches("# ErrorBudgetBurn\n").count(), 1);
    assert_eq!(runbook.matches("# SLOMetricAbsent\n").count(), 1);
    for i in [0, 74, 75, 149] {
        assert!(runbook.contains(&format!("the S{i} errors SLO")), "S{i}");
    }
}

#[test]
fn a_selector_value_holding_the_window_placeholder_stays_as_written() {
    let source = r#"severity critical {}
severity warning {}
service odd { selector { job = "a$window" } }
slo odd_errors "Odd errors" {
  services [odd]
  objective 99.5%
  sli ratio {
    errors `sum(rate(requests_total{code=~"5..", $selector}[$window]))`
    total `sum(rate(requests_total{$selector}[$window]))`
  }
}
"#;
    let (tmp, rules) = rules_with(source);
    let out = tmp.path().join("out");
    common::compile_ok(&rules, &out);
    let text = std::fs::read_to_string(out.join("prometheus/slos.rules.yml")).unwrap();
    assert!(
        text.contains(r#"sum(rate(requests_total{job="a$window"}[30m]))"#),
        "{text}"
    );
    assert!(!text.contains(r#"job="a30m""#), "{text}");
}
