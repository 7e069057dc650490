//! Hostile sources: every one is refused with a located error and exit code 1 (never a panic,
//! never a hang), or compiles to artifacts that the real consumers accept and that stay inert.

mod common;

use common::{compile_command, text, tool};
use std::path::Path;
use std::process::{Command, Output};

/// A small valid source the cases add to.
const BASE: &str = r#"project "T" { runbook_url "https://runbooks.example/t" }
severity critical { response 15m notify [hook] }
receiver hook { webhook { url "http://127.0.0.1:9/hook" } }
routing { default hook }
"#;

fn compile_dir(rules: &Path, out: &Path) -> Output {
    compile_command(rules, out)
        .env("WATCHBOOK_TEST_SECRET", "hunter2-in-the-environment")
        .output()
        .expect("the watchbook binary runs")
}

/// Compiles `BASE` plus `extra` as `rules/main.wb` in a temp dir.
fn compile(extra: &str) -> (tempfile::TempDir, Output) {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules");
    std::fs::create_dir_all(&rules).unwrap();
    std::fs::write(rules.join("main.wb"), format!("{BASE}{extra}")).unwrap();
    let out = compile_dir(&rules, &tmp.path().join("out"));
    (tmp, out)
}

/// The case is refused with `code`, at `main.wb`, with `words` in the message.
fn refused(extra: &str, code: &str, words: &str) -> String {
    let started = std::time::Instant::now();
    let (tmp, result) = compile(extra);
    let stderr = text(&result.stderr);
    let case: String = extra.chars().take(100).collect();
    let shown: String = stderr.chars().take(2_000).collect();
    assert_eq!(result.status.code(), Some(1), "{case}\n{shown}");
    assert!(stderr.contains(code), "{case}: expected {code}\n{shown}");
    assert!(
        stderr.contains(words),
        "{case}: expected `{words}`\n{shown}"
    );
    assert!(stderr.contains("main.wb:"), "{case}: no location\n{shown}");
    assert!(!tmp.path().join("out").exists(), "{case}: wrote output");
    let took = started.elapsed();
    assert!(took.as_secs() < 10, "{case}: took {took:?}");
    stderr
}

#[test]
fn imports_never_leave_the_rules_directory_or_print_what_is_outside() {
    let tmp = tempfile::tempdir().unwrap();
    let (rules, outside) = (tmp.path().join("rules"), tmp.path().join("outside"));
    std::fs::create_dir_all(&rules).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    let secret = "severity critical { response 15m } # SECRET-OUTSIDE-FILE\n";
    std::fs::write(outside.join("ext.wb"), secret).unwrap();
    let outside_abs = outside.join("ext.wb");
    let cases = [
        ("/proc/self/environ", "E0008"),
        ("../../../../etc/passwd", "E0008"),
        ("../outside/ext.wb", "E0007"),
        (outside_abs.to_str().unwrap(), "E0007"),
        ("/../../tmp/x.wb", "E0007"),
        ("link.wb", "E0007"),
    ];
    for (import, code) in cases {
        if import == "link.wb" {
            std::os::unix::fs::symlink(outside.join("ext.wb"), rules.join("link.wb")).unwrap();
        }
        std::fs::write(
            rules.join("main.wb"),
            format!("import \"{import}\"\n{BASE}"),
        )
        .unwrap();
        let out = tmp.path().join("out");
        let result = compile_dir(&rules, &out);
        let all = text(&result.stdout) + &text(&result.stderr);
        assert_eq!(result.status.code(), Some(1), "{import}: {all}");
        assert!(all.contains(code), "{import}: {all}");
        assert!(!all.contains("SECRET-OUTSIDE-FILE"), "{import}: {all}");
        assert!(!all.contains("hunter2"), "{import}: {all}");
        assert!(!out.exists());
    }
    // The linked source is refused even when nothing imports it.
    std::fs::write(rules.join("main.wb"), BASE).unwrap();
    let result = compile_dir(&rules, &tmp.path().join("out"));
    assert!(text(&result.stderr).contains("E0007"));
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        2,
        "nothing written beside"
    );
}

