//! Every lint finding, worded in one place.

use super::Lint;
use crate::source::Span;
use std::fmt;

pub(crate) enum Finding {
    AlertWithoutRunbook {
        alert: String,
        span: Span,
    },
    TargetPastWarning {
        threshold: String,
        target: String,
        warning: String,
        span: Span,
        warning_span: Span,
    },
    CriticalWithoutFor {
        alert: String,
        span: Span,
    },
    ForTooShort {
        alert: String,
        for_: String,
        minimum: String,
        span: Span,
    },
    NoComparison {
        alert: String,
        span: Span,
    },
    RateOnNonCounter {
        alert: String,
        function: &'static str,
        metric: String,
        span: Span,
    },
    CounterWithoutRate {
        alert: String,
        metric: String,
        span: Span,
    },
    RangeTooShort {
        owner: String,
        range: String,
        minimum: String,
        span: Span,
    },
    SelectorNeverMatches {
        /// "alert `X`" or "recording rule `x:y`".
        rule: String,
        matcher: String,
        /// The matcher it contradicts; `None` when it accepts no value by itself.
        conflict: Option<String>,
        span: Span,
    },
    RegexCouldBeEquality {
        alert: String,
        label: String,
        value: String,
        span: Span,
    },
    SummaryNotSentence {
        alert: String,
        span: Span,
    },
    DescriptionWithoutTemplate {
        alert: String,
        span: Span,
    },
    UnusedQuery {
        query: String,
        span: Span,
    },
    UnusedThreshold {
        threshold: String,
        span: Span,
    },
    UnusedReceiver {
        receiver: String,
        span: Span,
    },
    DuplicateAlert {
        alert: String,
        other: String,
        span: Span,
        other_span: Span,
    },
    DuplicateRecord {
        record: String,
        span: Span,
        other_span: Span,
    },
    SloWindowCannotFire {
        slo: String,
        kind: &'static str,
        windows: String,
        threshold: String,
        span: Span,
    },
    NotCamelCase {
        alert: String,
        suggestion: String,
        span: Span,
    },
    MissingSummary {
        alert: String,
        span: Span,
    },
    NoExamples {
        alert: String,
        missing: &'static str,
        span: Span,
    },
    CriticalNotPaging {
        alert: String,
        span: Span,
    },
    AlertNotOnDashboard {
        alert: String,
        span: Span,
    },
    SeverityWithoutResponse {
        severity: String,
        span: Span,
    },
    ThresholdWithoutUnit {
        threshold: String,
        query: String,
        span: Span,
    },
    /// Policy rules.
    PolicyFor {
        rule: String,
        alert: String,
        for_: String,
        at_least: bool,
        limit: String,
        span: Span,
        policy: Span,
    },
    PolicyThreshold {
        rule: String,
        threshold: String,
        level: &'static str,
        value: String,
        at_least: bool,
        limit: String,
        span: Span,
        policy: Span,
    },
    PolicySeverity {
        rule: String,
        alert: String,
        severity: String,
        span: Span,
        policy: Span,
    },
    PolicyLabel {
        rule: String,
        alert: String,
        label: String,
        value: String,
        span: Span,
        policy: Span,
    },
    PolicyRequire {
        rule: String,
        alert: String,
        part: &'static str,
        span: Span,
        policy: Span,
    },
    ChangeWithoutReason {
        rule: String,
        alert: String,
        change: &'static str,
        what: String,
        span: Span,
        policy: Span,
    },
    PolicyObjective {
        rule: String,
        slo: String,
        objective: String,
        at_least: bool,
        limit: String,
        span: Span,
        policy: Span,
    },
    /// Suppression comments.
    SuppressionWithoutReason {
        span: Span,
    },
    ExpiredSuppression {
        lint: String,
        until: String,
        span: Span,
    },
    UnknownSuppression {
        lint: String,
        span: Span,
    },
}

