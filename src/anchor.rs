//! Runbook anchors and URLs, derived from names by one function so that the `runbook_url` of
//! every alert and the heading of its runbook section can never disagree.

/// GitHub's and mdBook's heading slug: lowercase, spaces to `-`, punctuation dropped.
pub(crate) fn slug(heading: &str) -> String {
    heading
        .trim()
        .chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '_' || c == '-' {
                Some(c.to_lowercase().next().unwrap_or(c))
            } else if c == ' ' {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

/// The anchor of an alert's runbook section, whose heading is the alert's name.
pub(crate) fn alert(name: &str) -> String {
    slug(name)
}

/// The full `runbook_url` of an alert.
pub(crate) fn alert_url(runbook_url: &str, name: &str) -> String {
    format!("{runbook_url}#{}", alert(name))
}

/// An alert's page in the book (`alert-` never begins a team page's `alerts-`).
pub(crate) fn alert_page_file(name: &str) -> String {
    format!("alert-{}.md", alert(name))
}

/// The markdown file of a runbook page, beside `runbook.md`.
pub(crate) fn page_file(page: &str) -> String {
    format!("alerts-{page}.md")
}

/// The `runbook_url` of an alert whose section is on a page of a runbook split by team:
/// `runbook_url` then names the directory that holds the runbook's markdown.
pub(crate) fn page_url(runbook_url: &str, page: &str, name: &str) -> String {
    let base = runbook_url.trim_end_matches('/');
    let base = base.strip_suffix("/runbook.md").unwrap_or(base);
    format!("{base}/{}#{}", page_file(page), alert(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_like_github() {
        assert_eq!(slug("HighErrorRate"), "higherrorrate");
        assert_eq!(
            slug("Scenario 1: Sudden Spike in Latency"),
            "scenario-1-sudden-spike-in-latency"
        );
        assert_eq!(
            alert_url("https://x/runbook", "NodeNotReady"),
            "https://x/runbook#nodenotready"
        );
    }
}