#[test]
fn notification_templates_never_leave_the_rules_directory_or_print_what_is_outside() {
    let tmp = tempfile::tempdir().unwrap();
    let (rules, outside) = (tmp.path().join("rules"), tmp.path().join("outside"));
    std::fs::create_dir_all(&rules).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(
        outside.join("ext.tmpl"),
        "{{ define \"x\" }}SECRET-OUTSIDE-TEMPLATE{{ end }}\n",
    )
    .unwrap();
    let outside_abs = outside.join("ext.tmpl");
    let cases = [
        ("/proc/self/environ", "E0019"),
        ("../../../../etc/passwd", "E0019"),
        ("../outside/ext.tmpl", "E0007"),
        (outside_abs.to_str().unwrap(), "E0007"),
        ("link.tmpl", "E0007"),
        ("missing.tmpl", "E0020"),
    ];
    std::os::unix::fs::symlink(outside.join("ext.tmpl"), rules.join("link.tmpl")).unwrap();
    for (template, code) in cases {
        std::fs::write(
            rules.join("main.wb"),
            format!("{BASE}alertmanager {{ templates [\"{template}\"] }}\n"),
        )
        .unwrap();
        let out = tmp.path().join("out");
        let result = compile_dir(&rules, &out);
        let all = text(&result.stdout) + &text(&result.stderr);
        assert_eq!(result.status.code(), Some(1), "{template}: {all}");
        assert!(all.contains(code), "{template}: {all}");
        assert!(
            !all.contains("SECRET-OUTSIDE-TEMPLATE"),
            "{template}: {all}"
        );
        assert!(!all.contains("hunter2"), "{template}: {all}");
        assert!(!out.exists());
    }
}

#[test]
fn hostile_queries_are_errors_not_panics_or_hangs() {
    let alert = |expr: &str| {
        format!("alert A {{\n  expr `{expr}`\n  severity critical\n  summary \"a\"\n}}\n")
    };
    refused(&alert("x[1e20]"), "E0106", "292 years");
    refused(&alert("x[584554049y]"), "E0106", "292 years");
    refused(&alert("x offset 500000y"), "E0106", "292 years");
    refused(&alert("x @ 1e20"), "E0106", "out of range");
    refused(&alert("x > 1e400"), "E0106", "out of range");
    // Huge inputs stop at the length limit, deep ones at the nesting limit.
    let deep = "(".repeat(170_000) + "x" + &")".repeat(170_000);
    refused(&alert(&deep), "E0106", "the limit is");
    let quadratic = "sum(".repeat(20_000) + "x" + &")".repeat(20_000);
    refused(&alert(&quadratic), "E0106", "the limit is");
    let nested = "sum(".repeat(100) + "x" + &")".repeat(100);
    refused(&alert(&nested), "E0106", "nested");
    let logql = |depth: usize| {
        format!(
            "query logs \"Logs\" {{\n  logql `{}{{app=\"a\"}}{}`\n}}\n",
            "(".repeat(depth),
            ")".repeat(depth)
        )
    };
    refused(&logql(40_000), "E0107", "the limit is");
    refused(&logql(100), "E0107", "nested");
    // Newer than the Prometheus the output is for, or regex syntax Go refuses.
    refused(
        &alert("limitk(2, up)"),
        "E0106",
        "needs Prometheus 2.54 or later; the output is for 2.42",
    );
    refused(&alert("{\"my.metric\"}"), "E0106", "quoted metric");
    refused(&alert("x{a=~\"(?<n>a)\"}"), "E0106", "named groups");
    refused(&alert("x{a=~\"a++\"}"), "E0106", "repetition");
    refused(&alert("x{a=~\"a{2,1001}\"}"), "E0106", "1000");
    let chain = vec!["x"; 2_000].join(" + ");
    refused(&alert(&chain), "E0106", "operators");
}

