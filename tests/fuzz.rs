//! Bounded fuzzing, run by the test suite: random mutations of the real sources and of every
//! fixture, through the parser, the PromQL and LogQL checks and whole compiles into temp dirs;
//! and a sweep of hostile strings through every string of `rules/`. Nothing may panic, and
//! whatever compiles must pass promtool and amtool, give dashboards valid against Grafana's
//! schema, and give an inert runbook.
//!
//! `WATCHBOOK_FUZZ_RUNS` scales the number of cases (default 1) and `WATCHBOOK_FUZZ_SEED`
//! varies them; see the README for a long run. A failing input is saved under
//! `target/fuzz-failures/`.

mod common;

use common::{copy_dir, root};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// xorshift64*: a fixed, dependency-free stream, so that a failure can be replayed by seed.
struct Rng(u64);

impl Rng {
    fn new(salt: u64) -> Rng {
        let seed = std::env::var("WATCHBOOK_FUZZ_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0x5eed_cafe_f00d_u64);
        Rng((seed ^ salt.wrapping_mul(0x9e37_79b9_7f4a_7c15)) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn scale() -> usize {
    std::env::var("WATCHBOOK_FUZZ_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
}

/// Tokens that stress the grammar, the queries and the templates.
const DICTIONARY: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "\"",
    "\\",
    "\n",
    "`",
    "\"\"\"",
    "#",
    "{{",
    "}}",
    "{{ threshold }",
    "{{ .Foo",
    "{{ range $x }}",
    "{{ end }}",
    "[1e20]",
    "[584554049y]",
    " offset 500000y",
    " @ 1e20",
    "1e400",
    "0x",
    "sum(",
    "$selector",
    "=~",
    "!~\".*\"",
    "import \"../outside.wb\"",
    "import \"/proc/self/environ\"",
    "<script>",
    "{{#include /etc/passwd}}",
    "\r",
    "\u{0}",
    "for 0s",
    "period 0",
    "999999999999y",
    "alert",
    "severity",
    "services all",
    "environments [",
    "true5",
    "example \"x\" { series `up` \"1e400x10\" fires at 5m }",
    "ü",
    "\u{202e}",
    "record \"a b\" { expr `up` }",
    "labels { __name__ = \"x\" }",
    "labels { a = \"{{ end }}\" }",
];

/// Strings no field should trust.
const HOSTILE: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "a\\\"b'c\\\\d",
    "line\\n## heading",
    "{{ .Foo",
    "$(id) `id` ${HOME}",
    "x | y | z",
    "../../../etc/passwd",
    "javascript:alert(1)",
    "{{#include /etc/passwd}}",
    "ü 🦀 \u{202e}",
    "",
];

fn seeds() -> Vec<(PathBuf, String)> {
    let mut files = common::files_ending(&root().join("rules"), ".wb");
    files.extend(common::files_ending(&root().join("tests/fixtures"), ".wb"));
    files
        .into_iter()
        .map(|f| {
            let text = String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned();
            (f, text)
        })
        .collect()
}

/// A char boundary at or before `i`.
fn boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The byte ranges of the contents of `"..."` literals.
fn string_literals(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => i = text[i..].find('\n').map_or(bytes.len(), |n| i + n),
            b'`' => i = text[i + 1..].find('`').map_or(bytes.len(), |n| i + n + 2),
            b'"' if text[i..].starts_with("\"\"\"") => {
                i = text[i + 3..]
                    .find("\"\"\"")
                    .map_or(bytes.len(), |n| i + n + 6)
            }
            b'"' => {
                let start = i + 1;
                let mut j = start;
                while j < bytes.len() && bytes[j] != b'"' && bytes[j] != b'\n' {
                    j += if bytes[j] == b'\\' { 2 } else { 1 };
                }
                out.push((start, j.min(bytes.len())));
                i = j + 1;
            }
            _ => i += 1,
        }
    }
    out
}

fn mutate(rng: &mut Rng, text: &str, other: &str) -> String {
    let mut text = text.to_string();
    for _ in 0..1 + rng.below(4) {
        let len = text.len().max(1);
        let a = boundary(&text, rng.below(len));
        let b = boundary(&text, a + rng.below(64));
        match rng.below(6) {
            0 => text.replace_range(a..b, ""),
            1 => {
                let chunk = text[a..b].to_string();
                text.insert_str(a, &chunk);
            }
            2 => text.insert_str(a, DICTIONARY[rng.below(DICTIONARY.len())]),
            3 => {
                let literals = string_literals(&text);
                if !literals.is_empty() {
                    let (s, e) = literals[rng.below(literals.len())];
                    text.replace_range(s..e, HOSTILE[rng.below(HOSTILE.len())]);
                }
            }
            4 => {
                let o = boundary(other, rng.below(other.len().max(1)));
                let p = boundary(other, o + rng.below(200));
                text.insert_str(a, &other[o..p]);
            }
            _ => {
                let c = char::from(b' ' + rng.below(95) as u8);
                text.replace_range(a..boundary(&text, a + 1), &c.to_string());
            }
        }
    }
    text
}

/// Runs `f`; a panic saves `input` for replay and fails the test.
fn no_panic<R>(name: &str, input: &str, f: impl FnOnce() -> R) -> R {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(_) => {
            let dir = root().join("target/fuzz-failures");
            std::fs::create_dir_all(&dir).unwrap();
            let path = dir.join(format!("{name}.wb"));
            std::fs::write(&path, input).unwrap();
            panic!("{name} panicked; input saved to {}", path.display());
        }
    }
}

