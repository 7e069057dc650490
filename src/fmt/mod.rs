//! `watchbook fmt`: sources in one canonical layout (see `layout`). Only whitespace outside
//! strings, backtick texts and blocks changes, and a file that does not parse is left alone,
//! so formatting never changes what a source means; a test compiles before and after.

mod files;
mod layout;
mod lexer;

pub use files::{format_dir, Report};

/// The plain words of a source (names, keywords, numbers; not strings, texts or comments),
/// with their byte offsets; `None` when a string or text is never closed.
pub(crate) fn words(source: &str) -> Option<Vec<(&str, usize)>> {
    let tokens = lexer::tokens(source)?;
    Some(
        tokens
            .into_iter()
            .filter(|t| t.kind == lexer::Kind::Word)
            .map(|t| (t.text, t.text.as_ptr() as usize - source.as_ptr() as usize))
            .collect(),
    )
}

/// The backtick texts and blocks of a source, with their byte offsets.
pub(crate) fn verbatim(source: &str) -> Option<Vec<(&str, usize)>> {
    let tokens = lexer::tokens(source)?;
    Some(
        tokens
            .into_iter()
            .filter(|t| t.kind == lexer::Kind::Verbatim)
            .map(|t| (t.text, t.text.as_ptr() as usize - source.as_ptr() as usize))
            .collect(),
    )
}

/// The source in the canonical layout; `None` when it cannot be tokenized (an unclosed
/// string or text: the parser reports it).
pub fn format(source: &str) -> Option<String> {
    let tokens = lexer::tokens(source)?;
    Some(layout::layout(&tokens))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indentation_spacing_and_blank_lines_are_canonical() {
        let messy = "\n\n# Severities.\nseverity   critical {response 15m}\n\n\n\nalert ApiDown{\n\n      expr `up == 0`   # down\n  labels {team=\"api\" ,tier = \"1\"}\n   services [ api,web ]\n\n}\nalert Next { expr `x`  severity critical }\n";
        let want = "# Severities.\nseverity critical { response 15m }\n\nalert ApiDown {\n  expr `up == 0`  # down\n  labels { team=\"api\", tier = \"1\" }\n  services [api, web]\n}\n\nalert Next { expr `x` severity critical }\n";
        assert_eq!(format(messy).unwrap(), want);
        assert_eq!(format(want).unwrap(), want, "idempotent");
    }

    #[test]
    fn a_panel_position_stays_one_token() {
        assert_eq!(
            format("panel p {\n at 20,0\n}\n").unwrap(),
            "panel p {\n  at 20,0\n}\n"
        );
        assert_eq!(format("x [a,b]\n").unwrap(), "x [a, b]\n");
    }

    #[test]
    fn multi_line_texts_move_with_their_line() {
        let source = "query q {\n      promql `\n        sum(x)\n          by (y)\n      `\n}\n";
        let want = "query q {\n  promql `\n    sum(x)\n      by (y)\n  `\n}\n";
        assert_eq!(format(source).unwrap(), want);
    }
}
