//! Compile-time variables in summaries and descriptions: `{{ threshold }}`, `{{ for }}`,
//! `{{ severity }}`, `{{ environment }}`, `{{ query }}`. Everything else between braces is a
//! Prometheus template and is left alone.

use super::error::ResolveError;
use super::names::suggest;
use crate::parse::ast::Text;

pub(crate) const VARIABLES: [&str; 5] = ["threshold", "for", "severity", "environment", "query"];

/// Bare words that are Go template keywords, not variables.
const GO_KEYWORDS: [&str; 7] = ["end", "else", "break", "continue", "nil", "true", "false"];

#[derive(Default)]
pub(crate) struct Values<'a> {
    pub threshold: Option<&'a str>,
    pub for_: Option<String>,
    pub severity: Option<&'a str>,
    pub environment: Option<&'a str>,
    pub query: Option<&'a str>,
}

impl Values<'_> {
    fn get(&self, name: &str) -> Option<Option<String>> {
        Some(match name {
            "threshold" => self.threshold.map(str::to_string),
            "for" => self.for_.clone(),
            "severity" => self.severity.map(str::to_string),
            "environment" => self.environment.map(str::to_string),
            "query" => self.query.map(str::to_string),
            _ => return None,
        })
    }
}

/// Checks a label or annotation as Prometheus will parse it: a Go template in which our
/// compile-time variables stand for text.
pub(crate) fn check(text: &Text) -> Option<ResolveError> {
    let e = crate::go_template::check::check(
        &text.value,
        &crate::go_template::check::PROMETHEUS,
        &VARIABLES,
    )
    .err()?;
    Some(ResolveError::BadTemplate {
        system: "Prometheus",
        // +1 skips the opening quote of the string; escapes before this point may shift it.
        span: text.span.sub(1 + e.offset, e.len),
        message: e.message,
    })
}

/// Text placed into a template as text: a title holding `{{ end }}` must not become template
/// code, so every `{{` is written as an action that prints it.
pub(crate) fn literal(text: &str) -> String {
    text.replace("{{", "{{ \"{{\" }}")
}

pub(crate) fn substitute(text: &Text, values: &Values) -> Result<String, Vec<ResolveError>> {
    let source = &text.value;
    let mut out = String::with_capacity(source.len());
    let mut errors = Vec::new();
    let mut rest = source.as_str();
    let mut consumed = 0;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open..].find("}}") else {
            break;
        };
        let whole = &rest[open..open + close + 2];
        let inner = whole[2..whole.len() - 2].trim_matches(|c: char| c == '-' || c.is_whitespace());
        out.push_str(&rest[..open]);
        // +1 skips the opening quote of the string; escapes before this point may shift it.
        let span = text.span.sub(1 + consumed + open, whole.len());
        // Prometheus' functions without arguments (`{{ externalURL }}`) are its own.
        if is_bare_word(inner)
            && !GO_KEYWORDS.contains(&inner)
            && (VARIABLES.contains(&inner)
                || !crate::go_template::check::is_prometheus_function(inner))
        {
            match values.get(inner) {
                Some(Some(value)) => out.push_str(&literal(&value)),
                Some(None) => {
                    let name = VARIABLES
                        .iter()
                        .find(|v| **v == inner)
                        .copied()
                        .unwrap_or("query");
                    errors.push(ResolveError::TemplateVariableUnavailable { name, span });
                }
                None => errors.push(ResolveError::UnknownTemplateVariable {
                    name: inner.to_string(),
                    span,
                    suggestion: suggest(inner, VARIABLES),
                }),
            }
        } else {
            out.push_str(whole);
        }
        consumed += open + close + 2;
        rest = &rest[open + close + 2..];
    }
    out.push_str(rest);
    // Our variables first: a misspelt one gets a suggestion rather than "no such function".
    if errors.is_empty() {
        match check(text) {
            Some(e) => Err(vec![e]),
            None => Ok(out),
        }
    } else {
        Err(errors)
    }
}

fn is_bare_word(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, Span, Spanned};

    fn text(s: &str) -> Text {
        Spanned::new(s.to_string(), Span::new(FileId(0), 0, s.len() + 2))
    }

    #[test]
    fn substitutes_ours_and_keeps_prometheus_templates() {
        let values = Values {
            threshold: Some("10%"),
            for_: Some("5 minutes".into()),
            ..Values::default()
        };
        let out = substitute(
            &text("{{ $labels.job }} above {{ threshold }} for {{for}}{{ if true }}!{{ end }}"),
            &values,
        );
        assert_eq!(
            out.ok().unwrap(),
            "{{ $labels.job }} above 10% for 5 minutes{{ if true }}!{{ end }}"
        );
    }

    #[test]
    fn substituted_values_stay_text() {
        let values = Values {
            query: Some("Latency {{ end }}"),
            ..Values::default()
        };
        let out = substitute(&text("{{ query }} burns"), &values)
            .ok()
            .unwrap();
        assert_eq!(out, "Latency {{ \"{{\" }} end }} burns");
        assert!(crate::go_template::check::check(
            &out,
            &crate::go_template::check::PROMETHEUS,
            &[]
        )
        .is_ok());
    }

    #[test]
    fn refuses_templates_prometheus_cannot_parse() {
        for bad in ["{{ threshold }", "{{ .Foo", "{{ range $x }}"] {
            let errors = substitute(&text(bad), &Values::default()).err().unwrap();
            assert!(
                errors[0].to_string().starts_with("invalid template"),
                "{bad}"
            );
        }
    }

    #[test]
    fn prometheus_functions_without_arguments_stay() {
        let out = substitute(&text("see {{ externalURL }}"), &Values::default());
        assert_eq!(out.ok().unwrap(), "see {{ externalURL }}");
    }

    #[test]
    fn reports_unknown_and_unavailable_variables() {
        let errors = substitute(&text("{{ treshold }} {{ for }}"), &Values::default())
            .err()
            .unwrap();
        assert_eq!(errors.len(), 2);
        assert!(errors[0].to_string().contains("treshold"));
    }
}