use Finding::*;

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AlertWithoutRunbook { alert, .. } => {
                write!(f, "alert `{alert}` has no investigation or resolution steps")
            }
            TargetPastWarning { threshold, target, warning, .. } => write!(
                f,
                "threshold `{threshold}`: its target ({target}) is not on the safe side of its warning ({warning})"
            ),
            CriticalWithoutFor { alert, .. } => write!(f, "critical alert `{alert}` has no `for`"),
            ForTooShort { alert, for_, minimum, .. } => write!(
                f,
                "alert `{alert}` waits only {for_}, less than two scrape intervals ({minimum})"
            ),
            NoComparison { alert, .. } => {
                write!(f, "the expression of alert `{alert}` compares nothing, so it always fires")
            }
            RateOnNonCounter { alert, function, metric, .. } => write!(
                f,
                "alert `{alert}` applies `{function}` to `{metric}`, which is not named like a counter"
            ),
            CounterWithoutRate { alert, metric, .. } => write!(
                f,
                "alert `{alert}` uses counter `{metric}` without `rate` or `increase`"
            ),
            RangeTooShort { owner, range, minimum, .. } => write!(
                f,
                "`{owner}` uses a {range} range, shorter than four scrape intervals ({minimum})"
            ),
            SelectorNeverMatches {
                rule,
                matcher,
                conflict: Some(conflict),
                ..
            } => write!(
                f,
                "a selector of {rule} can never match: `{matcher}` contradicts `{conflict}`"
            ),
            SelectorNeverMatches { rule, matcher, .. } => write!(
                f,
                "a selector of {rule} can never match: `{matcher}` accepts no value"
            ),
            RegexCouldBeEquality { alert, label, value, .. } => write!(
                f,
                "alert `{alert}` matches `{label}=~\"{value}\"`, a regex without metacharacters"
            ),
            SummaryNotSentence { alert, .. } => {
                write!(f, "the summary of alert `{alert}` is not a capitalised sentence")
            }
            DescriptionWithoutTemplate { alert, .. } => write!(
                f,
                "the description of alert `{alert}` names no label of the firing series"
            ),
            UnusedQuery { query, .. } => write!(f, "query `{query}` is used nowhere"),
            UnusedThreshold { threshold, .. } => write!(f, "threshold `{threshold}` is used nowhere"),
            UnusedReceiver { receiver, .. } => write!(f, "receiver `{receiver}` is never notified"),
            DuplicateAlert { alert, other, .. } => write!(
                f,
                "alerts `{alert}` and `{other}` have the same expression and severity"
            ),
            DuplicateRecord { record, .. } => write!(
                f,
                "recording rule `{record}` is written twice, identically, with the same labels"
            ),
            SloWindowCannotFire {
                slo,
                kind,
                windows,
                threshold,
                ..
            } => write!(
                f,
                "the {kind} window {windows} of slo `{slo}` can never fire: it needs an error ratio above {threshold}"
            ),
            NotCamelCase { alert, .. } => write!(f, "alert name `{alert}` is not CamelCase"),
            MissingSummary { alert, .. } => write!(f, "alert `{alert}` has no summary"),
            NoExamples { alert, missing, .. } => {
                write!(f, "alert `{alert}` has no example where it {missing}")
            }
            CriticalNotPaging { alert, .. } => write!(
                f,
                "critical alert `{alert}` reaches no paging receiver (PagerDuty, Opsgenie or VictorOps)"
            ),
            AlertNotOnDashboard { alert, .. } => write!(
                f,
                "no dashboard panel links to the runbook of alert `{alert}`"
            ),
            SeverityWithoutResponse { severity, .. } => {
                write!(f, "severity `{severity}` says nothing about response time")
            }
            ThresholdWithoutUnit { threshold, query, .. } => write!(
                f,
                "threshold `{threshold}` bounds query `{query}`, which has no unit"
            ),
            PolicyFor { rule, alert, for_, at_least, limit, .. } => write!(
                f,
                "policy `{rule}`: alert `{alert}` waits {for_}, {} {limit}",
                bound_word(*at_least)
            ),
            PolicyThreshold { rule, threshold, level, value, at_least, limit, .. } => write!(
                f,
                "policy `{rule}`: the {level} level of `{threshold}` is {value}, {} {limit}",
                bound_word(*at_least)
            ),
            PolicySeverity { rule, alert, severity, .. } => {
                write!(f, "policy `{rule}`: alert `{alert}` has severity `{severity}`, which is not allowed")
            }
            PolicyLabel { rule, alert, label, value, .. } => write!(
                f,
                "policy `{rule}`: alert `{alert}` has `{label}=\"{value}\"`, which is not allowed"
            ),
            PolicyRequire { rule, alert, part, .. } => {
                write!(f, "policy `{rule}`: alert `{alert}` has no `{part}`")
            }
            ChangeWithoutReason { rule, alert, change, what, .. } => write!(
                f,
                "policy `{rule}`: `{alert}` is {change} without a new reason: {what}"
            ),
            PolicyObjective { rule, slo, objective, at_least, limit, .. } => write!(
                f,
                "policy `{rule}`: SLO `{slo}` aims for {objective}, {} {limit}",
                bound_word(*at_least)
            ),
            SuppressionWithoutReason { .. } => write!(f, "suppression without a reason"),
            ExpiredSuppression { lint, until, .. } => {
                write!(f, "the suppression of `{lint}` expired on {until}")
            }
            UnknownSuppression { lint, .. } => write!(f, "suppression of unknown lint `{lint}`"),
        }
    }
}

