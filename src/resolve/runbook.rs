//! What only the runbook reads: stack components, prose sections, troubleshooting scenarios
//! and appendix command lists. Queries in scenarios and appendices are checked like any other.

use super::error::ResolveError;
use super::model::{Appendix, Component, Scenario};
use super::{names, steps, Resolver};
use crate::emit::RUNBOOK_SECTIONS;
use crate::parse::ast::{self, QueryLanguage};
use std::collections::BTreeMap;

pub(super) fn component(c: &ast::Component) -> Component {
    let text = |t: &Option<ast::Text>| t.as_ref().map(|x| x.value.clone());
    Component {
        name: c.name.value.clone(),
        title: c.title.value.clone(),
        purpose: text(&c.purpose),
        access: text(&c.access),
        port: text(&c.port),
        description: text(&c.description),
    }
}

impl Resolver<'_> {
    pub(super) fn section(&mut self, s: &ast::Section) -> Option<(String, String)> {
        if !RUNBOOK_SECTIONS.contains(&s.name.value.as_str()) {
            self.errors.push(ResolveError::UnknownSection {
                name: s.name.value.clone(),
                span: s.name.span,
                suggestion: names::suggest(&s.name.value, RUNBOOK_SECTIONS),
            });
            return None;
        }
        Some((s.name.value.clone(), dedent_block(&s.markdown.value)))
    }

    /// The chapter titles the sources give: section name -> title.
    pub(super) fn section_titles(sections: &[&ast::Section]) -> BTreeMap<String, String> {
        sections
            .iter()
            .filter_map(|s| Some((s.name.value.clone(), s.title.as_ref()?.value.clone())))
            .collect()
    }

    pub(super) fn scenario(&mut self, s: &ast::Scenario) -> Scenario {
        for step in s.investigate.iter().chain(&s.resolve) {
            self.check_step(step);
        }
        Scenario {
            title: s.title.value.clone(),
            symptoms: s.symptoms.iter().map(|x| x.value.clone()).collect(),
            investigate: steps(&s.investigate),
            resolve: steps(&s.resolve),
        }
    }

    pub(super) fn appendix(&mut self, a: &ast::Appendix) -> Appendix {
        let language = match a.language.value.as_str() {
            "promql" => Some(QueryLanguage::PromQl),
            "logql" => Some(QueryLanguage::LogQl),
            _ => None,
        };
        let mut entries = Vec::new();
        for (title, text) in &a.entries {
            let body = super::promql::dedent(&text.value);
            if let Some(language) = language {
                self.check_query(language, &text.value, text.span, None);
            }
            entries.push((title.value.clone(), body));
        }
        Appendix {
            title: a.title.value.clone(),
            language: a.language.value.clone(),
            entries,
        }
    }
}

/// Markdown written indented inside the source loses that indentation.
fn dedent_block(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let body: Vec<&str> = lines
        .iter()
        .map(|l| l.get(indent..).unwrap_or("").trim_end())
        .collect();
    body.join("\n").trim_matches('\n').to_string()
}

#[cfg(test)]
mod tests {
    use super::dedent_block;

    #[test]
    fn blocks_lose_their_source_indentation_only() {
        let text = "\n    # Title\n\n    ```bash\n      indented\n    ```\n  ";
        assert_eq!(dedent_block(text), "# Title\n\n```bash\n  indented\n```");
    }
}
