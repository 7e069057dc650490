//! The runbook: one markdown document with a table of contents (`runbook/runbook.md`) and an
//! mdBook (`runbook/book/`), from the same model and the same minijinja templates. Templates
//! are built in; a user may replace any of them (`--templates DIR`). Every link and anchor of
//! the result is checked, and every alert's `runbook_url` must land on its section.

mod book;
mod context;
mod error;
mod links;
mod query_layout;

pub use error::{dedup, EmitError};

use super::{Artifact, RUNBOOK_SECTIONS};
use crate::anchor;
use crate::markdown;
use crate::resolve::model::Model;
use minijinja::Environment;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// Whether a rendered chapter holds only its heading.
fn is_empty_chapter(text: &str) -> bool {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .all(|l| l.starts_with("## "))
}

/// The built-in templates, by file name.
pub const TEMPLATES: [(&str, &str); 18] = [
    ("_steps.md", include_str!("templates/_steps.md")),
    ("_alerts.md", include_str!("templates/_alerts.md")),
    ("page.md", include_str!("templates/page.md")),
    ("alert_body.md", include_str!("templates/alert_body.md")),
    ("alert_page.md", include_str!("templates/alert_page.md")),
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
];

/// A section as the document and the book list it.
struct TocEntry {
    title: String,
    anchor: String,
    file: String,
    text: String,
}

impl TocEntry {
    /// As templates see it: the rendered text and the link targets are ours, already markdown.
    fn value(&self) -> minijinja::Value {
        minijinja::context! {
            title => &self.title,
            anchor => minijinja::Value::from_safe_string(self.anchor.clone()),
            file => minijinja::Value::from_safe_string(self.file.clone()),
            text => minijinja::Value::from_safe_string(self.text.clone()),
        }
    }
}

/// Every value a template prints is escaped as markdown prose unless it is marked safe: text
/// from the source can never become markup (see [`crate::markdown`]).
fn formatter(
    out: &mut minijinja::Output,
    _: &minijinja::State,
    value: &minijinja::Value,
) -> Result<(), minijinja::Error> {
    let written = if value.is_safe() {
        out.write_str(value.as_str().unwrap_or_default())
    } else if let Some(text) = value.as_str() {
        out.write_str(&markdown::prose(text))
    } else if value.is_undefined() || value.is_none() {
        Ok(())
    } else {
        write!(out, "{value}")
    };
    written.map_err(minijinja::Error::from)
}

fn safe(text: String) -> minijinja::Value {
    minijinja::Value::from_safe_string(text)
}

fn environment(
    overrides: &BTreeMap<String, String>,
) -> Result<Environment<'static>, Vec<EmitError>> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Custom("markdown"));
    env.set_formatter(formatter);
    env.add_filter("cell", |v: String| safe(markdown::cell(&v)));
    env.add_filter("code", |v: String| safe(markdown::code_span(&v)));
    env.add_filter("markdown", |v: String| safe(markdown::block(&v)));
    env.add_filter("link", |v: String| safe(markdown::link_target(&v)));
    env.add_filter(
        "fence",
        |v: String, language: Option<String>, indent: Option<usize>| {
            let (language, indent) = (language.unwrap_or_default(), indent.unwrap_or(0));
            // Queries are laid out to the page's width (LogQL's brackets and operators are
            // PromQL's); other languages are shown as written.
            let text = if language == "promql" || language == "logql" {
                query_layout::promql(&v, query_layout::WIDTH.saturating_sub(indent))
            } else {
                v
            };
            safe(markdown::fence(&text, &language, indent))
        },
    );
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

/// Compiles the built-in templates now, so that the runbook need not wait for them: called on
/// the pool while the sources are parsed and resolved, when a core is often idle.
pub(crate) fn prepare_built_in() {
    LazyLock::force(&BUILT_IN);
}

