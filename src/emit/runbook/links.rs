//! Anchors and links of rendered markdown: GitHub's anchor rules (a repeated heading gets
//! `-1`, `-2`), links between the book's chapters, and a check that every internal link
//! lands on a heading.

use super::EmitError;
use crate::anchor;
use crate::resolve::model::Model;
use std::collections::{HashMap, HashSet};

/// Lines outside code blocks, with their 1-based numbers.
fn prose_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut in_code = false;
    text.lines().enumerate().filter_map(move |(i, line)| {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            return None;
        }
        (!in_code).then_some((i + 1, line))
    })
}

/// Every heading's anchor with its line, in order, as GitHub and mdBook assign them.
pub(super) fn anchors(text: &str) -> Vec<(usize, String)> {
    let mut seen = HashMap::new();
    prose_lines(text)
        .filter_map(|(line, content)| Some((line, heading_anchor(content, &mut seen)?)))
        .collect()
}

/// The anchor of a heading line (`None` for other lines); `seen` counts the anchors before
/// it, for the numbered repeats.
fn heading_anchor(content: &str, seen: &mut HashMap<String, usize>) -> Option<String> {
    let trimmed = content.trim_start();
    let level = trimmed.bytes().take_while(|c| *c == b'#').count();
    if level == 0 || level > 6 || !trimmed[level..].starts_with(' ') {
        return None;
    }
    let base = anchor::slug(&trimmed[level..]);
    let count = seen.entry(base.clone()).or_insert(0);
    let id = if *count == 0 {
        base
    } else {
        format!("{base}-{count}")
    };
    *count += 1;
    Some(id)
}

/// Link targets `](target)` outside code, skipping inline code spans and escaped
/// brackets (`\](` is text).
#[cfg(test)]
fn links(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (line, content) in prose_lines(text) {
        line_links(line, content, &mut out);
    }
    out
}

/// The link targets of line number `line` (outside code blocks), appended to `out`.
fn line_links(line: usize, content: &str, out: &mut Vec<(usize, String)>) {
    // Most lines hold no link: skip them without looking at each byte.
    if !content.contains("](") {
        return;
    }
    let mut in_inline = false;
    let bytes = content.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' && !in_inline {
            i += 2;
            continue;
        }
        if bytes[i] == b'`' {
            in_inline = !in_inline;
        } else if !in_inline && bytes[i] == b']' && bytes.get(i + 1) == Some(&b'(') {
            if let Some(end) = content[i + 2..].find(')') {
                out.push((line, content[i + 2..i + 2 + end].to_string()));
                i += 2 + end;
            }
        }
        i += 1;
    }
}

/// In the book each section is a chapter: a `#anchor` link to another chapter's heading
/// becomes `chapter.md#anchor`. Each heading's chapter, the first that has it.
pub(super) fn homes<'a>(
    chapters: impl Iterator<Item = (&'a str, &'a str)>,
) -> HashMap<String, &'a str> {
    let mut home: HashMap<String, &str> = HashMap::new();
    for (file, text) in chapters {
        for (_, id) in anchors(text) {
            home.entry(id).or_insert(file);
        }
    }
    home
}

/// `text` of chapter `file`, with every `](#id)` whose heading is in another chapter (by
/// [`homes`]) pointed at that chapter: one pass over the text.
pub(super) fn relink(file: &str, text: &str, home: &HashMap<String, &str>) -> String {
    let mut out = String::with_capacity(text.len() + 256);
    let mut rest = text;
    while let Some(at) = rest.find("](#") {
        let after = &rest[at + 3..];
        let id = after.split(')').next().unwrap_or_default();
        out.push_str(&rest[..at + 2]);
        if let Some(other) = home.get(id).filter(|other| **other != file) {
            out.push_str(other);
        }
        rest = &rest[at + 2..];
    }
    out.push_str(rest);
    out
}

/// What the checks need of one rendered markdown file: its headings' anchors and its links,
/// so that the text itself can be written out (and dropped) as soon as it is made.
pub(super) struct Scan {
    /// The file's path in the output.
    pub path: String,
    anchors: Vec<(usize, String)>,
    links: Vec<(usize, String)>,
}

impl Scan {
    /// Scans `text` in one pass over its lines.
    pub(super) fn new(path: String, text: &str) -> Scan {
        let mut scan = Scan {
            path,
            anchors: Vec::new(),
            links: Vec::new(),
        };
        let mut seen = HashMap::new();
        for (line, content) in prose_lines(text) {
            if let Some(id) = heading_anchor(content, &mut seen) {
                scan.anchors.push((line, id));
            }
            line_links(line, content, &mut scan.links);
        }
        scan
    }

    /// The file's name: links between runbook files name files, not paths.
    fn name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }
}

/// Scans every markdown file of `files`, on every core.
pub(super) fn scan(files: &[(String, String)]) -> Vec<Scan> {
    let markdown: Vec<&(String, String)> =
        files.iter().filter(|(p, _)| p.ends_with(".md")).collect();
    crate::parallel::map(&markdown, |(path, text)| Scan::new(path.clone(), text))
}