/// The contents of backtick strings, the queries and commands of a source.
fn backticks(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

#[test]
fn the_parser_the_formatter_and_the_query_checks_never_panic() {
    let seeds = seeds();
    let mut rng = Rng::new(1);
    let (mut parsed, mut queries) = (0, 0);
    for run in 0..3_000 * scale() {
        let (_, seed) = &seeds[rng.below(seeds.len())];
        let (_, other) = &seeds[rng.below(seeds.len())];
        let text = mutate(&mut rng, seed, other);
        no_panic(&format!("parse-{run}"), &text, || {
            watchbook::fuzz::parse(&text)
        });
        let kept = no_panic(&format!("fmt-{run}"), &text, || {
            watchbook::fuzz::format(&text)
        });
        if !kept {
            let path = root().join(format!("target/fuzz-failures/fmt-{run}.wb"));
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &text).unwrap();
            panic!(
                "fmt changed what parses, or is not idempotent; input saved to {}",
                path.display()
            );
        }
        parsed += 1;
        for query in backticks(&text).into_iter().take(4) {
            let query = mutate(&mut rng, query, other);
            no_panic(&format!("query-{run}"), &query, || {
                watchbook::fuzz::promql(&query);
                watchbook::fuzz::logql(&query);
            });
            queries += 1;
        }
    }
    eprintln!("fuzz: {parsed} sources parsed, {queries} queries checked, no panic");
    assert!(parsed >= 3_000 && queries > 1_000);
}

/// Checks what a successful compile wrote: an inert runbook; rule files and the Alertmanager
/// configuration are kept for the validators.
fn check_output(out: &Path, keep: &Path, case: usize) {
    for file in common::files_ending(&out.join("runbook"), ".md") {
        let markdown = std::fs::read_to_string(&file).unwrap();
        for event in pulldown_cmark::Parser::new(&markdown) {
            if let pulldown_cmark::Event::Html(h) | pulldown_cmark::Event::InlineHtml(h) = event {
                panic!("case {case}: raw HTML `{h}` in {}", file.display());
            }
        }
    }
    for file in common::files_ending(&out.join("prometheus"), ".rules.yml") {
        std::fs::copy(
            &file,
            keep.join(format!(
                "{case}-{}",
                file.file_name().unwrap().to_string_lossy()
            )),
        )
        .unwrap();
    }
    for file in common::files_ending(&out.join("grafana"), ".json") {
        let name = format!("{case}-{}", file.file_name().unwrap().to_string_lossy());
        std::fs::copy(&file, keep.join(name)).unwrap();
    }
    let am = out.join("alertmanager/alertmanager.yml");
    if am.exists() {
        std::fs::copy(&am, keep.join(format!("{case}-alertmanager.yml"))).unwrap();
    }
}

/// Runs promtool and amtool over everything kept; on a failure the kept files (with the
/// sources that made them) are saved under `target/fuzz-failures/validate/`.
fn validate(keep: &Path) {
    if catch_unwind(AssertUnwindSafe(|| run_validators(keep))).is_err() {
        let saved = root().join("target/fuzz-failures/validate");
        let _ = std::fs::remove_dir_all(&saved);
        copy_dir(keep, &saved);
        panic!(
            "a validator refused generated files; inputs saved to {}",
            saved.display()
        );
    }
}

