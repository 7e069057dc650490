//! Our SLO output against Sloth's: for Sloth's getting-started spec written in our language,
//! the same recording rule names, windows and SLI expressions, the same metadata, and alerts
//! over the same window pairs with the same burn factors and error budget.

mod common;

use common::{root, text, watchbook};
use std::collections::BTreeMap;
use yaml_serde::Value;

fn sloth_reference() -> Value {
    let path = common::shared("reference/sloth/generated-getting-started.yml");
    yaml_serde::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn ours() -> Value {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let result = watchbook(&[
        "compile",
        "tests/fixtures/sloth/getting-started",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(result.status.success(), "{}", text(&result.stderr));
    yaml_serde::from_str(&std::fs::read_to_string(out.join("prometheus/main.rules.yml")).unwrap())
        .unwrap()
}

fn rules(file: &Value) -> Vec<Value> {
    file["groups"]
        .as_sequence()
        .unwrap()
        .iter()
        .flat_map(|g| g["rules"].as_sequence().unwrap().clone())
        .collect()
}

fn squash(expr: &str) -> String {
    expr.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("( ", "(")
        .replace(" )", ")")
}

/// Recording rule name and window -> expression.
fn recordings(rules: &[Value]) -> BTreeMap<(String, String), String> {
    rules
        .iter()
        .filter_map(|r| {
            let name = r["record"].as_str()?;
            let window = r["labels"]["sloth_window"]
                .as_str()
                .unwrap_or("")
                .to_string();
            Some(((name.to_string(), window), squash(r["expr"].as_str()?)))
        })
        .collect()
}

/// Each `max(slo:sli_error:ratio_rate<W>{...} > (F * B))` of an alert: (window, factor, budget).
fn burn_terms(expr: &str) -> Vec<(String, f64, f64)> {
    let mut terms = Vec::new();
    for part in expr.split("max(slo:sli_error:ratio_rate").skip(1) {
        let window = part.split('{').next().unwrap().to_string();
        let numbers = part.split("> (").nth(1).unwrap().split(')').next().unwrap();
        let (factor, budget) = numbers.split_once(" * ").unwrap();
        terms.push((
            window,
            factor.trim().parse().unwrap(),
            budget.trim().parse().unwrap(),
        ));
    }
    terms
}

fn alert_terms(rules: &[Value], severity_label: &str) -> Vec<(String, f64, f64)> {
    let rule = rules
        .iter()
        .find(|r| {
            r["alert"].is_string()
                && r["labels"]["sloth_severity"].as_str() == Some(severity_label)
                && r["labels"]["escalated"].is_null()
        })
        .unwrap_or_else(|| panic!("no {severity_label} alert"));
    burn_terms(rule["expr"].as_str().unwrap())
}

#[test]
fn recording_rules_match_sloths() {
    let reference = sloth_reference();
    let theirs = recordings(&rules(&reference));
    let ours = recordings(&rules(&ours()));
    for window in ["5m", "30m", "1h", "2h", "6h", "1d", "3d"] {
        let key = (
            "slo:sli_error:ratio_rate".to_string() + window,
            window.to_string(),
        );
        assert_eq!(ours.get(&key), theirs.get(&key), "window {window}");
        assert!(theirs.contains_key(&key));
    }
    // The period ratio, with our whitespace around `ignoring`.
    let period = ("slo:sli_error:ratio_rate30d".to_string(), "30d".to_string());
    assert_eq!(
        ours[&period].replace(' ', ""),
        theirs[&period].replace(' ', "")
    );
    for meta in [
        "slo:current_burn_rate:ratio",
        "slo:period_burn_rate:ratio",
        "slo:period_error_budget_remaining:ratio",
        "slo:time_period:days",
    ] {
        let key = (meta.to_string(), String::new());
        assert_eq!(
            ours[&key].replace(' ', ""),
            theirs[&key].replace(' ', ""),
            "{meta}"
        );
    }
    // Objective and budget: the same numbers, without Sloth's float noise.
    let number = |e: &str| -> f64 {
        let inner = e.trim_start_matches("vector(").trim_end_matches(')');
        match inner.split_once('-') {
            Some((a, b)) => a.parse::<f64>().unwrap() - b.parse::<f64>().unwrap(),
            None => inner.parse().unwrap(),
        }
    };
    for meta in ["slo:objective:ratio", "slo:error_budget:ratio"] {
        let key = (meta.to_string(), String::new());
        assert!(
            (number(&ours[&key]) - number(&theirs[&key])).abs() < 1e-12,
            "{meta}: {} vs {}",
            ours[&key],
            theirs[&key]
        );
    }
}

#[test]
fn alerts_use_sloths_windows_factors_and_budget() {
    let reference = sloth_reference();
    let theirs = rules(&reference);
    let ours = rules(&ours());
    for kind in ["page", "ticket"] {
        let a = alert_terms(&ours, kind);
        let b = alert_terms(&theirs, kind);
        assert_eq!(a.len(), b.len(), "{kind}");
        assert_eq!(a.len(), 4, "{kind}: two window pairs of two windows");
        for ((wa, fa, ba), (wb, fb, bb)) in a.iter().zip(&b) {
            assert_eq!(wa, wb, "{kind}");
            assert!((fa - fb).abs() < 1e-9, "{kind} {wa}: factor {fa} vs {fb}");
            assert!((ba - bb).abs() < 1e-12, "{kind} {wa}: budget {ba} vs {bb}");
        }
    }
    // Labels propagate like Sloth's: the service's labels and the sloth_* identity.
    let page = ours
        .iter()
        .find(|r| r["alert"].as_str() == Some("MyServiceHighErrorRate"))
        .unwrap();
    for (k, v) in [
        ("owner", "myteam"),
        ("tier", "2"),
        ("sloth_severity", "page"),
        ("severity", "pageteam"),
        ("sloth_id", "myservice-requests-availability"),
    ] {
        assert_eq!(page["labels"][k].as_str(), Some(v), "{k}");
    }
}

#[test]
fn a_28_day_period_keeps_each_windows_budget_share() {
    let tmp = tempfile::tempdir().unwrap();
    let rules_dir = tmp.path().join("rules");
    common::copy_dir(
        &root().join("tests/fixtures/sloth/getting-started"),
        &rules_dir,
    );
    let source = rules_dir.join("main.wb");
    let text28 = std::fs::read_to_string(&source)
        .unwrap()
        .replace("period 30d", "period 28d");
    std::fs::write(&source, text28).unwrap();
    let out = tmp.path().join("out");
    let result = watchbook(&[
        "compile",
        rules_dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(result.status.success(), "{}", text(&result.stderr));
    let file: Value = yaml_serde::from_str(
        &std::fs::read_to_string(out.join("prometheus/main.rules.yml")).unwrap(),
    )
    .unwrap();
    let terms = alert_terms(&rules(&file), "page");
    // 2% of a 28-day budget in 1h: 0.02 * 672h / 1h = 13.44; 5% in 6h: 5.6.
    assert!((terms[0].1 - 13.44).abs() < 1e-9, "{terms:?}");
    assert!((terms[2].1 - 5.6).abs() < 1e-9, "{terms:?}");
}
