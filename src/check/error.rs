//! Consistency errors, worded in one place.

use crate::diagnostic::{Level, StageError};
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
    /// An alert name with no letter or digit: its runbook section has no anchor.
    NoAnchor {
        alert: String,
        span: Span,
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
    /// A finished label or annotation Prometheus would refuse as a template.
    RuleTemplate {
        alert: String,
        key: String,
        message: String,
        span: Span,
    },
    SeverityWithoutRoute {
        severity: String,
        alert: String,
        span: Span,
        severity_span: Span,
    },
    DefaultRouteOnly {
        alert: String,
        span: Span,
    },
    RouteTestMismatch {
        expected: Vec<String>,
        actual: Vec<String>,
        /// The instant the test asks about, when it names one: muted receivers then count
        /// as not reached.
        at: Option<String>,
        span: Span,
    },
    UnreachedReceiver {
        receiver: String,
        span: Span,
    },
    /// No alert can match an inhibition's source (or target).
    InhibitionNeverApplies {
        inhibit: String,
        side: &'static str,
        span: Span,
    },
    /// An inhibition compares a label the alerts of one side never carry.
    InhibitionEqualMissing {
        inhibit: String,
        label: String,
        side: &'static str,
        span: Span,
    },
    /// An alert that reaches nobody at some instants: every route it takes is muted then.
    MutedSometimes {
        alert: String,
        when: String,
        span: Span,
    },
    ExamplePastEscalation {
        alert: String,
        at: String,
        escalates: String,
        span: Span,
    },
    PanelOutsideGrid {
        panel: String,
        right: u32,
        span: Span,
    },
    PanelsOverlap {
        panel: String,
        other: String,
        span: Span,
        other_span: Span,
    },
    UidTooLong {
        uid: String,
        span: Span,
    },
    UndefinedVariable {
        variable: String,
        dashboard: String,
        span: Span,
    },
    DuplicateId {
        what: &'static str,
        id: String,
        dashboard: String,
        span: Span,
    },
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // An SLO's alert named by default as another alert is (`ErrorBudgetBurn`).
            CheckError::AnchorCollision { alert, other, .. } if alert == other => write!(
                f,
                "two alerts are named `{alert}`: an SLO's and another alert (SLOs may share an alert name only with SLOs)"
            ),
            CheckError::AnchorCollision {
                anchor,
                alert,
                other,
                ..
            } => write!(
                f,
                "alerts `{alert}` and `{other}` would share the runbook anchor `#{anchor}`"
            ),
            CheckError::NoAnchor { alert, .. } => write!(
                f,
                "alert `{alert}` has no runbook anchor: its name has no letter or digit"
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
            CheckError::RuleTemplate {
                alert, key, message, ..
            } => write!(
                f,
                "`{key}` of alert `{alert}` is not a template Prometheus can read: {message}"
            ),
            CheckError::UnpredictableAnnotation { alert, action, .. } => write!(
                f,
                "the example of alert `{alert}` cannot predict the annotation part `{action}`"
            ),
            CheckError::SeverityWithoutRoute {
                severity, alert, ..
            } => write!(
                f,
                "alert `{alert}` has severity `{severity}`, which no route sends anywhere"
            ),
            CheckError::DefaultRouteOnly { alert, .. } => write!(
                f,
                "alert `{alert}` reaches only the default receiver"
            ),
            CheckError::RouteTestMismatch {
                expected,
                actual,
                at: None,
                ..
            } => write!(
                f,
                "route test expects {} but the alert reaches {}",
                list(expected),
                list(actual)
            ),
            CheckError::RouteTestMismatch {
                expected,
                actual,
                at: Some(at),
                ..
            } => write!(
                f,
                "route test expects {} but at {at} the alert notifies {}",
                list(expected),
                list(actual)
            ),
            CheckError::UnreachedReceiver { receiver, .. } => {
                write!(f, "receiver `{receiver}` is never notified")
            }
            CheckError::InhibitionNeverApplies { inhibit, side, .. } => write!(
                f,
                "inhibition \"{inhibit}\" never applies: no alert matches its {side}"
            ),
            CheckError::InhibitionEqualMissing {
                inhibit,
                label,
                side,
                ..
            } => write!(
                f,
                "inhibition \"{inhibit}\" compares `{label}`, which no {side} alert carries"
            ),
            CheckError::MutedSometimes { alert, when, .. } => write!(
                f,
                "alert `{alert}` reaches nobody at {when}: every route it takes is muted then"
            ),
            CheckError::PanelOutsideGrid { panel, right, .. } => write!(
                f,
                "panel `{panel}` ends at column {right}, past the grid's 24 columns"
            ),
            CheckError::PanelsOverlap { panel, other, .. } => {
                write!(f, "panel `{panel}` overlaps panel `{other}`")
            }
            CheckError::UidTooLong { uid, .. } => write!(
                f,
                "dashboard uid `{uid}` has {} characters; Grafana allows 40",
                uid.chars().count()
            ),
            CheckError::UndefinedVariable {
                variable,
                dashboard,
                ..
            } => write!(
                f,
                "`${variable}` is used in dashboard `{dashboard}` but not defined there"
            ),
            CheckError::DuplicateId {
                what,
                id,
                dashboard,
                ..
            } => write!(f, "{what} `{id}` is used twice in dashboard `{dashboard}`"),
            CheckError::ExamplePastEscalation {
                alert, at, escalates, ..
            } => write!(
                f,
                "the example of alert `{alert}` checks {at}, when its escalation (after {escalates}) may fire too"
            ),
        }
    }
}

