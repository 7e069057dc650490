//! The source as the formatter sees it: words, punctuation, strings, backtick texts,
//! triple-quoted blocks, comments and line ends. Everything between quotes or backticks is
//! kept byte for byte; only the whitespace between tokens is the formatter's to choose.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Word,
    /// `{`, `}`, `[`, `]`, `(`, `)` or `,`.
    Punct(char),
    /// `"..."`, on one line.
    String,
    /// A backtick text or a `"""` block: may span lines.
    Verbatim,
    /// `# ...` to the end of the line.
    Comment,
    Newline,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Token<'a> {
    pub kind: Kind,
    pub text: &'a str,
    /// Whether whitespace separated it from the token before, on the same line.
    pub spaced: bool,
}

/// The tokens of `text`; `None` when a string, text or block is never closed (the parser
/// reports those: the formatter leaves such a file alone).
pub(super) fn tokens(text: &str) -> Option<Vec<Token<'_>>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut spaced = false;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let kind = match c {
            b' ' | b'\t' | b'\r' => {
                i += 1;
                spaced = true;
                continue;
            }
            b'\n' => {
                i += 1;
                Kind::Newline
            }
            b'#' => {
                i = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
                Kind::Comment
            }
            b'"' if text[i..].starts_with("\"\"\"") => {
                i = text[i + 3..].find("\"\"\"").map(|n| i + 3 + n + 3)?;
                Kind::Verbatim
            }
            b'"' => {
                i += 1;
                loop {
                    match bytes.get(i)? {
                        b'\\' => i += 2,
                        b'"' => break,
                        b'\n' => return None,
                        _ => i += 1,
                    }
                }
                i += 1;
                Kind::String
            }
            b'`' => {
                i = raw_end(text, i)?;
                Kind::Verbatim
            }
            b'{' | b'}' | b'[' | b']' | b'(' | b')' | b',' => {
                i += 1;
                Kind::Punct(c as char)
            }
            _ => {
                while i < bytes.len() && !is_boundary(bytes[i]) {
                    i += 1;
                }
                Kind::Word
            }
        };
        out.push(Token {
            kind,
            text: &text[start..i],
            spaced,
        });
        spaced = false;
    }
    Some(out)
}

fn is_boundary(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t'
            | b'\r'
            | b'\n'
            | b'#'
            | b'"'
            | b'`'
            | b'{'
            | b'}'
            | b'['
            | b']'
            | b'('
            | b')'
            | b','
    )
}

/// Where a backtick text that opens at `start` ends: after the first run of exactly as many
/// backticks as opened it (the grammar's rule).
fn raw_end(text: &str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let fence = bytes[start..].iter().take_while(|b| **b == b'`').count();
    let mut i = start + fence;
    while i < bytes.len() {
        if bytes[i] == b'`' {
            let run = bytes[i..].iter().take_while(|b| **b == b'`').count();
            if run == fence {
                return Some(i + run);
            }
            i += run;
        } else {
            i += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, &str)> {
        tokens(text)
            .unwrap()
            .into_iter()
            .map(|t| (t.kind, t.text))
            .collect()
    }

    #[test]
    fn quoted_and_fenced_text_is_one_token() {
        assert_eq!(
            kinds("expr ``a `b` c`` # x {\n"),
            [
                (Kind::Word, "expr"),
                (Kind::Verbatim, "``a `b` c``"),
                (Kind::Comment, "# x {"),
                (Kind::Newline, "\n"),
            ]
        );
        assert_eq!(
            kinds(
                r#"a "b \" {" """c
d""""#
            )[1..3],
            [
                (Kind::String, r#""b \" {""#),
                (Kind::Verbatim, "\"\"\"c\nd\"\"\"")
            ]
        );
        assert!(tokens("expr `open").is_none());
    }
}
