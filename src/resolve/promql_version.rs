//! PromQL that promql-parser accepts but the Prometheus the output is for (2.42, the version
//! the tests install) refuses: functions and aggregations added later, and quoted (UTF-8)
//! metric and label names. Checked on the text, before parsing, so that the error names the
//! feature. `holt_winters`, which 2.42 has and promql-parser knows only by its 3.0 name
//! `double_exponential_smoothing`, is translated for the parser.

use super::bounds::skip_string;

/// The Prometheus version generated rules are checked against.
pub(crate) const TARGET: &str = "2.42";

/// Functions and aggregations promql-parser knows that Prometheus 2.42 does not (found by
/// asking promtool 2.42 about every one of promql-parser's).
const NEWER: [&str; 23] = [
    "double_exponential_smoothing",
    "first_over_time",
    "histogram_avg",
    "histogram_quantiles",
    "histogram_stddev",
    "histogram_stdvar",
    "info",
    "integral",
    "mad_over_time",
    "max_of",
    "min_of",
    "range",
    "sort_by_label",
    "sort_by_label_desc",
    "start_timestamp",
    "step",
    "ts_of_first_over_time",
    "ts_of_last_over_time",
    "ts_of_max_over_time",
    "ts_of_min_over_time",
    "limitk",
    "limit_ratio",
    "smoothed",
];

/// Keywords whose parentheses hold label names.
const GROUPING: [&str; 6] = [
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
];

/// The first feature of `text` that Prometheus 2.42 lacks, as a message.
pub(crate) fn check(text: &str) -> Result<(), String> {
    let bytes = text.as_bytes();
    let mut i = 0;
    // Whether the next token is a label (or metric) name: after `{`, `,` inside braces, or
    // `(` after a grouping keyword.
    let mut names_expected = false;
    let mut in_braces = false;
    let mut in_grouping = false;
    let mut last_word = "";
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'"' | b'\'' | b'`' => {
                if names_expected {
                    return Err(format!(
                        "quoted metric and label names need Prometheus 3.0; the output is for {TARGET}"
                    ));
                }
                i = skip_string(bytes, i);
                names_expected = false;
            }
            b'#' => i = text[i..].find('\n').map_or(bytes.len(), |n| i + n),
            b'{' => {
                in_braces = true;
                names_expected = true;
                i += 1;
            }
            b'}' => {
                in_braces = false;
                names_expected = false;
                i += 1;
            }
            b',' => {
                names_expected = in_braces || in_grouping;
                i += 1;
            }
            b'(' => {
                in_grouping = GROUPING.contains(&last_word);
                names_expected = in_grouping;
                i += 1;
            }
            b')' => {
                in_grouping = false;
                names_expected = false;
                i += 1;
            }
            c if c.is_ascii_whitespace() => i += 1,
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'_' | b':'))
                {
                    i += 1;
                }
                let word = &text[start..i];
                let call = text[i..].trim_start().starts_with('(');
                if (call || word == "smoothed") && NEWER.contains(&word) && !names_expected {
                    return Err(format!(
                        "`{word}` is not in Prometheus {TARGET}, the version the output is for"
                    ));
                }
                last_word = word;
                names_expected = false;
            }
            _ => {
                names_expected = false;
                i += 1;
            }
        }
    }
    Ok(())
}

/// The text as promql-parser reads it: `holt_winters(` under its 3.0 name.
pub(crate) fn for_parser(text: &str) -> std::borrow::Cow<'_, str> {
    let text = if text.contains("holt_winters") {
        std::borrow::Cow::Owned(text.replace("holt_winters", "double_exponential_smoothing"))
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    if text.contains('`') {
        std::borrow::Cow::Owned(raw_strings_quoted(&text))
    } else {
        text
    }
}

/// Backtick strings are raw in Prometheus (`v(\d+)` is a backslash and a `d`), but
/// promql-parser reads escapes in them: each becomes the double-quoted string of the same
/// value before it parses.
fn raw_strings_quoted(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' | b'\'' => i = skip_string(bytes, i),
            b'#' => i = text[i..].find('\n').map_or(bytes.len(), |n| i + n),
            b'`' => {
                let end = skip_string(bytes, i);
                let closed = end > i + 1 && bytes.get(end - 1) == Some(&b'`');
                if !closed {
                    break;
                }
                out.push_str(&text[copied..i]);
                out.push('"');
                for c in text[i + 1..end - 1].chars() {
                    match c {
                        '\\' => out.push_str("\\\\"),
                        '"' => out.push_str("\\\""),
                        '\n' => out.push_str("\\n"),
                        c => out.push(c),
                    }
                }
                out.push('"');
                copied = end;
                i = end;
            }
            _ => i += 1,
        }
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backtick_strings_stay_raw() {
        assert_eq!(
            for_parser(r#"label_replace(up, "v", "$1", "version", `v(\d+)"`) # `c`"#),
            r#"label_replace(up, "v", "$1", "version", "v(\\d+)\"") # `c`"#
        );
        assert!(crate::resolve::promql::parse(
            r#"label_replace(up, "v", "$1", "version", `v(\d+)\..*`)"#
        )
        .is_ok());
    }

    #[test]
    fn refuses_what_prometheus_2_42_lacks() {
        for q in [
            "limitk(2, up)",
            "limit_ratio(0.5, up)",
            "info(up)",
            "sort_by_label(up, \"job\")",
            "mad_over_time(x[5m])",
            "histogram_avg(x)",
            "{\"my.metric\"}",
            "up{\"a.b\"=\"x\"}",
            "up{job=\"a\", \"b.c\"=\"x\"}",
            "sum by (\"a.b\") (up)",
            "sum by (job, \"a.b\") (up)",
            "x[5m] smoothed",
        ] {
            assert!(check(q).is_err(), "{q}");
        }
    }

    #[test]
    fn accepts_what_it_has() {
        for q in [
            "sum by (job) (rate(http_requests_total{status=~\"5..\", job=\"a\"}[5m]))",
            "holt_winters(x[5m], 0.5, 0.5)",
            "label_replace(up, \"a\", \"$1\", \"b\", \"(.*)\")",
            "up{range=\"x\", step=\"y\"}",
            "x @ start()",
            "count_values(\"value\", up)",
            "topk(3, up)",
        ] {
            assert_eq!(check(q), Ok(()), "{q}");
        }
    }
}
