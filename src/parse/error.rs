//! Everything that can be wrong with the text of a file, worded in one place.

use crate::diagnostic::StageError;
use crate::source::Span;
use std::fmt;

pub(crate) enum ParseError {
    /// The text does not follow the grammar; `expected` is already in words.
    Syntax {
        span: Span,
        expected: String,
        found: String,
        help: Option<String>,
    },
    UnterminatedString {
        span: Span,
    },
    UnterminatedRaw {
        span: Span,
    },
    UnclosedBlock {
        open: Span,
        end: Span,
        /// The declaration keyword that met the open block (`alert`), or `None` at the end
        /// of the file.
        next: Option<String>,
        /// The line of `end`, when it is too far from the opening to show both: the lines
        /// between would all be printed.
        far: Option<usize>,
    },
    BadEscape {
        span: Span,
        escape: String,
    },
    DuplicateField {
        field: &'static str,
        span: Span,
        first: Span,
    },
    EmptyFile {
        span: Span,
    },
    /// The grammar accepted something the builder did not expect: a bug, reported not panicked.
    Internal {
        span: Span,
        what: String,
    },
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Syntax {
                expected, found, ..
            } => write!(f, "expected {expected}, found {found}"),
            ParseError::UnterminatedString { .. } => write!(f, "unterminated string"),
            ParseError::UnterminatedRaw { .. } => write!(f, "unterminated backtick string"),
            ParseError::UnclosedBlock { .. } => write!(f, "unclosed block: missing `}}`"),
            ParseError::BadEscape { escape, .. } => {
                write!(f, "unknown escape `{escape}` in string")
            }
            ParseError::DuplicateField { field, .. } => {
                write!(f, "`{field}` is given more than once")
            }
            ParseError::EmptyFile { .. } => write!(f, "file declares nothing"),
            ParseError::Internal { what, .. } => {
                write!(f, "internal error: the parser did not expect {what}")
            }
        }
    }
}

impl StageError for ParseError {
    fn code(&self) -> &'static str {
        match self {
            ParseError::Syntax { .. } => "E0010",
            ParseError::UnterminatedString { .. } => "E0011",
            ParseError::UnterminatedRaw { .. } => "E0012",
            ParseError::UnclosedBlock { .. } => "E0013",
            ParseError::BadEscape { .. } => "E0014",
            ParseError::DuplicateField { .. } => "E0015",
            ParseError::EmptyFile { .. } => "E0016",
            ParseError::Internal { .. } => "E0099",
        }
    }

    fn span(&self) -> Option<Span> {
        Some(match self {
            ParseError::Syntax { span, .. }
            | ParseError::UnterminatedString { span }
            | ParseError::UnterminatedRaw { span }
            | ParseError::BadEscape { span, .. }
            | ParseError::DuplicateField { span, .. }
            | ParseError::EmptyFile { span }
            | ParseError::Internal { span, .. } => *span,
            ParseError::UnclosedBlock { open, .. } => *open,
        })
    }

    fn label(&self) -> Option<String> {
        Some(
            match self {
                ParseError::Syntax { .. } => "unexpected here",
                ParseError::UnterminatedString { .. } => "this string is never closed",
                ParseError::UnterminatedRaw { .. } => "this backtick is never closed",
                ParseError::UnclosedBlock { .. } => "this block is never closed",
                ParseError::BadEscape { .. } => "not an escape",
                ParseError::DuplicateField { .. } => "given again here",
                ParseError::EmptyFile { .. } => "nothing here",
                ParseError::Internal { .. } => "here",
            }
            .to_string(),
        )
    }

    fn related(&self) -> Vec<(Span, String)> {
        match self {
            ParseError::DuplicateField { first, .. } => {
                vec![(*first, "first given here".to_string())]
            }
            ParseError::UnclosedBlock { far: Some(_), .. } => Vec::new(),
            ParseError::UnclosedBlock {
                end, next: None, ..
            } => {
                vec![(*end, "file ends here".to_string())]
            }
            ParseError::UnclosedBlock {
                end,
                next: Some(keyword),
                ..
            } => vec![(*end, format!("`{keyword}` starts the next declaration"))],
            _ => Vec::new(),
        }
    }

    fn help(&self) -> Option<String> {
        match self {
            ParseError::UnterminatedString { .. } => Some(
                "strings in double quotes end on the same line; use backticks for text that spans lines"
                    .into(),
            ),
            ParseError::UnterminatedRaw { .. } => {
                Some("close the query or command with a backtick: `...`".into())
            }
            ParseError::UnclosedBlock {
                next: None,
                far: Some(line),
                ..
            } => Some(format!(
                "add `}}` where the block ends; the file ends at line {line}"
            )),
            ParseError::UnclosedBlock { next: None, .. } => {
                Some("add `}` where the block ends".into())
            }
            ParseError::UnclosedBlock {
                next: Some(keyword),
                far: Some(line),
                ..
            } => Some(format!(
                "add `}}` where the block ends, before `{keyword}` at line {line} starts the next declaration"
            )),
            ParseError::UnclosedBlock { .. } => {
                Some("add `}` where the block ends, before the next declaration".into())
            }
            ParseError::BadEscape { .. } => {
                Some("the escapes are `\\\"`, `\\\\`, `\\n`, `\\r` and `\\t`".into())
            }
            ParseError::DuplicateField { .. } => Some("keep one of them".into()),
            ParseError::EmptyFile { .. } => {
                Some("add a declaration such as `alert`, `query` or `service`, or delete the file".into())
            }
            ParseError::Internal { .. } => {
                Some("please report this with the file that caused it".into())
            }
            ParseError::Syntax { help, .. } => help.clone(),
        }
    }
}
