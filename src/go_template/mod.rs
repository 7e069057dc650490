//! The small part of Go's text/template that Prometheus alert annotations use and that can be
//! predicted without evaluating the query: `{{ $labels.name }}` and `{{ .Labels.name }}`.
//! Used to write the exact annotations promtool expects in a unit test. [`check`] checks a
//! whole template as Prometheus parses it.

pub(crate) mod check;
pub(crate) mod names;

/// Renders `template` with the alert's labels; `Err` names the first action it cannot predict.
pub(crate) fn render(
    template: &str,
    labels: &std::collections::BTreeMap<String, String>,
) -> Result<String, String> {
    // Prometheus expands with missingkey=zero: an absent label is empty.
    render_with(template, |l| labels.get(l).cloned().unwrap_or_default())
}

/// Renders `template`, asking `label` for each label's text.
pub(crate) fn render_with(
    template: &str,
    label: impl Fn(&str) -> String,
) -> Result<String, String> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open..].find("}}") else {
            break;
        };
        let action = &rest[open + 2..open + close];
        let mut before = &rest[..open];
        if action.starts_with('-') {
            before = before.trim_end();
        }
        out.push_str(before);
        let name = action.trim_matches(|c: char| c == '-' || c.is_whitespace());
        match name
            .strip_prefix("$labels.")
            .or_else(|| name.strip_prefix(".Labels."))
        {
            Some(l) => out.push_str(&label(l)),
            None => return Err(format!("{{{{{action}}}}}")),
        }
        rest = &rest[open + close + 2..];
        if action.ends_with('-') {
            rest = rest.trim_start();
        }
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_labels_and_refuses_the_rest() {
        let labels = [("job".to_string(), "api".to_string())]
            .into_iter()
            .collect();
        assert_eq!(
            render("{{ $labels.job }} / {{.Labels.pod}}!", &labels).unwrap(),
            "api / !"
        );
        assert_eq!(render("a {{- $labels.job -}} b", &labels).unwrap(), "aapib");
        assert_eq!(render("{{ $value }}", &labels).unwrap_err(), "{{ $value }}");
    }
}
