//! The named templates a notification template file defines and the ones a text calls:
//! `{{ define "slack.title" }}` and `{{ template "slack.title" . }}`.

use std::sync::LazyLock;

static ACTION: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r#"\{\{-?\s*(define|template|block)\s+"([^"\\]*)""#).expect("valid regex")
});

/// A name with where it stands (offset and length of the quoted name, quotes excluded).
pub(crate) struct NameAt<'a> {
    pub name: &'a str,
    pub offset: usize,
    pub len: usize,
}

fn scan<'a>(text: &'a str, defining: bool) -> Vec<NameAt<'a>> {
    ACTION
        .captures_iter(text)
        .filter(|c| {
            let keyword = &c[1];
            // `block` both defines the name and calls it.
            keyword == "block" || (keyword == "define") == defining
        })
        .filter_map(|c| c.get(2))
        .map(|m| NameAt {
            name: m.as_str(),
            offset: m.start(),
            len: m.len(),
        })
        .collect()
}

/// The templates `text` defines.
pub(crate) fn defines(text: &str) -> Vec<NameAt<'_>> {
    scan(text, true)
}

/// The templates `text` calls.
pub(crate) fn calls(text: &str) -> Vec<NameAt<'_>> {
    scan(text, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_definitions_and_calls() {
        let text =
            r#"{{ define "a.title" }}{{ template "b" . }}{{ end }}{{- block "c" . }}x{{ end }}"#;
        let defined: Vec<&str> = defines(text).iter().map(|n| n.name).collect();
        let called: Vec<&str> = calls(text).iter().map(|n| n.name).collect();
        assert_eq!(defined, ["a.title", "c"]);
        assert_eq!(called, ["b", "c"]);
        assert_eq!(&text[calls(text)[0].offset..][..1], "b");
    }
}