/// How a value misses its bound: "below the minimum of" / "above the maximum of".
fn bound_word(at_least: bool) -> &'static str {
    if at_least {
        "below the policy's minimum of"
    } else {
        "above the policy's maximum of"
    }
}

impl Finding {
    pub(crate) fn lint(&self) -> &'static Lint {
        use super::*;
        match self {
            AlertWithoutRunbook { .. } => &alert_without_runbook::LINT,
            TargetPastWarning { .. } => &threshold_target_past_warning::LINT,
            CriticalWithoutFor { .. } | ForTooShort { .. } => &critical_without_for::LINT,
            NoComparison { .. } => &expression_without_comparison::LINT,
            RateOnNonCounter { .. } => &rate_on_non_counter::LINT,
            CounterWithoutRate { .. } => &counter_without_rate::LINT,
            RangeTooShort { .. } => &range_shorter_than_four_scrapes::LINT,
            SelectorNeverMatches { .. } => &selector_never_matches::LINT,
            RegexCouldBeEquality { .. } => &regex_could_be_equality::LINT,
            SummaryNotSentence { .. } => &summary_not_a_sentence::LINT,
            DescriptionWithoutTemplate { .. } => &description_without_template::LINT,
            UnusedQuery { .. } => &unused_query::LINT,
            UnusedThreshold { .. } => &unused_threshold::LINT,
            UnusedReceiver { .. } => &unused_receiver::LINT,
            DuplicateAlert { .. } => &duplicate_alert::LINT,
            DuplicateRecord { .. } => &duplicate_recording_rule::LINT,
            SloWindowCannotFire { .. } => &slo_alert_that_cannot_fire::LINT,
            NotCamelCase { .. } => &alert_name_not_camel_case::LINT,
            MissingSummary { .. } => &alert_without_summary::LINT,
            NoExamples { .. } => &alert_without_examples::LINT,
            CriticalNotPaging { .. } => &critical_alert_does_not_page::LINT,
            AlertNotOnDashboard { .. } => &alert_not_on_dashboard::LINT,
            SeverityWithoutResponse { .. } => &severity_without_response::LINT,
            ThresholdWithoutUnit { .. } => &threshold_query_without_unit::LINT,
            PolicyFor { .. }
            | PolicyThreshold { .. }
            | PolicySeverity { .. }
            | PolicyLabel { .. }
            | PolicyRequire { .. }
            | PolicyObjective { .. } => &policy_violation::LINT,
            ChangeWithoutReason { .. } => &change_without_reason::LINT,
            SuppressionWithoutReason { .. }
            | ExpiredSuppression { .. }
            | UnknownSuppression { .. } => &suppression::LINT,
        }
    }

    pub(crate) fn primary(&self) -> Span {
        match self {
            AlertWithoutRunbook { span, .. }
            | TargetPastWarning { span, .. }
            | CriticalWithoutFor { span, .. }
            | ForTooShort { span, .. }
            | NoComparison { span, .. }
            | RateOnNonCounter { span, .. }
            | CounterWithoutRate { span, .. }
            | RangeTooShort { span, .. }
            | SelectorNeverMatches { span, .. }
            | RegexCouldBeEquality { span, .. }
            | SummaryNotSentence { span, .. }
            | DescriptionWithoutTemplate { span, .. }
            | UnusedQuery { span, .. }
            | UnusedThreshold { span, .. }
            | UnusedReceiver { span, .. }
            | DuplicateAlert { span, .. }
            | DuplicateRecord { span, .. }
            | SloWindowCannotFire { span, .. }
            | NotCamelCase { span, .. }
            | MissingSummary { span, .. }
            | NoExamples { span, .. }
            | CriticalNotPaging { span, .. }
            | AlertNotOnDashboard { span, .. }
            | SeverityWithoutResponse { span, .. }
            | ThresholdWithoutUnit { span, .. }
            | PolicyFor { span, .. }
            | PolicyThreshold { span, .. }
            | PolicySeverity { span, .. }
            | PolicyLabel { span, .. }
            | PolicyRequire { span, .. }
            | PolicyObjective { span, .. }
            | ChangeWithoutReason { span, .. }
            | SuppressionWithoutReason { span }
            | ExpiredSuppression { span, .. }
            | UnknownSuppression { span, .. } => *span,
        }
    }

    pub(crate) fn others(&self) -> Vec<(Span, String)> {
        match self {
            TargetPastWarning { warning_span, .. } => {
                vec![(*warning_span, "the warning level".into())]
            }
            DuplicateAlert { other_span, .. } => vec![(*other_span, "the other alert".into())],
            DuplicateRecord { other_span, .. } => {
                vec![(*other_span, "the other recording rule".into())]
            }
            PolicyFor { policy, .. }
            | PolicyThreshold { policy, .. }
            | PolicySeverity { policy, .. }
            | PolicyLabel { policy, .. }
            | PolicyRequire { policy, .. }
            | PolicyObjective { policy, .. }
            | ChangeWithoutReason { policy, .. } => vec![(*policy, "the policy".into())],
            _ => Vec::new(),
        }
    }

    pub(crate) fn hint(&self) -> Option<String> {
        Some(match self {
            AlertWithoutRunbook { .. } => "add `investigate { step ... }` and `resolve { step ... }`".into(),
            TargetPastWarning { .. } => "a target lies on the healthy side of the warning: lower the target, or raise the warning".into(),
            CriticalWithoutFor { .. } => "add `for 2m` (or longer) so that one bad scrape does not page".into(),
            ForTooShort { minimum, .. } => format!("use `for {minimum}` or longer"),
            NoComparison { .. } => "compare with a threshold (`when QUERY is critical`) or a number (`> 0`)".into(),
            RateOnNonCounter { .. } => "counters end in `_total`, `_count`, `_sum` or `_bucket`; use `deriv` or `delta` for gauges".into(),
            CounterWithoutRate { .. } => "a counter only grows; alert on `rate(...[5m])` or `increase(...[1h])`".into(),
            RangeTooShort { minimum, .. } => format!("use a range of at least {minimum}"),
            SelectorNeverMatches { conflict: Some(_), .. } => "keep one of the two, or use `=~\"a|b\"` to match either value".into(),
            SelectorNeverMatches { .. } => "to select series without the label, write `label=\"\"`; to select any value, drop the matcher".into(),
            RegexCouldBeEquality { label, value, .. } => format!("write `{label}=\"{value}\"`"),
            SummaryNotSentence { .. } => "start with a capital letter and end with a full stop".into(),
            DescriptionWithoutTemplate { .. } => "say which series fired: `{{ $labels.job }}`, `{{ $labels.instance }}`".into(),
            UnusedQuery { .. } | UnusedThreshold { .. } => "use it in an alert or a panel, give it a `topic` for the runbook, or remove it".into(),
            UnusedReceiver { .. } => "use it in a severity's `notify`, a team route or an escalation, or remove it".into(),
            DuplicateAlert { .. } => "remove one, or tell them apart by severity or threshold".into(),
            DuplicateRecord { .. } => "remove one of them".into(),
            SloWindowCannotFire { .. } => "give the window a smaller share of the budget or a longer long window (`windows { ... }`), shorten the period, or turn the alert off".into(),
            NotCamelCase { suggestion, .. } => format!("rename it `{suggestion}`"),
            MissingSummary { .. } => "add `summary \"...\"`: it is the first line people read".into(),
            NoExamples { .. } => "add an `example` with `fires at` and one with `quiet at`".into(),
            CriticalNotPaging { .. } => "add a PagerDuty, Opsgenie or VictorOps receiver to the critical severity's `notify`, or lower the severity".into(),
            AlertNotOnDashboard { alert, .. } => format!("add `runbook {alert}` to the panel that shows its query"),
            SeverityWithoutResponse { .. } => "add `response 15m` (or `response best_effort`)".into(),
            ThresholdWithoutUnit { .. } => "add `unit percent` (or seconds, bytes, count...) to the query".into(),
            PolicyFor { .. } => "change the alert's `for`, or the policy if it is wrong".into(),
            PolicyThreshold { .. } => "move the threshold within the policy's bound; weakening an alert needs the policy changed in review".into(),
            PolicySeverity { .. } => "use one of the policy's severities".into(),
            PolicyLabel { .. } => "use one of the values the policy lists".into(),
            PolicyRequire { part, .. } => format!("add `{part}` to the alert"),
            PolicyObjective { .. } => "change the objective, or the policy if it is wrong".into(),
            ChangeWithoutReason { .. } => "say why in the source: `reason \"...\"` on the alert (or on the threshold it loosens)".into(),
            SuppressionWithoutReason { .. } => "write `# watchbook: allow NAME: why it is fine here`".into(),
            ExpiredSuppression { .. } => "fix the finding, or renew the suppression with a new date and reason".into(),
            UnknownSuppression { .. } => "`watchbook explain` lists the lints; see generated/docs/lints.md".into(),
        })
    }
}
