//! YAML scalars written directly, for the rule files where serialization through a generic
//! YAML library dominated compile time. Styles as libyaml picks them: plain where the text
//! reads back as the same string, a literal block (`|-`) for multi-line text, single quotes
//! for other printable text, and double quotes with escapes for anything else.

use std::fmt::Write;

/// Appends `value` as the scalar after `key: `; `indent` is the indentation of the key.
pub(crate) fn scalar(out: &mut String, value: &str, indent: usize) {
    if is_plain(value) {
        out.push_str(value);
    } else if value.contains('\n') && fits_literal(value) {
        out.push_str("|-");
        for line in value.split('\n') {
            out.push('\n');
            if !line.is_empty() {
                for _ in 0..indent + 2 {
                    out.push(' ');
                }
                out.push_str(line);
            }
        }
    } else if value.chars().all(is_printable) {
        out.push('\'');
        out.push_str(&value.replace('\'', "''"));
        out.push('\'');
    } else {
        double_quoted(out, value);
    }
}

/// Plain text that a YAML 1.1 or 1.2 reader takes back as this very string.
fn is_plain(value: &str) -> bool {
    let Some(first) = value.chars().next() else {
        return false;
    };
    let last = value.chars().next_back().unwrap_or(first);
    !"-?:,[]{}#&*!|>'\"%@`".contains(first)
        && !first.is_whitespace()
        && !last.is_whitespace()
        && last != ':'
        && plain_characters(value)
        && !looks_typed(value)
}

/// No `: `, no ` #`, and every character printable but tab: one pass over the bytes (rule
/// files hold tens of thousands of these), characters decoded only for non-ASCII text.
fn plain_characters(value: &str) -> bool {
    let mut prev = 0u8;
    let mut ascii = true;
    for &b in value.as_bytes() {
        // ASCII's control characters (tab and line breaks among them).
        if b < 0x20 || b == 0x7f {
            return false;
        }
        if (prev == b':' && b == b' ') || (prev == b' ' && b == b'#') {
            return false;
        }
        ascii &= b < 0x80;
        prev = b;
    }
    ascii || value.chars().all(is_printable)
}

/// Words and numbers that YAML would read as a boolean, null or number.
fn looks_typed(value: &str) -> bool {
    const WORDS: [&str; 22] = [
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false",
        "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
    ];
    // Most text (names, sentences, queries) cannot be typed: decide without allocating.
    let short = value.len() <= 5;
    let numeric = value.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.'));
    if !short && !numeric {
        return false;
    }
    let lower = value.to_ascii_lowercase();
    if WORDS.contains(&value)
        || matches!(
            lower.as_str(),
            "null" | "~" | ".inf" | "-.inf" | "+.inf" | ".nan"
        )
    {
        return true;
    }
    let unsigned = value.trim_start_matches(['+', '-']);
    let digits =
        |s: &str, radix: u32| !s.is_empty() && s.chars().all(|c| c == '_' || c.is_digit(radix));
    let number = unsigned.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && unsigned.replace('_', "").parse::<f64>().is_ok();
    let prefixed = [("0x", 16), ("0o", 8), ("0b", 2)]
        .iter()
        .any(|(p, radix)| unsigned.strip_prefix(p).is_some_and(|d| digits(d, *radix)));
    // YAML 1.1 sexagesimal numbers (`1:30`) and timestamps (`2024-01-31`).
    let sexagesimal = unsigned.contains(':') && unsigned.split(':').all(|p| digits(p, 10));
    let bytes = value.as_bytes();
    let date = bytes.len() >= 8 && bytes[..4].iter().all(u8::is_ascii_digit) && bytes[4] == b'-';
    number || prefixed || sexagesimal || date
}

/// A literal block keeps every character but needs printable lines whose first line does
/// not start with a space (that would need an indentation indicator).
fn fits_literal(value: &str) -> bool {
    !value.starts_with([' ', '\n'])
        && !value.ends_with(['\n', ' '])
        && value
            .chars()
            .all(|c| c == '\n' || (is_printable(c) && c != '\r' && c != '\t'))
        && value
            .split('\n')
            .all(|l| !l.ends_with(' ') && !l.ends_with('\t'))
}

/// Printable in YAML's sense, and not one of its line breaks.
fn is_printable(c: char) -> bool {
    (c == '\t' || !c.is_control()) && !matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}')
}

fn double_quoted(out: &mut String, value: &str) {
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if is_printable(c) => out.push(c),
            c => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::scalar;
    use std::collections::BTreeMap;

    /// `key: <scalar>` read back by a YAML parser gives the string again.
    fn round_trips(value: &str) {
        let mut text = String::from("  key: ");
        scalar(&mut text, value, 2);
        let doc = format!("outer:\n{text}\n");
        let parsed: BTreeMap<String, BTreeMap<String, String>> =
            yaml_serde::from_str(&doc).unwrap_or_else(|e| panic!("{value:?}: {e}\n{doc}"));
        assert_eq!(parsed["outer"]["key"], value, "{doc}");
    }

    #[test]
    fn every_kind_of_text_reads_back_the_same() {
        for value in [
            "plain text",
            "Service {{ $labels.job }} has error rate >10% for 5 minutes.",
            "{{ $labels.job }} starts with braces",
            "a: b",
            "ends with colon:",
            "x #comment",
            "true",
            "no",
            "10",
            "1e3",
            "0x1F",
            "30d",
            "5m",
            "1:30",
            "2024-01-31",
            "1_000",
            "0o17",
            "-5",
            ".inf",
            "null",
            "~",
            "",
            " leading space",
            "trailing space ",
            "it's",
            "(\n  sum(x)\n    /\n  sum(y)\n) > 10",
            "two\n\nlines with a blank",
            "tab\tinside",
            "cr\r\nlf",
            "bell\u{7}",
            "line\u{2028}separator",
            "quote \" and backslash \\",
            "- dash",
            "https://runbooks.example/x#anchor",
            "ü 🦀",
            "multi\nline ending with space \nx",
            "\nstarts with newline",
            "ends with newline\n",
        ] {
            round_trips(value);
        }
    }

    #[test]
    fn random_text_reads_back_the_same() {
        const POOL: [char; 26] = [
            'a', 'Z', '0', '9', ' ', ' ', '\n', '\t', ':', '#', '-', '\'', '"', '\\', '{', '}',
            '[', '|', '>', '&', '*', '!', '%', '@', '\r', 'ü',
        ];
        for value in crate::random_text::texts(&POOL, 3_000, 12) {
            round_trips(&value);
        }
    }

    #[test]
    fn multi_line_expressions_are_literal_blocks() {
        let mut text = String::new();
        scalar(&mut text, "a\n  b", 4);
        assert_eq!(text, "|-\n      a\n        b");
    }
}
