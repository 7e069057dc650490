//! The runbook as an mdBook: `book.toml`, the chapters, and in a runbook of one document a page
//! per alert, so that the sidebar (which lists what SUMMARY.md lists) shows every alert.

use super::{collapse_blank_lines, context_project, render, EmitError, TocEntry};
use crate::resolve::model::Model;
use minijinja::Environment;
use serde::Serialize;

/// An alert's page in the book.
pub(super) struct AlertPage {
    pub title: String,
    pub file: String,
    pub text: String,
}

/// Every alert of the one-document runbook as a page of the book, in the document's order.
pub(super) fn alert_pages(
    env: &Environment,
    model: &Model,
    context: &minijinja::Value,
) -> Result<Vec<AlertPage>, Vec<EmitError>> {
    let project = context_project(model);
    let mut alerts = Vec::new();
    for group in context
        .get_attr("alert_groups")
        .ok()
        .and_then(|g| g.try_iter().ok())
        .into_iter()
        .flatten()
    {
        let severity = group.get_attr("severity").unwrap_or_default();
        let list = group.get_attr("alerts").ok();
        for alert in list.and_then(|l| l.try_iter().ok()).into_iter().flatten() {
            alerts.push((severity.clone(), alert));
        }
    }
    crate::parallel::map(&alerts, |(severity, alert)| {
        let page = minijinja::context! {
            project => &project,
            alert => alert.clone(),
            severity => severity.clone(),
            back => "alerts.md",
        };
        Ok(AlertPage {
            title: alert.get_attr("name").unwrap_or_default().to_string(),
            file: alert.get_attr("file").unwrap_or_default().to_string(),
            text: render(env, "alert_page.md", page).map(|t| collapse_blank_lines(&t))?,
        })
    })
    .into_iter()
    .collect::<Result<Vec<_>, EmitError>>()
    .map_err(|e| vec![e])
}

/// mdBook's configuration, written by a TOML serializer: a project name can never add a
/// table (a `[preprocessor]` would run a command at build time).
pub(super) fn book_toml(project: &str) -> String {
    #[derive(Serialize)]
    struct Book {
        book: BookTable,
    }
    #[derive(Serialize)]
    struct BookTable {
        title: String,
        src: &'static str,
    }
    let title = format!("{project} Monitoring Runbook");
    let book = Book {
        book: BookTable { title, src: "src" },
    };
    toml::to_string(&book).unwrap_or_else(|_| "[book]\nsrc = \"src\"\n".to_string())
}

/// The book's chapters for the document's sections: the same text, except the alerts chapter
/// when each alert has a page (`listed`): it lists the alerts, whose sections are their pages.
pub(super) fn section_chapters(
    env: &Environment,
    context: &minijinja::Value,
    toc: &[TocEntry],
    listed: bool,
) -> Result<Vec<(String, String)>, Vec<EmitError>> {
    let mut chapters: Vec<(String, String)> = Vec::with_capacity(toc.len());
    for s in toc {
        let text = if s.file == "alerts.md" && listed {
            let listed = minijinja::context! { book => true, ..context.clone() };
            render(env, "alerts.md", listed)
                .map(|t| collapse_blank_lines(&t))
                .map_err(|e| vec![e])?
        } else {
            s.text.clone()
        };
        chapters.push((s.file.clone(), text));
    }
    Ok(chapters)
}