impl StageError for CheckError {
    fn code(&self) -> &'static str {
        match self {
            CheckError::AnchorCollision { .. } => "E0201",
            CheckError::NoAnchor { .. } => "E0215",
            CheckError::ExampleBeforeFor { .. } => "E0202",
            CheckError::ExampleWithoutChecks { .. } => "E0203",
            CheckError::UnpredictableAnnotation { .. } => "E0204",
            CheckError::RuleTemplate { .. } => "E0214",
            CheckError::SeverityWithoutRoute { .. } => "E0205",
            CheckError::DefaultRouteOnly { .. } => "E0206",
            CheckError::RouteTestMismatch { .. } => "E0207",
            CheckError::UnreachedReceiver { .. } => "W0201",
            CheckError::InhibitionNeverApplies { .. } => "W0202",
            CheckError::InhibitionEqualMissing { .. } => "W0203",
            CheckError::MutedSometimes { .. } => "W0204",
            CheckError::ExamplePastEscalation { .. } => "E0208",
            CheckError::PanelOutsideGrid { .. } => "E0209",
            CheckError::PanelsOverlap { .. } => "E0210",
            CheckError::UidTooLong { .. } => "E0211",
            CheckError::UndefinedVariable { .. } => "E0212",
            CheckError::DuplicateId { .. } => "E0213",
        }
    }

    fn level(&self) -> Level {
        match self {
            CheckError::UnreachedReceiver { .. }
            | CheckError::InhibitionNeverApplies { .. }
            | CheckError::InhibitionEqualMissing { .. }
            | CheckError::MutedSometimes { .. } => Level::Warning,
            _ => Level::Error,
        }
    }

    fn span(&self) -> Option<Span> {
        Some(match self {
            CheckError::AnchorCollision { span, .. }
            | CheckError::NoAnchor { span, .. }
            | CheckError::ExampleBeforeFor { span, .. }
            | CheckError::ExampleWithoutChecks { span }
            | CheckError::UnpredictableAnnotation { span, .. }
            | CheckError::RuleTemplate { span, .. }
            | CheckError::SeverityWithoutRoute { span, .. }
            | CheckError::DefaultRouteOnly { span, .. }
            | CheckError::RouteTestMismatch { span, .. }
            | CheckError::UnreachedReceiver { span, .. }
            | CheckError::InhibitionNeverApplies { span, .. }
            | CheckError::InhibitionEqualMissing { span, .. }
            | CheckError::MutedSometimes { span, .. }
            | CheckError::ExamplePastEscalation { span, .. }
            | CheckError::PanelOutsideGrid { span, .. }
            | CheckError::PanelsOverlap { span, .. }
            | CheckError::UidTooLong { span, .. }
            | CheckError::UndefinedVariable { span, .. }
            | CheckError::DuplicateId { span, .. } => *span,
        })
    }

    fn label(&self) -> Option<String> {
        Some(
            match self {
                CheckError::AnchorCollision { .. } => "this alert's section",
                CheckError::NoAnchor { .. } => "this alert",
                CheckError::ExampleBeforeFor { .. } => "too early",
                CheckError::ExampleWithoutChecks { .. } => "no `fires at` or `quiet at`",
                CheckError::UnpredictableAnnotation { .. } => "this alert",
                CheckError::RuleTemplate { .. } => "this alert",
                CheckError::SeverityWithoutRoute { .. } => "needs a route",
                CheckError::DefaultRouteOnly { .. } => "falls through to the default",
                CheckError::RouteTestMismatch { .. } => "this test",
                CheckError::UnreachedReceiver { .. } => "declared here",
                CheckError::InhibitionNeverApplies { .. } => "this inhibition",
                CheckError::InhibitionEqualMissing { .. } => "this inhibition",
                CheckError::MutedSometimes { .. } => "this alert",
                CheckError::ExamplePastEscalation { .. } => "too late",
                CheckError::PanelOutsideGrid { .. } => "too wide here",
                CheckError::PanelsOverlap { .. } => "this panel",
                CheckError::UidTooLong { .. } => "this dashboard",
                CheckError::UndefinedVariable { .. } => "in this panel",
                CheckError::DuplicateId { .. } => "here",
            }
            .to_string(),
        )
    }

    fn related(&self) -> Vec<(Span, String)> {
        match self {
            CheckError::AnchorCollision { other_span, .. } => {
                vec![(*other_span, "the other alert".to_string())]
            }
            CheckError::PanelsOverlap { other_span, .. } => {
                vec![(*other_span, "the other panel".to_string())]
            }
            CheckError::SeverityWithoutRoute { severity_span, .. } => {
                vec![(*severity_span, "severity declared here".to_string())]
            }
            _ => Vec::new(),
        }
    }

    fn help(&self) -> Option<String> {
        Some(match self {
            CheckError::AnchorCollision { alert, other, .. } if alert == other => {
                "rename the alert, or name the SLO's (`page NAME`, `ticket NAME`, `absent NAME`)"
                    .to_string()
            }
            CheckError::AnchorCollision { .. } => {
                "rename one of them: runbook anchors ignore case and punctuation".to_string()
            }
            CheckError::NoAnchor { .. } => {
                "name it with words (`\"API down\"`): the anchor keeps letters, digits, `-` and `_`"
                    .to_string()
            }
            CheckError::ExampleBeforeFor { .. } => {
                "check a later time, or use `quiet at` to show it does not fire yet".to_string()
            }
            CheckError::ExampleWithoutChecks { .. } => {
                "add `fires at 10m { ... }` or `quiet at 5m`".to_string()
            }
            CheckError::RuleTemplate { key, .. } => format!(
                "a value that reaches `{key}` (a team, a label, a title or a URL) holds `{{{{` or `}}}}`: write it without them"
            ),
            CheckError::SeverityWithoutRoute { severity, .. } => {
                format!("add `notify [RECEIVER, ...]` to severity `{severity}`")
            }
            CheckError::DefaultRouteOnly { .. } => {
                "give its severity a `notify` list, or add a team route for its team".to_string()
            }
            CheckError::RouteTestMismatch { at: Some(_), .. } => {
                "fix the expectation, or the routes it tests: at an instant, a route's `mute_during` and `active_during` decide whether its receivers hear of it".to_string()
            }
            CheckError::RouteTestMismatch { .. } => {
                "fix the expectation, or the routes it tests (written, severity, team or escalation routes)".to_string()
            }
            CheckError::InhibitionNeverApplies { side, .. } => format!(
                "match its {side} on labels the alerts set (`alertname`, `severity`, their labels), or remove the inhibition"
            ),
            CheckError::InhibitionEqualMissing { label, .. } => format!(
                "an absent label reads as empty on both sides, so `{label}` would match any target: compare labels both sides carry"
            ),
            CheckError::MutedSometimes { .. } => {
                "add a route for those times (`active_during` on another), or accept the silence with a route test at such a time".to_string()
            }
            CheckError::UnreachedReceiver { .. } => {
                "use it in a severity's `notify`, a team route or an escalation, or remove it".to_string()
            }
            CheckError::PanelOutsideGrid { .. } => {
                "make it narrower with `size`, or move it left with `at`".to_string()
            }
            CheckError::PanelsOverlap { .. } => {
                "drop `at` to let the layout place it, or move it".to_string()
            }
            CheckError::UidTooLong { .. } => "give the dashboard a shorter name".to_string(),
            CheckError::UndefinedVariable { variable, .. } => {
                format!("add `variable {variable} from `label_values(...)`` to the dashboard")
            }
            CheckError::DuplicateId { .. } => "this is a watchbook bug; please report it".to_string(),
            CheckError::ExamplePastEscalation { .. } => {
                "check an earlier time: the escalated twin of the alert shares its name, and promtool would expect it too".to_string()
            }
            CheckError::UnpredictableAnnotation { .. } => {
                "promtool compares annotations exactly; in alerts with examples, annotations may use `$labels` but not `$value` or functions"
                    .to_string()
            }
        })
    }
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        return "no receiver".to_string();
    }
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    format!("[{}]", quoted.join(", "))
}