/// Renders the runbook, handing each file to `sink` as it is made (a team's page as soon as
/// it is rendered; the rest once every link is checked); `overrides` replaces built-in
/// templates by name. On an error, some pages may have been handed over already.
pub(crate) fn emit(
    model: &Model,
    overrides: &BTreeMap<String, String>,
    sink: &(dyn Fn(Artifact) + Sync),
) -> Result<(), Vec<EmitError>> {
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
    let (mut built, mut team_pages) = crate::timing::stage("rb-context", || context::build(model));
    // Each alert's section is rendered once (the document and the book's alert pages both
    // print it); a team page renders its own alerts' sections.
    let alert_body = |alert: &minijinja::Value| {
        render(env, "alert_body.md", minijinja::context! { alert => alert })
            .map(|t| collapse_blank_lines(&t))
    };
    crate::timing::stage("rb-alerts", || {
        context::render_alert_bodies(&mut built, |alert| {
            alert_body(&minijinja::Value::from_serialize(alert))
        })
    })
    .map_err(|e| vec![e])?;
    // Converted once: every section template reads the same context.
    let context = crate::timing::stage("rb-value", || minijinja::Value::from_serialize(built));
    let mut errors = Vec::new();
    let mut toc = Vec::new();
    // The sections read the same context and nothing else: rendered on every core, in order.
    let rendered = crate::parallel::map(&RUNBOOK_SECTIONS, |&section| {
        let file = format!("{section}.md");
        render(env, &file, &context).map(|text| (section, file, text))
    });
    for section in rendered {
        match section {
            // A chapter with nothing under its heading is left out.
            Ok((_, _, text)) if is_empty_chapter(&text) => {}
            Ok((section, file, text)) => {
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
    let toc_values: Vec<minijinja::Value> = toc.iter().map(TocEntry::value).collect();
    let pages = context.get_attr("pages").unwrap_or_default();
    let split = !team_pages.list.is_empty();
    // A book's sidebar lists what SUMMARY.md lists, and SUMMARY.md can only list files: in a
    // runbook of one document, each alert is a page of its own in the book.
    let alert_pages = if split {
        Vec::new()
    } else {
        book::alert_pages(env, model, &context)?
    };
    // The book's alert pages are handed over as soon as they link to the other chapters, so
    // that they are written while the rest is rendered.
    let chapters = book::section_chapters(env, &context, &toc, !alert_pages.is_empty())?;
    let home = links::homes(
        chapters
            .iter()
            .map(|(file, text)| (file.as_str(), text.as_str()))
            .chain(
                alert_pages
                    .iter()
                    .map(|p| (p.file.as_str(), p.text.as_str())),
            ),
    );
    let mut scans = crate::parallel::map(&alert_pages, |page| {
        let text = links::relink(&page.file, &page.text, &home);
        let path = format!("runbook/book/src/{}", page.file);
        let scan = links::Scan::new(path.clone(), &text);
        sink(Artifact {
            path,
            bytes: text.into_bytes(),
        });
        scan
    });
    let summary_alerts: Vec<minijinja::Value> = alert_pages
        .iter()
        .map(|p| minijinja::context! { title => &p.title, file => safe(p.file.clone()) })
        .collect();
    let with_toc = minijinja::context! {
        project => &context_project(model),
        toc => toc_values,
        pages => pages.clone(),
        alert_pages => summary_alerts,
    };
    let document = render(env, "runbook.md", &with_toc).map(|t| collapse_blank_lines(&t));
    let summary = render(env, "SUMMARY.md", &with_toc);
    let readme = render(env, "README.md", &with_toc);
    let (document, summary, readme) = match (document, summary, readme) {
        (Ok(d), Ok(s), Ok(r)) => (d, s, r),
        (d, s, r) => {
            return Err([d.err(), s.err(), r.err()].into_iter().flatten().collect());
        }
    };
    let book_toml = book::book_toml(&model.project.name);
    let mut files = vec![("runbook/runbook.md".to_string(), document)];
    // A runbook split by team: each page beside the document and in the book, rendered once;
    // only the link back differs (the book has no `runbook.md`). Pages are independent: their
    // alerts worded, converted for the templates and rendered on every core, each page
    // written out once scanned for the link checks, so that they never all live at once.
    let project = context_project(model);
    let page_scans = crate::parallel::map_into(std::mem::take(&mut team_pages.list), |mut page| {
        team_pages.fill(&mut page);
        let file = page.file.clone();
        let page = page.into_value(alert_body)?;
        let (doc_back, book_back) = ("runbook.md#alert-investigation", "alerts.md");
        let context = minijinja::context! {
            project => &project, page => page, back => doc_back,
        };
        let text = render(env, "page.md", context).map(|t| collapse_blank_lines(&t))?;
        let book = text.replacen(&format!("]({doc_back})"), &format!("]({book_back})"), 1);
        let written = [
            (format!("runbook/{file}"), text),
            (format!("runbook/book/src/{file}"), book),
        ];
        Ok(written.map(|(path, text)| {
            let scan = links::Scan::new(path.clone(), &text);
            sink(Artifact {
                path,
                bytes: text.into_bytes(),
            });
            scan
        }))
    });
    for page in page_scans {
        scans.extend(page.map_err(|e| vec![e])?);
    }
    files.push(("runbook/book/book.toml".into(), book_toml));
    files.push(("runbook/book/src/SUMMARY.md".into(), summary));
    files.push(("runbook/book/src/README.md".into(), readme));
    for (file, text) in &chapters {
        let text = links::relink(file, text, &home);
        files.push((format!("runbook/book/src/{file}"), text));
    }
    scans.extend(crate::timing::stage("rb-scan", || links::scan(&files)));
    let mut errors = crate::timing::stage("rb-links", || links::check(&scans));
    errors.extend(links::check_alert_sections(model, &scans));
    if !errors.is_empty() {
        return Err(errors);
    }
    for (path, text) in files {
        sink(Artifact {
            path,
            bytes: text.into_bytes(),
        });
    }
    Ok(())
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
        let line = line.trim_end();
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        if line.is_empty() && !in_code {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    // Trailing blank lines go, in place: pages are large.
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}