#[test]
fn what_prometheus_and_alertmanager_would_refuse_is_refused() {
    let alert =
        |field: &str| format!("alert A {{\n  expr `up == 0`\n  severity critical\n  {field}\n}}\n");
    refused(
        &alert("summary \"{{ threshold }\""),
        "E0133",
        "unclosed action",
    );
    refused(&alert("summary \"{{ .Foo\""), "E0133", "unclosed action");
    refused(
        &alert("summary \"{{ range $x }}\""),
        "E0133",
        "undefined variable",
    );
    refused(&alert("summary \"{{ range $labels }}x\""), "E0133", "end");
    refused(
        &alert("labels { team = \"{{ humanise $value }}\" }"),
        "E0133",
        "humanise",
    );
    refused(&alert("for 500000y"), "E0104", "292 years");
    refused(
        "receiver r { slack { api_url_file \"/s\" send_resolved true5 } }\n",
        "E0134",
        "`true` or `false`",
    );
    refused(
        "receiver s { slack { api_url_file \"/s\" title \"{{ .CommonLabels.alertname | humanize }}\" } }\n",
        "E0133",
        "function `humanize`",
    );
    refused(
        "receiver m { email { to \"a@example.com\" } }\n",
        "E0125",
        "smarthost",
    );
    refused(
        "receiver m { email { to \"a@b.c\" from \"x@b.c\" smarthost \"smtp.example\" } }\n",
        "E0134",
        "host:port",
    );
    refused(
        "receiver s { slack { api_url_file \"https://hooks.slack.com/services/T0/B0/XYZ\" } }\n",
        "E0136",
        "path of a file",
    );
    refused(
        "receiver w { webhook { url \"https://user:pass@hooks.example/x\" } }\n",
        "E0137",
        "credentials",
    );
    refused(
        "receiver w { webhook { url \"https://hooks.example/x?token=abc\" } }\n",
        "E0137",
        "credentials",
    );
    refused(
        "alert A {\n  expr `up == 0`\n  severity critical\n  summary \"a\"\n  example \"x\" {\n    series `up` \"1e400x10\"\n    fires at 5m\n  }\n}\n",
        "E0135",
        "out of range",
    );
    refused(
        "alert A {\n  expr `up == 0`\n  severity critical\n  summary \"a\"\n  example \"x\" {\n    series `up` \"0x10\"\n    fires at 100y\n  }\n}\n",
        "E0142",
        "at most",
    );
    refused(
        "slo s \"S\" {\n  objective 99%\n  period 0\n  sli availability `up`\n}\n",
        "E0138",
        "period",
    );
    refused(
        "service s { team \"{{ end }}\" selector { job = \"s\" } }\nalert A {\n  expr `up{$selector} == 0`\n  services [s]\n  severity critical\n}\n",
        "E0214",
        "`team` of alert `A`",
    );
    refused(
        "alert A {\n  expr `up == 0`\n  severity critical\n  labels { __name__ = \"x\" }\n}\n",
        "E0139",
        "`__name__`",
    );
    refused(
        "record \"a b\" { expr `up` }\n",
        "E0140",
        "not a metric name",
    );
    refused(
        "dashboard d \"D\" {\n  link \"Click\" \"javascript:alert(1)\"\n}\n",
        "E0134",
        "URL",
    );
}

/// Titles carried into templates stay text: Prometheus accepts the rules.
#[test]
fn titles_in_templates_stay_text() {
    let (tmp, result) = compile(concat!(
        "severity warning { response 1h notify [hook] }\n",
        "slo lat \"Latency {{ end }} {{ .Foo\" {\n  objective 99%\n  sli availability `up`\n}\n",
        "query q \"Q {{ end }}\" { promql `up` unit none }\n",
        "threshold q { critical below 1 }\n",
        "alert B {\n  when q is critical\n  summary \"{{ query }} is low\"\n}\n",
    ));
    assert!(result.status.success(), "{}", text(&result.stderr));
    let rules = common::files_ending(&tmp.path().join("out/prometheus"), ".rules.yml");
    common::validate("promtool", &["check", "rules"], &rules);
}

