//! A `$var` in a dashboard query that the dashboard does not define is sent to the data
//! source verbatim and matches nothing.

use super::CheckError;
use crate::resolve::model::Model;

/// Variables every dashboard has: its data sources, and Grafana's own `$__...` ones.
const BUILT_IN: [&str; 2] = ["datasource", "loki"];

/// The names after `$` or inside `${...}` in a query.
fn used_variables(expr: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = expr;
    while let Some(at) = rest.find('$') {
        rest = &rest[at + 1..];
        let braced = rest.strip_prefix('{');
        let body = braced.unwrap_or(rest);
        let len = body
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(body.len());
        if len > 0 {
            names.push(&body[..len]);
        }
    }
    names
}

pub(super) fn check(model: &Model, errors: &mut Vec<CheckError>) {
    for d in &model.dashboards {
        for p in &d.panels {
            for t in &p.targets {
                for name in used_variables(&t.expr) {
                    let defined = name.starts_with("__")
                        || BUILT_IN.contains(&name)
                        || d.variables.iter().any(|v| v.name == name);
                    if !defined {
                        errors.push(CheckError::UndefinedVariable {
                            variable: name.to_string(),
                            dashboard: d.uid.clone(),
                            span: p.span,
                        });
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_plain_and_braced_variables() {
        assert_eq!(
            used_variables(r#"up{ns=~"$namespace", job="${job}"}[$__rate_interval]"#),
            vec!["namespace", "job", "__rate_interval"]
        );
    }
}