fn run_validators(keep: &Path) {
    let files = |suffix: &str| common::files_ending(keep, suffix);
    common::validate("promtool", &["check", "rules"], &files(".rules.yml"));
    common::validate("amtool", &["check-config"], &files("alertmanager.yml"));
    let schema = common::shared("schemas/grafana-dashboard.schema.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    for file in files(".json") {
        let dashboard: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&dashboard)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", file.display());
    }
}

#[test]
fn whole_compiles_of_mutated_sources_never_panic_and_pass_the_validators() {
    let tmp = tempfile::tempdir().unwrap();
    let keep = tmp.path().join("keep");
    std::fs::create_dir_all(&keep).unwrap();
    let seeds = seeds();
    let rules_files = common::files_ending(&root().join("rules"), ".wb");
    let mut rng = Rng::new(2);
    let (runs, mut compiled) = (120 * scale(), 0);
    for case in 0..runs {
        let rules = tmp.path().join(format!("rules{case}"));
        copy_dir(&root().join("rules"), &rules);
        let target = &rules_files[rng.below(rules_files.len())];
        let relative = target.strip_prefix(root().join("rules")).unwrap();
        let (_, other) = &seeds[rng.below(seeds.len())];
        let source = std::fs::read_to_string(target).unwrap();
        let text = mutate(&mut rng, &source, other);
        std::fs::write(rules.join(relative), &text).unwrap();
        let out = tmp.path().join(format!("out{case}"));
        let ok = no_panic(&format!("compile-{case}"), &text, || {
            watchbook::fuzz::compile_into(&rules, &out)
        });
        if ok {
            compiled += 1;
            std::fs::write(keep.join(format!("{case}-source.wb")), &text).unwrap();
            check_output(&out, &keep, case);
        }
        std::fs::remove_dir_all(&rules).unwrap();
        let _ = std::fs::remove_dir_all(&out);
    }
    validate(&keep);
    eprintln!("fuzz: {runs} mutated compiles, {compiled} compiled and validated, no panic");
    assert!(
        compiled > 0,
        "no mutation compiled: the mutations are too destructive"
    );
}

#[test]
fn hostile_strings_in_every_field_are_refused_or_stay_harmless() {
    let tmp = tempfile::tempdir().unwrap();
    let keep = tmp.path().join("keep");
    std::fs::create_dir_all(&keep).unwrap();
    let mut cases = 0;
    let mut compiled = 0;
    for file in common::files_ending(&root().join("rules"), ".wb") {
        let relative = file
            .strip_prefix(root().join("rules"))
            .unwrap()
            .to_path_buf();
        let source = std::fs::read_to_string(&file).unwrap();
        let literals = string_literals(&source);
        // Every sixth literal of every file (every one in a long run), with each hostile
        // string in turn.
        let step = if scale() > 1 { 1 } else { 6 };
        for (n, (start, end)) in literals.iter().enumerate().step_by(step) {
            let hostile = HOSTILE[n % HOSTILE.len()];
            let mut changed = source.clone();
            changed.replace_range(start..end, hostile);
            let rules = tmp.path().join("rules");
            let _ = std::fs::remove_dir_all(&rules);
            copy_dir(&root().join("rules"), &rules);
            std::fs::write(rules.join(&relative), &changed).unwrap();
            let compilation = no_panic(&format!("hostile-{cases}"), &changed, || {
                watchbook::compile::compile(&rules)
            });
            if let Ok(artifacts) = compilation.result {
                compiled += 1;
                std::fs::write(keep.join(format!("{cases}-source.wb")), &changed).unwrap();
                let out = tmp.path().join(format!("out{cases}"));
                for a in &artifacts {
                    let path = out.join(&a.path);
                    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                    std::fs::write(path, &a.bytes).unwrap();
                }
                check_output(&out, &keep, cases);
            }
            cases += 1;
        }
    }
    validate(&keep);
    eprintln!("fuzz: {cases} hostile strings placed, {compiled} compiled and validated");
    assert!(
        cases > 50 && compiled > 10,
        "{cases} cases, {compiled} compiled"
    );
}
