//! Strings and backtick text as the grammar reads them back.

/// Whether a name can be written bare where the grammar wants a name.
pub(crate) fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A double-quoted string with `"`, `\`, newlines, carriage returns and tabs escaped.
pub(crate) fn string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The backtick run that opens and closes `text`: longer than any run inside it.
pub(crate) fn fence(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    "`".repeat(longest + 1)
}

/// Text in backticks, fenced so that backticks inside it stay text. Text that starts or ends
/// with a backtick gets a space there, which queries and commands ignore.
pub(crate) fn raw(text: &str) -> String {
    let fence = fence(text);
    let lead = if text.starts_with('`') { " " } else { "" };
    let trail = if text.ends_with('`') { " " } else { "" };
    format!("{fence}{lead}{text}{trail}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::ast::{Declaration, StepKind};
    use crate::source::FileId;

    /// What the parser reads back from a `run` step holding `text`.
    fn read_back(text: &str) -> String {
        let source = format!(
            "scenario \"s\" {{ investigate {{ step \"x\" {{ run {} }} }} }}",
            raw(text)
        );
        let (ast, errors) = crate::parse::parse(FileId(0), &source);
        assert!(errors.is_empty(), "{source}");
        let Some(Declaration::Scenario(s)) = ast.declarations.first() else {
            panic!("{source}");
        };
        let item = &s.investigate[0].items[0];
        assert_eq!(item.kind, StepKind::Run);
        item.text.value.clone()
    }

    #[test]
    fn backtick_text_reads_back() {
        for text in [
            "up == 0",
            "label=~`.*`",
            "a `` b ``` c",
            "`starts",
            "ends`",
            "multi\nline `x`",
        ] {
            assert_eq!(read_back(text).trim(), text, "{text}");
        }
    }

    #[test]
    fn strings_read_back() {
        for value in [
            "plain",
            "say \"hi\"",
            "a\\b",
            "two\nlines\tand\r",
            "{{ $labels.job }}",
        ] {
            let source = format!("project {} {{}}", string(value));
            let (ast, errors) = crate::parse::parse(FileId(0), &source);
            assert!(errors.is_empty(), "{source}");
            let Some(Declaration::Project(p)) = ast.declarations.first() else {
                panic!("{source}");
            };
            assert_eq!(p.name.value, value);
        }
    }
}