/// Label values with quotes, backslashes and shell metacharacters reach amtool intact.
#[test]
fn route_tests_quote_any_label_value() {
    let (tmp, result) = compile(concat!(
        "route_test \"quotes\" {\n",
        "  labels { severity = \"critical\", note = \"a \\\"quoted\\\" $(touch pwned) `x` 'y' \\\\ z\" }\n",
        "  expect [hook]\n",
        "}\n"
    ));
    assert!(result.status.success(), "{}", text(&result.stderr));
    let script = tmp.path().join("out/alertmanager/route-tests.sh");
    assert!(std::fs::read_to_string(&script).unwrap().contains("note="));
    let Some(_) = tool("amtool") else { return };
    let run = Command::new("sh")
        .arg(&script)
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}{}",
        text(&run.stdout),
        text(&run.stderr)
    );
    assert!(!tmp.path().join("pwned").exists());
    assert!(!tmp.path().join("out/alertmanager/pwned").exists());
}

/// Every markdown file of the runbook, parsed by a CommonMark parser: no HTML at all, and only
/// the headings the templates write.
fn assert_inert(markdown: &str, hostile_heading: &str) {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut in_heading = false;
    let mut heading = String::new();
    for event in Parser::new_ext(markdown, pulldown_cmark::Options::ENABLE_TABLES) {
        match event {
            Event::Html(html) | Event::InlineHtml(html) => panic!("raw HTML: {html}"),
            Event::Start(Tag::Heading { .. }) => {
                in_heading = true;
                heading.clear();
            }
            Event::End(TagEnd::Heading(_)) => {
                in_heading = false;
                assert!(
                    !heading.contains(hostile_heading),
                    "injected heading: {heading}"
                );
            }
            Event::Text(t) | Event::Code(t) if in_heading => heading.push_str(&t),
            Event::Start(Tag::Link { dest_url, .. }) => {
                assert!(!dest_url.starts_with("javascript"), "{dest_url}");
            }
            _ => {}
        }
    }
}

#[test]
fn hostile_text_in_the_runbook_stays_text() {
    let (tmp, result) = compile(concat!(
        "alert Xss {\n  expr `up == 0`\n  severity critical\n",
        "  summary \"<script>alert(1)</script> <img src=x onerror=alert(2)>\"\n",
        "  description \"line\\n## Injected heading\\n[click](javascript:alert(3))\"\n",
        "  causes [\"</p><iframe src=x>\", \"`code` and <pod>\", \"{{#include /etc/passwd}}\"]\n",
        "  investigate {\n    step \"s\" { run `echo '<b>' ; cat /etc/shadow` note \"``` a\r| b | c\" }\n  }\n",
        "}\n",
        "component c \"C\" { purpose \"split\r| row |\" access \"https://x.example\" }\n",
        "section overview \"\"\"\n<script>alert(4)</script> {{ #include /etc/passwd }}\n\n## A real heading\n\"\"\"\n",
    ));
    assert!(result.status.success(), "{}", text(&result.stderr));
    let out = tmp.path().join("out/runbook");
    for file in common::files_ending(&out, ".md") {
        let markdown = std::fs::read_to_string(&file).unwrap();
        assert_inert(&markdown, "Injected heading");
        assert!(!markdown.contains("{{#include"), "{}", file.display());
        for line in markdown.lines().filter(|l| l.starts_with('|')) {
            assert!(line.ends_with('|'), "a row was split: {line}");
        }
    }
    let doc = std::fs::read_to_string(out.join("runbook.md")).unwrap();
    assert!(doc.contains("## A real heading") || doc.contains("A real heading"));
    assert!(doc.contains("`<pod>`"));
}

#[test]
fn a_project_name_cannot_add_to_book_toml() {
    let hostile =
        "project \"X\\\"\\n[preprocessor.evil]\\ncommand = \\\"touch /tmp/pwned\\\"\\n#\"";
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules");
    std::fs::create_dir_all(&rules).unwrap();
    std::fs::write(
        rules.join("main.wb"),
        BASE.replacen("project \"T\"", hostile, 1),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let result = compile_dir(&rules, &out);
    assert!(result.status.success(), "{}", text(&result.stderr));
    let book = std::fs::read_to_string(out.join("runbook/book/book.toml")).unwrap();
    let parsed: toml::Table = book.parse().unwrap();
    assert_eq!(parsed.keys().collect::<Vec<_>>(), ["book"], "{book}");
    assert!(parsed["book"]["title"]
        .as_str()
        .unwrap()
        .contains("[preprocessor.evil]"));
}
