//! PromQL that promql-parser accepts but the Prometheus the output is for (2.42, the version
//! the tests install) refuses: functions and aggregations added later, and quoted (UTF-8)
//! metric and label names. Checked on the text, before parsing, so that the error names the
//! feature. `holt_winters`, which 2.42 has and promql-parser knows only by its 3.0 name
//! `double_exponential_smoothing`, is translated for the parser.

use super::bounds::skip_string;

use super::version::Version;

/// The Prometheus the rules are for: its version and the feature flags it runs with.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PromqlTarget {
    pub version: Version,
    pub features: Vec<String>,
}

impl Default for PromqlTarget {
    fn default() -> Self {
        PromqlTarget {
            version: Version::DEFAULT,
            features: Vec::new(),
        }
    }
}

/// The feature flag experimental PromQL functions need.
const EXPERIMENTAL: &str = "promql-experimental-functions";

/// A function or aggregation promql-parser knows that not every Prometheus has: the release
/// that added it (`None`: none has), and the flag it needs until the release that made it
/// stable (found in Prometheus' changelog; the 2.42 list was confirmed with promtool 2.42).
struct Newer {
    name: &'static str,
    since: Option<Version>,
    flag: Option<(&'static str, Option<Version>)>,
}

const fn newer(
    name: &'static str,
    since: Option<(u32, u32)>,
    flag: Option<(&'static str, Option<(u32, u32)>)>,
) -> Newer {
    Newer {
        name,
        since: match since {
            Some((a, b)) => Some(Version::new(a, b)),
            None => None,
        },
        flag: match flag {
            Some((f, Some((a, b)))) => Some((f, Some(Version::new(a, b)))),
            Some((f, None)) => Some((f, None)),
            None => None,
        },
    }
}

const EXP: Option<(&str, Option<(u32, u32)>)> = Some((EXPERIMENTAL, None));

const NEWER: [Newer; 23] = [
    newer("double_exponential_smoothing", Some((3, 0)), EXP),
    newer(
        "first_over_time",
        Some((3, 7)),
        Some((EXPERIMENTAL, Some((3, 14)))),
    ),
    newer("histogram_avg", Some((2, 51)), None),
    newer("histogram_quantiles", Some((3, 11)), EXP),
    newer("histogram_stddev", Some((2, 47)), None),
    newer("histogram_stdvar", Some((2, 47)), None),
    newer("info", Some((2, 55)), EXP),
    newer("integral", None, None),
    newer("mad_over_time", Some((2, 49)), EXP),
    newer("max_of", Some((3, 13)), EXP),
    newer("min_of", Some((3, 13)), EXP),
    newer("range", Some((3, 12)), EXP),
    newer("sort_by_label", Some((2, 49)), EXP),
    newer("sort_by_label_desc", Some((2, 49)), EXP),
    newer("start_timestamp", None, None),
    newer("step", Some((3, 12)), EXP),
    newer("ts_of_first_over_time", Some((3, 7)), EXP),
    newer("ts_of_last_over_time", Some((3, 5)), EXP),
    newer("ts_of_max_over_time", Some((3, 5)), EXP),
    newer("ts_of_min_over_time", Some((3, 5)), EXP),
    newer("limitk", Some((2, 54)), EXP),
    newer("limit_ratio", Some((2, 54)), EXP),
    newer(
        "smoothed",
        Some((3, 13)),
        Some(("promql-extended-range-selectors", None)),
    ),
];

/// Why `word` cannot be used with `target`, if it cannot.
fn refused(word: &str, target: &PromqlTarget) -> Option<String> {
    let have = target.version;
    if word == "holt_winters" && have >= Version::new(3, 0) {
        return Some(format!(
            "`holt_winters` is `double_exponential_smoothing` from Prometheus 3.0 on; the output is for {have}"
        ));
    }
    let f = NEWER.iter().find(|f| f.name == word)?;
    let Some(since) = f.since else {
        return Some(format!("`{word}` is in no Prometheus release"));
    };
    if have < since {
        return Some(format!(
            "`{word}` needs Prometheus {since} or later; the output is for {have} (say `prometheus_version` in the project if yours is newer)"
        ));
    }
    match f.flag {
        Some((flag, stable)) if stable.is_none_or(|v| have < v) && !target.features.iter().any(|x| x == flag) => Some(format!(
            "`{word}` is experimental in Prometheus {have}: it needs `--enable-feature={flag}`, and `prometheus_features [\"{flag}\"]` in the project"
        )),
        _ => None,
    }
}

/// Keywords whose parentheses hold label names.
const GROUPING: [&str; 6] = [
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
];

/// The first feature of `text` the target Prometheus lacks, as a message.
pub(crate) fn check(text: &str, target: &PromqlTarget) -> Result<(), String> {
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
                if names_expected && target.version < Version::new(3, 0) {
                    return Err(format!(
                        "quoted metric and label names need Prometheus 3.0; the output is for {}",
                        target.version
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
                if (call || word == "smoothed") && !names_expected {
                    if let Some(why) = refused(word, target) {
                        return Err(why);
                    }
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
            assert!(check(q, &PromqlTarget::default()).is_err(), "{q}");
        }
    }

    #[test]
    fn newer_versions_and_flags_open_what_they_have() {
        let v = |major, minor, features: &[&str]| PromqlTarget {
            version: Version::new(major, minor),
            features: features.iter().map(|f| f.to_string()).collect(),
        };
        let exp = ["promql-experimental-functions"];
        assert!(check("histogram_avg(x)", &v(2, 51, &[])).is_ok());
        assert!(check("limitk(2, up)", &v(2, 54, &[]))
            .unwrap_err()
            .contains("experimental"));
        assert!(check("limitk(2, up)", &v(2, 54, &exp)).is_ok());
        assert!(check("limitk(2, up)", &v(2, 53, &exp))
            .unwrap_err()
            .contains("2.54"));
        assert!(check("first_over_time(x[5m])", &v(3, 14, &[])).is_ok());
        assert!(check("first_over_time(x[5m])", &v(3, 13, &[])).is_err());
        assert!(check("holt_winters(x[5m], 0.5, 0.5)", &v(3, 0, &[])).is_err());
        assert!(check("{\"my.metric\"}", &v(3, 0, &[])).is_ok());
        assert!(check("integral(x)", &v(3, 14, &exp)).is_err());
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
            assert_eq!(check(q, &PromqlTarget::default()), Ok(()), "{q}");
        }
    }
}
