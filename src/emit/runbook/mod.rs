//! The runbook: one markdown document with a table of contents (`runbook/runbook.md`) and an
//! mdBook (`runbook/book/`), from the same model and the same minijinja templates. Templates
//! are built in; a user may replace any of them (`--templates DIR`). Every link and anchor of
//! the result is checked, and every alert's `runbook_url` must land on its section.

mod context;
mod error;
mod links;

pub use error::EmitError;

use super::{Artifact, RUNBOOK_SECTIONS};
use crate::anchor;
use crate::resolve::model::Model;
use minijinja::Environment;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// The built-in templates, by file name.
pub const TEMPLATES: [(&str, &str); 15] = [
    ("_steps.md", include_str!("templates/_steps.md")),
    ("overview.md", include_str!("templates/overview.md")),
    ("quick_access.md", include_str!("templates/quick_access.md")),
    ("dashboards.md", include_str!("templates/dashboards.md")),
    ("prometheus.md", include_str!("templates/prometheus.md")),
    ("logs.md", include_str!("templates/logs.md")),
    ("traces.md", include_str!("templates/traces.md")),
    ("alerts.md", include_str!("templates/alerts.md")),
    (
        "troubleshooting.md",
        include_str!("templates/troubleshooting.md"),
    ),
    ("escalation.md", include_str!("templates/escalation.md")),
    ("appendix.md", include_str!("templates/appendix.md")),
    ("runbook.md", include_str!("templates/runbook.md")),
    ("README.md", include_str!("templates/README.md")),
    ("SUMMARY.md", include_str!("templates/SUMMARY.md")),
    (
        "book.toml",
        "[book]\ntitle = \"{{ project.name }} Monitoring Runbook\"\nsrc = \"src\"\n",
    ),
];

/// A section as the document and the book list it.
#[derive(Serialize)]
struct TocEntry {
    title: String,
    anchor: String,
    file: String,
    text: String,
}

/// Escapes text for a markdown table cell.
fn cell(value: String) -> String {
    value.replace('|', "\\|").replace('\n', " ")
}

fn environment(
    overrides: &BTreeMap<String, String>,
) -> Result<Environment<'static>, Vec<EmitError>> {
    let mut env = Environment::new();
    env.add_filter("cell", cell);
    let mut errors = Vec::new();
    for (name, source) in TEMPLATES {
        let source = overrides
            .get(name)
            .cloned()
            .unwrap_or_else(|| source.to_string());
        if let Err(e) = env.add_template_owned(name.to_string(), source) {
            errors.push(EmitError::template(name, &e));
        }
    }
    if errors.is_empty() {
        Ok(env)
    } else {
        Err(errors)
    }
}

fn render<S: Serialize>(env: &Environment, name: &str, context: S) -> Result<String, EmitError> {
    let template = env
        .get_template(name)
        .map_err(|e| EmitError::template(name, &e))?;
    let mut text = template
        .render(context)
        .map_err(|e| EmitError::template(name, &e))?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

/// The built-in templates, parsed once per process.
static BUILT_IN: LazyLock<Result<Environment<'static>, String>> = LazyLock::new(|| {
    environment(&BTreeMap::new()).map_err(|errors| {
        let messages: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        messages.join("; ")
    })
});

/// Renders the runbook; `overrides` replaces built-in templates by name.
pub(crate) fn emit(
    model: &Model,
    overrides: &BTreeMap<String, String>,
) -> Result<Vec<Artifact>, Vec<EmitError>> {
    let own;
    let env = if overrides.is_empty() {
        BUILT_IN.as_ref().map_err(|message| {
            vec![EmitError::Template {
                name: "built-in".into(),
                message: message.clone(),
            }]
        })?
    } else {
        own = environment(overrides)?;
        &own
    };
    // Converted once: every section template reads the same context.
    let context = minijinja::Value::from_serialize(context::build(model));
    let mut errors = Vec::new();
    let mut toc = Vec::new();
    for section in RUNBOOK_SECTIONS {
        let file = format!("{section}.md");
        match render(env, &file, &context) {
            Ok(text) => {
                let title = text
                    .lines()
                    .find_map(|l| l.strip_prefix("## "))
                    .unwrap_or(section)
                    .trim()
                    .to_string();
                toc.push(TocEntry {
                    anchor: anchor::slug(&title),
                    title,
                    file,
                    text: collapse_blank_lines(&text),
                });
            }
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let with_toc = minijinja::context! { project => &context_project(model), toc => &toc };
    let document = render(env, "runbook.md", &with_toc).map(|t| collapse_blank_lines(&t));
    let summary = render(env, "SUMMARY.md", &with_toc);
    let readme = render(env, "README.md", &with_toc);
    let book_toml = render(env, "book.toml", &with_toc);
    let (document, summary, readme, book_toml) = match (document, summary, readme, book_toml) {
        (Ok(d), Ok(s), Ok(r), Ok(b)) => (d, s, r, b),
        (d, s, r, b) => {
            return Err([d.err(), s.err(), r.err(), b.err()]
                .into_iter()
                .flatten()
                .collect());
        }
    };
    let mut files = vec![("runbook/runbook.md".to_string(), document)];
    files.push(("runbook/book/book.toml".into(), book_toml));
    files.push(("runbook/book/src/SUMMARY.md".into(), summary));
    files.push(("runbook/book/src/README.md".into(), readme));
    let chapters: Vec<(String, String)> = toc
        .iter()
        .map(|s| (s.file.clone(), s.text.clone()))
        .collect();
    for (file, text) in links::link_across_chapters(&chapters) {
        files.push((format!("runbook/book/src/{file}"), text));
    }
    let mut errors = links::check(&files);
    errors.extend(links::check_alert_sections(model, &files[0].1, &files[0].0));
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(files
        .into_iter()
        .map(|(path, text)| Artifact {
            path,
            bytes: text.into_bytes(),
        })
        .collect())
}

#[derive(Serialize)]
struct ProjectView {
    name: String,
    description: String,
}

fn context_project(model: &Model) -> ProjectView {
    ProjectView {
        name: model.project.name.clone(),
        description: model.project.description.clone().unwrap_or_default(),
    }
}

/// Templates are easier to write when blank lines may pile up; the output has at most one.
fn collapse_blank_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        if line.trim().is_empty() && !in_code {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let trimmed = out.trim_end().to_string();
    trimmed + "\n"
}