/// Every internal link of every scanned file resolves.
pub(super) fn check(scans: &[Scan]) -> Vec<EmitError> {
    let by_file: HashMap<&str, HashSet<&str>> = scans
        .iter()
        .map(|s| {
            (
                s.name(),
                s.anchors.iter().map(|(_, id)| id.as_str()).collect(),
            )
        })
        .collect();
    let mut errors = Vec::new();
    for scan in scans {
        let name = scan.name();
        for (line, target) in &scan.links {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (file, id) = match target.split_once('#') {
                Some(("", id)) => (name, Some(id)),
                Some((file, id)) => (file, Some(id)),
                None => (target.as_str(), None),
            };
            let resolves = match (by_file.get(file), id) {
                (Some(ids), Some(id)) => ids.contains(id),
                (Some(_), None) => true,
                (None, _) => false,
            };
            if !resolves {
                errors.push(EmitError::BrokenLink {
                    file: scan.path.clone(),
                    line: *line,
                    link: target.clone(),
                    origin: None,
                });
            }
        }
    }
    errors
}

/// Each alert's `runbook_url` ends in `#anchor`: exactly one heading of the page it points at
/// (the document, or its team's page) may have that anchor, or the link lands on the wrong one.
pub(super) fn check_alert_sections(model: &Model, scans: &[Scan]) -> Vec<EmitError> {
    // Heading lines by anchor, and by the anchor a numbered repeat (`x-1`) was made from.
    fn headings(scan: Option<&Scan>) -> HashMap<&str, Vec<usize>> {
        let mut lines: HashMap<&str, Vec<usize>> = HashMap::new();
        for (line, id) in scan.map(|s| s.anchors.as_slice()).unwrap_or_default() {
            if let Some((base, n)) = id.rsplit_once('-') {
                if n.parse::<u32>().is_ok() {
                    lines.entry(base).or_default().push(*line);
                }
            }
            lines.entry(id).or_default().push(*line);
        }
        lines
    }
    let by_path: HashMap<&str, &Scan> = scans.iter().map(|s| (s.path.as_str(), s)).collect();
    let mut by_file: HashMap<String, HashMap<&str, Vec<usize>>> = HashMap::new();
    let mut errors = Vec::new();
    for alert in &model.alerts {
        let file = match &alert.page {
            Some(page) => format!("runbook/{}", crate::anchor::page_file(page)),
            None => "runbook/runbook.md".to_string(),
        };
        let lines = by_file
            .entry(file.clone())
            .or_insert_with(|| headings(by_path.get(file.as_str()).copied()));
        let mut same = lines
            .get(alert.anchor.as_str())
            .cloned()
            .unwrap_or_default();
        same.sort_unstable();
        match same.as_slice() {
            [] => errors.push(EmitError::MissingAlertSection {
                alert: alert.name.clone(),
                anchor: alert.anchor.clone(),
                span: alert.span,
            }),
            [_] => {}
            [_, second, ..] => errors.push(EmitError::DuplicateAnchor {
                file: file.clone(),
                line: *second,
                anchor: alert.anchor.clone(),
            }),
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_headings_get_numbered_anchors() {
        let text = "# A\n## Steps\n```\n# not a heading\n```\n## Steps\n";
        let ids: Vec<String> = anchors(text).into_iter().map(|(_, id)| id).collect();
        assert_eq!(ids, ["a", "steps", "steps-1"]);
    }

    #[test]
    fn finds_links_outside_code() {
        let text = "see [x](#a) and `[y](#b)` \\[w\\](#d)\n```\n[z](#c)\n```\n";
        assert_eq!(links(text), vec![(1, "#a".to_string())]);
    }

    #[test]
    fn links_to_another_chapter_name_its_file() {
        let alerts = (
            "alerts.md",
            "## Alerts\n## Notes\n[down](#down) [notes](#notes)\n",
        );
        let page = (
            "alert-down.md",
            "### Down\n## Notes\n[all](#alerts) [notes](#notes)\n",
        );
        // A heading two chapters share belongs to the first; an unknown anchor stays as it is.
        let home = homes([alerts, page].into_iter());
        assert_eq!(
            relink(alerts.0, alerts.1, &home),
            "## Alerts\n## Notes\n[down](alert-down.md#down) [notes](#notes)\n"
        );
        assert_eq!(
            relink(page.0, page.1, &home),
            "### Down\n## Notes\n[all](alerts.md#alerts) [notes](alerts.md#notes)\n"
        );
        assert_eq!(relink(page.0, "[x](#nowhere)", &home), "[x](#nowhere)");
    }

    #[test]
    fn broken_links_are_reported() {
        let files = vec![(
            "runbook.md".to_string(),
            "# Top\n[ok](#top) [bad](#nowhere)\n".to_string(),
        )];
        let errors = check(&scan(&files));
        assert_eq!(errors.len(), 1);
        assert!(errors[0].to_string().contains("#nowhere"));
    }
}
