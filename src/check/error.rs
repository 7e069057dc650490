//! Consistency errors, worded in one place.

use crate::diagnostic::StageError;
use crate::source::Span;
use std::fmt;

pub(crate) enum CheckError {
    AnchorCollision {
        anchor: String,
        alert: String,
        other: String,
        span: Span,
        other_span: Span,
    },
    ExampleBeforeFor {
        alert: String,
        at: String,
        for_: String,
        span: Span,
    },
    ExampleWithoutChecks {
        span: Span,
    },
    UnpredictableAnnotation {
        alert: String,
        action: String,
        span: Span,
    },
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CheckError::AnchorCollision {
                anchor,
                alert,
                other,
                ..
            } => write!(
                f,
                "alerts `{alert}` and `{other}` would share the runbook anchor `#{anchor}`"
            ),
            CheckError::ExampleBeforeFor {
                alert, at, for_, ..
            } => write!(
                f,
                "alert `{alert}` cannot fire at {at}: its condition must hold for {for_} first"
            ),
            CheckError::ExampleWithoutChecks { .. } => {
                write!(f, "example checks nothing")
            }
            CheckError::UnpredictableAnnotation { alert, action, .. } => write!(
                f,
                "the example of alert `{alert}` cannot predict the annotation part `{action}`"
            ),
        }
    }
}

impl StageError for CheckError {
    fn code(&self) -> &'static str {
        match self {
            CheckError::AnchorCollision { .. } => "E0201",
            CheckError::ExampleBeforeFor { .. } => "E0202",
            CheckError::ExampleWithoutChecks { .. } => "E0203",
            CheckError::UnpredictableAnnotation { .. } => "E0204",
        }
    }

    fn span(&self) -> Option<Span> {
        Some(match self {
            CheckError::AnchorCollision { span, .. }
            | CheckError::ExampleBeforeFor { span, .. }
            | CheckError::ExampleWithoutChecks { span }
            | CheckError::UnpredictableAnnotation { span, .. } => *span,
        })
    }

    fn label(&self) -> Option<String> {
        Some(
            match self {
                CheckError::AnchorCollision { .. } => "this alert's section",
                CheckError::ExampleBeforeFor { .. } => "too early",
                CheckError::ExampleWithoutChecks { .. } => "no `fires at` or `quiet at`",
                CheckError::UnpredictableAnnotation { .. } => "this alert",
            }
            .to_string(),
        )
    }

    fn related(&self) -> Vec<(Span, String)> {
        match self {
            CheckError::AnchorCollision { other_span, .. } => {
                vec![(*other_span, "the other alert".to_string())]
            }
            _ => Vec::new(),
        }
    }

    fn help(&self) -> Option<String> {
        Some(match self {
            CheckError::AnchorCollision { .. } => {
                "rename one of them: runbook anchors ignore case and punctuation".to_string()
            }
            CheckError::ExampleBeforeFor { .. } => {
                "check a later time, or use `quiet at` to show it does not fire yet".to_string()
            }
            CheckError::ExampleWithoutChecks { .. } => {
                "add `fires at 10m { ... }` or `quiet at 5m`".to_string()
            }
            CheckError::UnpredictableAnnotation { .. } => {
                "promtool compares annotations exactly; in alerts with examples, annotations may use `$labels` but not `$value` or functions"
                    .to_string()
            }
        })
    }
}
