//! Label matchers, combining the selectors of several services, and `$selector` expansion.

use crate::parse::ast::MatchOp;
use std::fmt;

/// The placeholder a query writes inside braces to receive its scope's matchers.
pub(crate) const PLACEHOLDER: &str = "$selector";

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Matcher {
    pub label: String,
    pub op: MatchOp,
    pub value: String,
}

impl Matcher {
    pub(crate) fn equal(label: &str, value: &str) -> Matcher {
        Matcher {
            label: label.to_string(),
            op: MatchOp::Equal,
            value: value.to_string(),
        }
    }
}

/// PromQL syntax: `job="api"`, with the value escaped as a PromQL string.
impl fmt::Display for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = match self.op {
            MatchOp::Equal => "=",
            MatchOp::NotEqual => "!=",
            MatchOp::Regex => "=~",
            MatchOp::NotRegex => "!~",
        };
        write!(f, "{}{op}\"{}\"", self.label, escape_string(&self.value))
    }
}

pub(crate) fn escape_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            _ => out.push(c),
        }
    }
    out
}

/// Escapes RE2 metacharacters so a literal value can join a `a|b` alternation.
fn escape_regex(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Two services whose matchers on `label` cannot be merged.
pub(crate) struct Conflict {
    pub label: String,
    pub first: usize,
    pub second: usize,
}

/// One matcher list selecting all of the given services' series: identical matchers are kept,
/// equality matchers on the same label with different values become one regex alternation.
pub(crate) fn union(services: &[&[Matcher]]) -> Result<Vec<Matcher>, Conflict> {
    let mut out = Vec::new();
    let labels = services.iter().flat_map(|m| m.iter().map(|m| &m.label));
    let mut seen: Vec<&String> = Vec::new();
    for label in labels {
        if seen.contains(&label) {
            continue;
        }
        seen.push(label);
        let mut values: Vec<&Matcher> = Vec::new();
        for (i, matchers) in services.iter().enumerate() {
            let Some(m) = matchers.iter().find(|m| &m.label == label) else {
                // A label only some services are selected by cannot be expressed as one matcher.
                let other = if i == 0 { 1 } else { 0 };
                return Err(Conflict {
                    label: label.clone(),
                    first: other,
                    second: i,
                });
            };
            values.push(m);
        }
        if values.iter().all(|m| *m == values[0]) {
            out.push(values[0].clone());
        } else if let Some(bad) = values.iter().position(|m| m.op != MatchOp::Equal) {
            return Err(Conflict {
                label: label.clone(),
                first: if bad == 0 { 1 } else { 0 },
                second: bad,
            });
        } else {
            let mut alternatives: Vec<String> = Vec::new();
            for m in values {
                let escaped = escape_regex(&m.value);
                if !alternatives.contains(&escaped) {
                    alternatives.push(escaped);
                }
            }
            out.push(Matcher {
                label: label.clone(),
                op: MatchOp::Regex,
                value: alternatives.join("|"),
            });
        }
    }
    Ok(out)
}

/// Replaces every `$selector` with the matchers; with none, the placeholder and a comma next
/// to it disappear so that `{status="500", $selector}` stays valid.
pub(crate) fn expand(text: &str, matchers: &[Matcher]) -> String {
    if !text.contains(PLACEHOLDER) {
        return text.to_string();
    }
    let joined = matchers
        .iter()
        .map(Matcher::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    if !joined.is_empty() {
        return text.replace(PLACEHOLDER, &joined);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(PLACEHOLDER) {
        let before = &rest[..at];
        let after = &rest[at + PLACEHOLDER.len()..];
        let after_trimmed = after.trim_start();
        if let Some(stripped) = after_trimmed.strip_prefix(',') {
            out.push_str(before);
            rest = stripped.trim_start();
        } else {
            let kept = before.trim_end();
            out.push_str(kept.strip_suffix(',').unwrap_or(kept));
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eq(l: &str, v: &str) -> Matcher {
        Matcher::equal(l, v)
    }

    #[test]
    fn union_of_equalities_is_an_alternation() {
        let a = [eq("job", "api.v1")];
        let b = [eq("job", "worker")];
        let merged = union(&[&a, &b]).ok().unwrap();
        assert_eq!(merged[0].to_string(), r#"job=~"api\\.v1|worker""#);
    }

    #[test]
    fn union_rejects_labels_only_some_services_have() {
        let a = [eq("job", "api"), eq("tier", "1")];
        let b = [eq("job", "worker")];
        let conflict = union(&[&a, &b]).err().unwrap();
        assert_eq!(
            (conflict.label.as_str(), conflict.first, conflict.second),
            ("tier", 0, 1)
        );
    }

    #[test]
    fn expansion_inserts_matchers_or_removes_the_placeholder() {
        let m = [eq("job", "api"), eq("namespace", "prod")];
        assert_eq!(
            expand(r#"up{$selector}"#, &m),
            r#"up{job="api", namespace="prod"}"#
        );
        assert_eq!(expand(r#"x{a="1", $selector}"#, &[]), r#"x{a="1"}"#);
        assert_eq!(expand(r#"x{$selector, a="1"}"#, &[]), r#"x{a="1"}"#);
        assert_eq!(expand(r#"x{$selector}"#, &[]), r#"x{}"#);
    }
}
