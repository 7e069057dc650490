//! Everything the resolver can find wrong, worded in one place.

use super::duration::DurationError;
use super::quantity::{Kind, Unit};
use crate::diagnostic::StageError;
use crate::source::Span;
use std::fmt;

pub(crate) enum ResolveError {
    UnknownName {
        kind: &'static str,
        name: String,
        span: Span,
        suggestion: Option<String>,
        /// The names of that kind that are declared, when there is no close one and they
        /// are few.
        known: Vec<String>,
        /// Later uses of the same unknown name, not reported again.
        again: usize,
    },
    DuplicateName {
        kind: &'static str,
        name: String,
        span: Span,
        first: Span,
    },
    NotImported {
        kind: &'static str,
        name: String,
        span: Span,
        declared_in: String,
        import: String,
    },
    BadDuration {
        text: String,
        span: Span,
        reason: DurationError,
    },
    BadQuantity {
        text: String,
        span: Span,
        suffix: String,
    },
    BadPromql {
        span: Span,
        message: String,
        used_at: Option<Span>,
    },
    BadLogql {
        span: Span,
        message: String,
    },
    UnitMismatch {
        text: String,
        span: Span,
        kind: Kind,
        query: String,
        unit: Unit,
        unit_span: Span,
    },
    /// Two bounds of a threshold contradict each other's order.
    ThresholdOrder {
        threshold: String,
        span: Span,
        other: Span,
        level: &'static str,
        value: String,
        other_level: &'static str,
        other_value: String,
        direction: &'static str,
    },
    /// Two bounds of a threshold call opposite sides bad (or the target calls the bad side good).
    ThresholdDirection {
        threshold: String,
        span: Span,
        other: Span,
        level: &'static str,
        other_level: &'static str,
        target: bool,
    },
    NoBounds {
        threshold: String,
        span: Span,
    },
    MissingLevel {
        threshold: String,
        level: &'static str,
        span: Span,
        threshold_span: Span,
    },
    AlertCondition {
        alert: String,
        span: Span,
        both: bool,
    },
    MissingSeverity {
        alert: String,
        span: Span,
    },
    NoQueryBody {
        query: String,
        span: Span,
    },
    LogqlInRule {
        query: Option<String>,
        span: Span,
        query_span: Option<Span>,
    },
    SelectorWithoutScope {
        span: Span,
        used_at: Span,
    },
    IncompatibleSelectors {
        label: String,
        first: String,
        second: String,
        span: Span,
    },
    UnknownTemplateVariable {
        name: String,
        span: Span,
        suggestion: Option<String>,
    },
    TemplateVariableUnavailable {
        name: &'static str,
        span: Span,
    },
    ExampleEnvironment {
        alert: String,
        span: Span,
        environments: Vec<String>,
    },
    QueryWithoutThreshold {
        query: String,
        span: Span,
    },
    /// A Go template Prometheus or Alertmanager would refuse.
    BadTemplate {
        span: Span,
        message: String,
        /// Who expands it: `Prometheus` or `Alertmanager`.
        system: &'static str,
    },
    /// A typed setting (boolean, number, URL) whose value is not of its type.
    BadSetting {
        key: String,
        value: String,
        expected: &'static str,
        span: Span,
    },
    /// An example's values in promtool's series notation that promtool would refuse.
    BadSeries {
        text: String,
        reason: String,
        span: Span,
    },
    /// A `*_file` setting whose value is not a path (a URL or a key pasted in).
    SecretNotAPath {
        key: String,
        span: Span,
    },
    /// A URL setting carrying credentials (user info or a token in its query).
    CredentialsInUrl {
        key: String,
        span: Span,
    },
    /// An example checked so late that promtool would evaluate for minutes.
    ExampleTooLate {
        limit: String,
        span: Span,
    },
    /// A label listed twice in `group_by`, which Alertmanager refuses.
    DuplicateGroupBy {
        label: String,
        span: Span,
    },
    /// A recording rule's name that is not a metric name.
    BadRecordName {
        name: String,
        span: Span,
    },
    /// `__name__` among a rule's labels, which Prometheus refuses.
    ReservedLabel {
        span: Span,
    },
    /// A duration that must be positive is zero.
    ZeroDuration {
        what: &'static str,
        span: Span,
    },
    InlineSecret {
        key: String,
        span: Span,
    },
    UnknownIntegration {
        name: String,
        span: Span,
        suggestion: Option<String>,
    },
    /// `{{ template "x" }}` where no template file defines `x`.
    UnknownNotificationTemplate {
        name: String,
        span: Span,
        suggestion: Option<String>,
    },
    /// A template file defining a `watchbook.` name, which the compiler owns.
    ReservedTemplateName {
        name: String,
        span: Span,
    },
    UnknownSetting {
        integration: &'static str,
        key: String,
        span: Span,
        suggestion: Option<String>,
    },
    MissingSetting {
        integration: &'static str,
        needed: &'static str,
        span: Span,
    },
    NoDefaultReceiver {
        span: Option<Span>,
    },
    GroupWaitTooLong {
        severity: String,
        group_wait: String,
        response: String,
        span: Span,
    },
    ThresholdNotShown {
        threshold: String,
        query: String,
        span: Span,
    },
    UnknownSection {
        name: String,
        span: Span,
        suggestion: Option<String>,
    },
    SloIncomplete {
        slo: String,
        missing: &'static str,
        span: Span,
    },
    BadObjective {
        text: String,
        span: Span,
    },
    SloWithoutWindows {
        slo: String,
        span: Span,
    },
    UnknownAlertStyle {
        style: String,
        span: Span,
    },
    SloSeverityMissing {
        slo: String,
        kind: &'static str,
        severity: &'static str,
        span: Span,
    },
    WindowForNeedsPyrra {
        span: Span,
    },
    /// Pyrra names an SLO's recordings after its SLI's metric: this SLI selects none.
    PyrraWithoutMetric {
        span: Span,
    },
    /// `absent` on an SLO in Sloth's style, which has no such alert.
    AbsentNeedsPyrra {
        span: Span,
    },
    /// `ticket of`: a name one letter from `off`, surely meant to turn the alert off.
    SloAlertNamedLikeOff {
        kind: &'static str,
        name: String,
        span: Span,
    },
    SloExampleAlertOff {
        slo: String,
        kind: &'static str,
        span: Span,
    },
    SloKindWithoutWindows {
        slo: String,
        kind: &'static str,
        span: Span,
    },
    DuplicateSloId {
        service: String,
        id: String,
        span: Span,
        first: Span,
    },
    SloExampleKind {
        span: Span,
    },
    /// A rule-file feature newer than the Prometheus the rules are for.
    NewerFeature {
        feature: String,
        /// `Prometheus` or `Alertmanager`.
        system: &'static str,
        needs: String,
        have: String,
        span: Span,
    },
    /// An alert with variants that also has a condition of its own, or several `when`s that
    /// one `severity` cannot name.
    VariantConflict {
        alert: String,
        span: Span,
        several_whens: bool,
    },
    /// An example check that names no variant of its alert, or none when it must.
    ExampleVariant {
        alert: String,
        named: Option<String>,
        /// Several variants have the named severity.
        ambiguous: bool,
        variants: Vec<String>,
        span: Span,
    },
    /// Two variants of one alert whose rules carry the same labels: one series, two rules.
    DuplicateVariant {
        alert: String,
        span: Span,
        first: Span,
    },
    /// An alert evaluated by Loki with examples, which promtool cannot run.
    LogqlExamples {
        alert: String,
        span: Span,
    },
    /// A group setting Loki's ruler does not read, on a group with LogQL rules.
    NotForLoki {
        setting: &'static str,
        group: String,
        span: Span,
    },
    /// Two rule groups of one rule file with the same name, which Prometheus refuses.
    DuplicateGroup {
        name: String,
        file: String,
        span: Span,
        first: Option<Span>,
    },
}

fn article(kind: &str) -> &'static str {
    match kind.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ResolveError::*;
        match self {
            UnknownName { kind, name, .. } => write!(f, "unknown {kind} `{name}`"),
            DuplicateName { kind, name, .. } => {
                write!(f, "{} {kind} named `{name}` is already declared", article(kind))
            }
            NotImported {
                kind,
                name,
                declared_in,
                ..
            } => write!(
                f,
                "{kind} `{name}` is declared in `{declared_in}`, which this file does not import"
            ),
            BadDuration { text, reason, .. } => match reason {
                DurationError::MissingUnit => {
                    write!(f, "invalid duration `{text}`: a number needs a unit")
                }
                DurationError::UnknownUnit(u) => {
                    write!(f, "invalid duration `{text}`: unknown unit `{u}`")
                }
                DurationError::OutOfOrder(u) => write!(
                    f,
                    "invalid duration `{text}`: unit `{u}` must come before smaller units, once"
                ),
                DurationError::Overflow => write!(
                    f,
                    "invalid duration `{text}`: longer than the 292 years Prometheus can hold"
                ),
            },
            BadQuantity { text, suffix, .. } => {
                write!(f, "invalid value `{text}`: unknown unit `{suffix}`")
            }
            BadPromql { message, .. } => write!(f, "invalid PromQL: {message}"),
            BadLogql { message, .. } => write!(f, "invalid LogQL: {message}"),
            UnitMismatch {
                text,
                kind,
                query,
                unit,
                ..
            } => write!(
                f,
                "unit mismatch: `{text}` is {} but query `{query}` is in {}",
                kind.word(),
                unit.name()
            ),
            ThresholdOrder {
                threshold,
                level,
                value,
                other_level,
                other_value,
                direction,
                ..
            } => write!(
                f,
                "contradictory threshold `{threshold}`: {level} ({value}) is {direction} {other_level} ({other_value})"
            ),
            ThresholdDirection {
                threshold,
                level,
                other_level,
                target,
                ..
            } => {
                if *target {
                    write!(
                        f,
                        "contradictory threshold `{threshold}`: `target` and `{other_level}` both say the same side is healthy and bad"
                    )
                } else {
                    write!(
                        f,
                        "contradictory threshold `{threshold}`: `{level}` and `{other_level}` point in opposite directions"
                    )
                }
            }
            NoBounds { threshold, .. } => write!(f, "threshold `{threshold}` declares no level"),
            MissingLevel {
                threshold, level, ..
            } => write!(f, "threshold `{threshold}` has no `{level}` level"),
            AlertCondition { alert, both, .. } => {
                if *both {
                    write!(f, "alert `{alert}` has more than one condition")
                } else {
                    write!(f, "alert `{alert}` has no condition: `when`, `expr` or `logql`")
                }
            }
            MissingSeverity { alert, .. } => write!(f, "alert `{alert}` has no severity"),
            NoQueryBody { query, .. } => write!(f, "query `{query}` has no `promql` or `logql`"),
            LogqlInRule {
                query: Some(query),
                ..
            } => write!(
                f,
                "query `{query}` is LogQL, and no `target loki` takes LogQL rules"
            ),
            LogqlInRule { .. } => write!(f, "a LogQL rule needs `target loki`"),
            SelectorWithoutScope { .. } => write!(
                f,
                "`$selector` is used where no service or environment is in scope"
            ),
            IncompatibleSelectors {
                label,
                first,
                second,
                ..
            } => write!(
                f,
                "services `{first}` and `{second}` select `{label}` in ways that cannot be combined"
            ),
            UnknownTemplateVariable { name, .. } => {
                write!(f, "unknown template variable `{name}`")
            }
            TemplateVariableUnavailable { name, .. } => {
                write!(f, "template variable `{name}` has no value here")
            }
            ExampleEnvironment { alert, .. } => write!(
                f,
                "example does not say which environment of alert `{alert}` it exercises"
            ),
            QueryWithoutThreshold { query, .. } => {
                write!(f, "query `{query}` has no threshold")
            }
            BadTemplate { message, .. } => write!(f, "invalid template: {message}"),
            BadSetting {
                key,
                value,
                expected,
                ..
            } => write!(f, "`{key}` must be {expected}, not `{value}`"),
            BadSeries { text, reason, .. } => {
                write!(f, "invalid series values `{text}`: {reason}")
            }
            SecretNotAPath { key, .. } => {
                write!(f, "`{key}` must be the path of a file holding the secret")
            }
            CredentialsInUrl { key, .. } => {
                write!(f, "`{key}` carries credentials in the source")
            }
            ZeroDuration { what, .. } => write!(f, "{what} must be longer than 0"),
            ReservedLabel { .. } => write!(f, "`__name__` cannot be a label of a rule"),
            ExampleTooLate { limit, .. } => {
                write!(f, "an example can check at most {limit} after its start")
            }
            DuplicateGroupBy { label, .. } => {
                write!(f, "`{label}` appears twice in `group_by`")
            }
            BadRecordName { name, .. } => {
                write!(f, "`{name}` is not a metric name for a recording rule")
            }
            InlineSecret { key, .. } => write!(f, "secret `{key}` is written inline"),
            UnknownIntegration { name, .. } => write!(f, "unknown integration `{name}`"),
            UnknownNotificationTemplate { name, .. } => {
                write!(f, "no notification template is named `{name}`")
            }
            ReservedTemplateName { name, .. } => {
                write!(f, "template `{name}` uses the `watchbook.` prefix, which generated templates own")
            }
            UnknownSetting {
                integration, key, ..
            } => write!(f, "unknown {integration} setting `{key}`"),
            MissingSetting {
                integration,
                needed,
                ..
            } => write!(f, "{integration} integration needs {needed}"),
            NoDefaultReceiver { .. } => {
                write!(f, "receivers are declared but routing has no default receiver")
            }
            UnknownSection { name, .. } => write!(f, "unknown runbook section `{name}`"),
            SloIncomplete { slo, missing, .. } => write!(f, "slo `{slo}` has no `{missing}`"),
            BadObjective { text, .. } => {
                write!(f, "objective `{text}` is not a share between 0% and 100%")
            }
            UnknownAlertStyle { style, .. } => write!(f, "unknown alert style `{style}`"),
            SloSeverityMissing {
                slo, kind, severity, ..
            } => write!(
                f,
                "the {kind} alert of slo `{slo}` has severity `{severity}`, which is not declared"
            ),
            WindowForNeedsPyrra { .. } => write!(
                f,
                "a burn window's `for` needs a rule per pair (`alert_style per_pair` or `pyrra`): in Sloth's style one rule ors the pairs"
            ),
            AbsentNeedsPyrra { .. } => write!(
                f,
                "an `absent` alert needs `alert_style pyrra`: Sloth's style has none"
            ),
            PyrraWithoutMetric { .. } => write!(
                f,
                "`alert_style pyrra` names the recordings after the SLI's metric, and this SLI selects no metric by name"
            ),
            SloAlertNamedLikeOff { kind, name, .. } => write!(
                f,
                "the {kind} alert is named `{name}`: did you mean `{kind} off`?"
            ),
            SloWithoutWindows { slo, .. } => {
                write!(f, "slo `{slo}` has no burn windows, so it would generate no rules")
            }
            SloExampleAlertOff { slo, kind, .. } => {
                write!(f, "this example checks the {kind} alert of slo `{slo}`, which is off")
            }
            SloKindWithoutWindows { slo, kind, .. } => write!(
                f,
                "slo `{slo}` has a {kind} alert but none of its burn windows is a `{kind}` window"
            ),
            DuplicateSloId { service, id, .. } => {
                write!(f, "service `{service}` has two SLOs with the id `{id}`")
            }
            SloExampleKind { .. } => {
                write!(f, "an SLO example must say which alert fires: `page` or `ticket`")
            }
            NewerFeature {
                feature,
                system,
                needs,
                have,
                ..
            } => write!(
                f,
                "{feature} needs {system} {needs} or later, but the output is for {have}"
            ),
            VariantConflict {
                alert,
                several_whens,
                ..
            } => {
                if *several_whens {
                    write!(
                        f,
                        "alert `{alert}` has several `when`s, so one `severity` cannot name them"
                    )
                } else {
                    write!(
                        f,
                        "alert `{alert}` has variants, so its condition belongs in each of them"
                    )
                }
            }
            ExampleVariant {
                alert,
                named: Some(named),
                ambiguous: true,
                ..
            } => write!(
                f,
                "alert `{alert}` has several `{named}` variants, which promtool cannot tell apart by name"
            ),
            ExampleVariant {
                alert,
                named: Some(named),
                ..
            } => write!(f, "alert `{alert}` has no `{named}` variant"),
            ExampleVariant { alert, .. } => write!(
                f,
                "example does not say which variant of alert `{alert}` fires"
            ),
            DuplicateVariant { alert, .. } => write!(
                f,
                "two variants of alert `{alert}` carry the same labels"
            ),
            LogqlExamples { alert, .. } => write!(
                f,
                "alert `{alert}` is a LogQL rule: promtool cannot run its examples"
            ),
            NotForLoki { setting, group, .. } => write!(
                f,
                "group `{group}` holds LogQL rules, and Loki's ruler does not read `{setting}`"
            ),
            DuplicateGroup { name, file, .. } => {
                if file.is_empty() {
                    write!(f, "two rule groups of the ruler namespace are named `{name}`")
                } else {
                    write!(f, "two rule groups of `{file}.wb` are named `{name}`")
                }
            }
            ThresholdNotShown {
                threshold, query, ..
            } => write!(
                f,
                "threshold `{threshold}` bounds query `{query}`, which this panel does not show"
            ),
            GroupWaitTooLong {
                severity,
                group_wait,
                response,
                ..
            } => write!(
                f,
                "severity `{severity}` waits {group_wait} before notifying, longer than its response time of {response}"
            ),
        }
    }
}

impl StageError for ResolveError {
    fn code(&self) -> &'static str {
        use ResolveError::*;
        match self {
            UnknownName { .. } => "E0101",
            DuplicateName { .. } => "E0102",
            NotImported { .. } => "E0103",
            BadDuration { .. } => "E0104",
            BadQuantity { .. } => "E0105",
            BadPromql { .. } => "E0106",
            BadLogql { .. } => "E0107",
            UnitMismatch { .. } => "E0108",
            ThresholdOrder { .. } => "E0109",
            ThresholdDirection { .. } => "E0110",
            NoBounds { .. } => "E0111",
            MissingLevel { .. } => "E0112",
            AlertCondition { .. } => "E0113",
            MissingSeverity { .. } => "E0114",
            NoQueryBody { .. } => "E0115",
            LogqlInRule { .. } => "E0116",
            SelectorWithoutScope { .. } => "E0117",
            IncompatibleSelectors { .. } => "E0118",
            UnknownTemplateVariable { .. } => "E0119",
            TemplateVariableUnavailable { .. } => "E0120",
            ExampleEnvironment { .. } => "E0121",
            QueryWithoutThreshold { .. } => "E0122",
            InlineSecret { .. } => "E0123",
            BadTemplate { .. } => "E0133",
            BadSetting { .. } => "E0134",
            BadSeries { .. } => "E0135",
            SecretNotAPath { .. } => "E0136",
            CredentialsInUrl { .. } => "E0137",
            ZeroDuration { .. } => "E0138",
            ReservedLabel { .. } => "E0139",
            BadRecordName { .. } => "E0140",
            DuplicateGroupBy { .. } => "E0141",
            ExampleTooLate { .. } => "E0142",
            UnknownSetting { .. } => "E0124",
            MissingSetting { .. } => "E0125",
            NoDefaultReceiver { .. } => "E0126",
            GroupWaitTooLong { .. } => "E0127",
            ThresholdNotShown { .. } => "E0128",
            UnknownSection { .. } => "E0129",
            SloIncomplete { .. } => "E0130",
            BadObjective { .. } => "E0131",
            SloWithoutWindows { .. } => "E0153",
            SloKindWithoutWindows { .. } => "E0154",
            DuplicateSloId { .. } => "E0155",
            SloExampleAlertOff { .. } => "E0156",
            UnknownAlertStyle { .. } => "E0157",
            WindowForNeedsPyrra { .. } => "E0158",
            SloAlertNamedLikeOff { .. } => "E0160",
            PyrraWithoutMetric { .. } => "E0161",
            AbsentNeedsPyrra { .. } => "E0162",
            SloSeverityMissing { .. } => "E0159",
            SloExampleKind { .. } => "E0132",
            NewerFeature { .. } => "E0143",
            VariantConflict { .. } => "E0144",
            ExampleVariant { .. } => "E0145",
            DuplicateGroup { .. } => "E0146",
            DuplicateVariant { .. } => "E0147",
            LogqlExamples { .. } => "E0148",
            NotForLoki { .. } => "E0149",
            UnknownIntegration { .. } => "E0150",
            UnknownNotificationTemplate { .. } => "E0151",
            ReservedTemplateName { .. } => "E0152",
        }
    }

    fn span(&self) -> Option<Span> {
        use ResolveError::*;
        if let NoDefaultReceiver { span } = self {
            return *span;
        }
        Some(match self {
            UnknownName { span, .. }
            | DuplicateName { span, .. }
            | NotImported { span, .. }
            | BadDuration { span, .. }
            | BadQuantity { span, .. }
            | BadPromql { span, .. }
            | BadLogql { span, .. }
            | UnitMismatch { span, .. }
            | ThresholdOrder { span, .. }
            | ThresholdDirection { span, .. }
            | NoBounds { span, .. }
            | MissingLevel { span, .. }
            | AlertCondition { span, .. }
            | MissingSeverity { span, .. }
            | NoQueryBody { span, .. }
            | LogqlInRule { span, .. }
            | SelectorWithoutScope { span, .. }
            | IncompatibleSelectors { span, .. }
            | UnknownTemplateVariable { span, .. }
            | TemplateVariableUnavailable { span, .. }
            | ExampleEnvironment { span, .. }
            | QueryWithoutThreshold { span, .. }
            | InlineSecret { span, .. }
            | UnknownIntegration { span, .. }
            | UnknownNotificationTemplate { span, .. }
            | ReservedTemplateName { span, .. }
            | BadTemplate { span, .. }
            | BadSetting { span, .. }
            | BadSeries { span, .. }
            | SecretNotAPath { span, .. }
            | CredentialsInUrl { span, .. }
            | ZeroDuration { span, .. }
            | ReservedLabel { span }
            | BadRecordName { span, .. }
            | DuplicateGroupBy { span, .. }
            | ExampleTooLate { span, .. }
            | UnknownSetting { span, .. }
            | MissingSetting { span, .. }
            | GroupWaitTooLong { span, .. }
            | ThresholdNotShown { span, .. }
            | UnknownSection { span, .. }
            | SloIncomplete { span, .. }
            | BadObjective { span, .. }
            | SloWithoutWindows { span, .. }
            | SloKindWithoutWindows { span, .. }
            | DuplicateSloId { span, .. }
            | SloExampleAlertOff { span, .. }
            | UnknownAlertStyle { span, .. }
            | SloSeverityMissing { span, .. }
            | WindowForNeedsPyrra { span }
            | PyrraWithoutMetric { span }
            | AbsentNeedsPyrra { span }
            | SloAlertNamedLikeOff { span, .. }
            | SloExampleKind { span }
            | NewerFeature { span, .. }
            | VariantConflict { span, .. }
            | ExampleVariant { span, .. }
            | DuplicateGroup { span, .. }
            | DuplicateVariant { span, .. }
            | LogqlExamples { span, .. }
            | NotForLoki { span, .. } => *span,
            NoDefaultReceiver { .. } => return None,
        })
    }

    fn label(&self) -> Option<String> {
        use ResolveError::*;
        let text = match self {
            UnknownName { kind: "unit", .. } => "not a unit",
            UnknownName { again: 0, .. } => "not declared anywhere",
            UnknownName { again: 1, .. } => "not declared anywhere (used once more below)",
            UnknownName { .. } => "not declared anywhere (used again below)",
            DuplicateName { .. } => "declared again here",
            NotImported { .. } => "not visible here",
            BadDuration { .. } => "not a Prometheus duration",
            BadQuantity { .. } => "unknown unit",
            BadPromql { span, .. } if span.end - span.start <= 16 => "here",
            BadPromql { .. } => "in this expression",
            BadLogql { .. } => "in this query",
            UnitMismatch { .. } => "wrong unit",
            ThresholdOrder { .. } | ThresholdDirection { .. } => "contradicts the other level",
            NoBounds { .. } => "no `target`, `warning` or `critical`",
            MissingLevel { .. } => "level not defined",
            AlertCondition { both: true, .. } => "pick one",
            AlertCondition { .. } => "when should this fire?",
            MissingSeverity { .. } => "severity needed",
            NoQueryBody { .. } => "empty query",
            LogqlInRule { .. } => "used in a rule here",
            SelectorWithoutScope { .. } => "nothing to expand `$selector` to",
            IncompatibleSelectors { .. } => "these services",
            UnknownTemplateVariable { .. } => "unknown",
            TemplateVariableUnavailable { .. } => "no value",
            ExampleEnvironment { .. } => "which environment?",
            QueryWithoutThreshold { .. } => "no threshold with this name",
            InlineSecret { .. } => "a secret in the source",
            UnknownIntegration { .. } => "not an Alertmanager integration",
            UnknownNotificationTemplate { .. } => "not defined",
            ReservedTemplateName { .. } => "reserved name",
            BadTemplate { .. } => "here",
            BadSetting { expected, .. } => expected,
            BadSeries { .. } => "promtool cannot read this",
            SecretNotAPath { .. } => "not a file path",
            CredentialsInUrl { .. } => "credentials",
            ZeroDuration { .. } => "zero",
            ReservedLabel { .. } => "reserved",
            BadRecordName { .. } => "letters, digits, `_` and `:`",
            DuplicateGroupBy { .. } => "again",
            ExampleTooLate { .. } => "too late",
            UnknownSetting { .. } => "unknown",
            MissingSetting { .. } => "incomplete",
            NoDefaultReceiver { .. } => "routing",
            GroupWaitTooLong { .. } => "too long",
            ThresholdNotShown { .. } => "not on this panel",
            UnknownSection { .. } => "not a section of the runbook",
            SloIncomplete { .. } => "incomplete",
            BadObjective { .. } => "not an objective",
            SloWithoutWindows { .. } => "no windows",
            SloKindWithoutWindows { .. } => "no window of this kind",
            DuplicateSloId { .. } => "the same id again",
            SloExampleAlertOff { .. } => "no such alert",
            UnknownAlertStyle { .. } => "not a style",
            SloSeverityMissing { .. } => "this SLO",
            WindowForNeedsPyrra { .. } => "a `for` per pair",
            PyrraWithoutMetric { .. } => "no metric name",
            AbsentNeedsPyrra { .. } => "Sloth's style",
            SloAlertNamedLikeOff { .. } => "an alert name",
            SloExampleKind { .. } => "which alert?",
            NewerFeature { .. } => "too new",
            VariantConflict {
                several_whens: true,
                ..
            } => "several variants",
            VariantConflict { .. } => "move this into the variants",
            ExampleVariant {
                ambiguous: true, ..
            } => "which of them?",
            ExampleVariant { named: Some(_), .. } => "no such variant",
            ExampleVariant { .. } => "which variant?",
            DuplicateGroup { .. } => "again",
            DuplicateVariant { .. } => "same labels as another variant",
            LogqlExamples { .. } => "examples",
            NotForLoki { .. } => "not for Loki",
        };
        Some(text.to_string())
    }

    fn related(&self) -> Vec<(Span, String)> {
        use ResolveError::*;
        match self {
            DuplicateName { first, .. } => vec![(*first, "first declared here".into())],
            DuplicateSloId { first, .. } => vec![(*first, "the first SLO with this id".into())],
            BadPromql {
                used_at: Some(at), ..
            } => vec![(*at, "used here".into())],
            UnitMismatch { unit_span, .. } => vec![(*unit_span, "the query's unit".into())],
            ThresholdOrder { other, .. } | ThresholdDirection { other, .. } => {
                vec![(*other, "the other level".into())]
            }
            MissingLevel { threshold_span, .. } => {
                vec![(*threshold_span, "threshold declared here".into())]
            }
            LogqlInRule {
                query_span: Some(query_span),
                ..
            } => vec![(*query_span, "the LogQL query".into())],
            SelectorWithoutScope { used_at, .. } => vec![(*used_at, "used here".into())],
            DuplicateGroup {
                first: Some(first), ..
            } => vec![(*first, "first declared here".into())],
            DuplicateVariant { first, .. } => vec![(*first, "the other variant".into())],
            _ => Vec::new(),
        }
    }

    fn help(&self) -> Option<String> {
        use ResolveError::*;
        match self {
            UnknownName {
                suggestion: Some(s),
                ..
            }
            | UnknownTemplateVariable {
                suggestion: Some(s),
                ..
            } => Some(format!("did you mean `{s}`?")),
            UnknownName { kind: "unit", .. } => {
                Some(format!("units are {}", backticked(&super::quantity::Unit::NAMES)))
            }
            UnknownName { kind, known, .. } if known.is_empty() => {
                Some(format!("no {kind} is declared; declare it, or import the file that does"))
            }
            UnknownName { kind, known, .. } => Some(format!(
                "the declared {kind} names are {}",
                known
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            UnknownTemplateVariable { .. } => Some(
                "compile-time variables are `threshold`, `for`, `severity`, `environment` and `query`; Prometheus' own start with `$` or `.`"
                    .into(),
            ),
            NotImported { import, .. } => Some(format!("add `import \"{import}\"` to this file")),
            BadDuration { .. } => Some(
                "write a number and a unit (`ms`, `s`, `m`, `h`, `d`, `w`, `y`), largest first: `1h30m`"
                    .into(),
            ),
            BadQuantity { .. } => Some(
                "use `%`, a duration unit such as `s`, a byte unit such as `MiB`, or no unit".into(),
            ),
            UnitMismatch { unit, .. } => Some(format!(
                "write the value in {}: {}",
                unit.name(),
                unit.example()
            )),
            ThresholdOrder { .. } => Some(
                "the warning level must lie between the target and the critical level".into(),
            ),
            ThresholdDirection { target: true, .. } => Some(
                "`target` says where healthy values lie: `target below 1%` goes with `critical above 10%`"
                    .into(),
            ),
            ThresholdDirection { .. } => {
                Some("use `above` for both, or `below` for both".into())
            }
            NoBounds { .. } => Some("add a level such as `critical above 10%`".into()),
            MissingLevel { level, .. } => {
                Some(format!("add `{level} above ...` or `{level} below ...` to the threshold"))
            }
            AlertCondition { both: true, .. } => {
                Some("`when` builds the expression from a threshold; keep `expr` only for conditions no threshold expresses".into())
            }
            AlertCondition { .. } => Some(
                "add `when QUERY is critical` to use a threshold, or `expr `...`` for a raw condition"
                    .into(),
            ),
            MissingSeverity { .. } => {
                Some("add `severity critical` (or another declared severity)".into())
            }
            NoQueryBody { .. } => Some("add `promql `...`` or `logql `...``".into()),
            LogqlInRule { .. } => Some(
                "LogQL rules are evaluated by Loki's ruler: declare `target loki {}` beside the other targets, or use a PromQL query".into(),
            ),
            SelectorWithoutScope { .. } => Some(
                "add `services [...]` or `environments [...]` to the rule".into(),
            ),
            IncompatibleSelectors { .. } => Some(
                "give the services the same selector labels, or write separate alerts".into(),
            ),
            TemplateVariableUnavailable { name, .. } => Some(match *name {
                "threshold" => "`{{ threshold }}` needs `when QUERY is LEVEL`".to_string(),
                "for" => "`{{ for }}` needs a `for` duration".to_string(),
                "environment" => "`{{ environment }}` needs the rule to cover environments".to_string(),
                _ => "`{{ query }}` needs `when QUERY is LEVEL`".to_string(),
            }),
            InlineSecret { key, .. } => Some(format!(
                "use `{key}_file \"/path/to/secret\"`: Alertmanager reads the secret from a file that your deployment provides"
            )),
            BadTemplate {
                system: "Alertmanager",
                ..
            } => Some(
                "Alertmanager parses this text as a Go template: close every `{{`, end every `if`, `range`, `with` and `define`, and use the functions of https://prometheus.io/docs/alerting/latest/notifications/".into(),
            ),
            BadTemplate { .. } => Some(
                "Prometheus parses this text as a Go template: close every `{{`, end every `if`, `range` and `with`, and use the functions of https://prometheus.io/docs/prometheus/latest/configuration/template_reference/".into(),
            ),
            BadSetting { expected, .. } => Some(format!("write {expected}")),
            BadSeries { .. } => Some(
                "write values as promtool expands them: `1 2 3`, `0+10x30`, `5-1x4`, `_x3`, `stale`, with finite numbers".into(),
            ),
            SecretNotAPath { key, .. } => Some(format!(
                "put the secret in a file your deployment provides and write its path: `{key} \"/etc/alertmanager/secrets/name\"`"
            )),
            CredentialsInUrl { .. } => Some(
                "keep credentials out of the source: use a `*_file` setting where the receiver has one, or a URL without user info or token".into(),
            ),
            ZeroDuration { what, .. } => Some(format!("give the {what} a positive duration such as `30d`")),
            BadRecordName { .. } => Some(
                "name it like `level:metric:operations`, e.g. `job:http_requests:rate5m`".into(),
            ),
            ReservedLabel { .. } => Some(
                "Prometheus names series itself: `record \"name\"` sets the metric name of a recording rule".into(),
            ),
            NoDefaultReceiver { .. } => Some(
                "add `routing { default RECEIVER }` for alerts no other route takes".into(),
            ),
            ThresholdNotShown { query, .. } => Some(format!(
                "add `query {query}` to the panel, or use the threshold of a query it shows"
            )),
            GroupWaitTooLong { .. } => Some(
                "shorten `group_wait` so the first notification can arrive within the response time".into(),
            ),
            SloIncomplete { missing: "sli", .. } => Some(
                "add `sli ratio { errors `...` total `...` }`, `sli latency { ... }` or `sli availability `...``".into(),
            ),
            SloIncomplete { .. } => Some("add `objective 99.9%`".into()),
            BadObjective { .. } => Some("write it as a percentage such as `99.9%`".into()),
            SloWithoutWindows { .. } => Some(
                "list windows such as `page 1h 5m 2%`, or leave out `windows` for the SRE \
                 workbook's four; to keep only the recordings, write `page off` and `ticket off`"
                    .into(),
            ),
            SloSeverityMissing { kind, severity, .. } => Some(format!(
                "an SLO's {kind} alert is `{severity}` unless `{kind}_severity NAME` (here or in `slo_defaults`) names another: declare `severity {severity} {{ ... }}`, name a declared one, or write `{kind} off`"
            )),
            UnknownAlertStyle { .. } => Some("write `alert_style sloth` (the default), `alert_style per_pair` or `alert_style pyrra`".into()),
            WindowForNeedsPyrra { .. } => Some(
                "add `alert_style per_pair` (or `pyrra`) for a rule per pair, or give the whole alert a `for`: `page { for 2m }`".into(),
            ),
            AbsentNeedsPyrra { .. } => Some(
                "add `alert_style pyrra`, or remove `absent`".into(),
            ),
            PyrraWithoutMetric { .. } => Some(
                "select the total (or only) series by name, as in `sum(rate(http_requests_total{job=\"api\"}[$window]))`, or use `alert_style sloth`".into(),
            ),
            SloAlertNamedLikeOff { kind, .. } => Some(format!(
                "write `{kind} off` to turn the alert off; to name it, use a name such as `{kind} ApiBudgetBurn`"
            )),
            SloExampleAlertOff { kind, .. } => Some(format!(
                "check the other alert, or turn this one on (remove `{kind} off`)"
            )),
            SloKindWithoutWindows { kind, .. } => Some(format!(
                "add a window such as `{kind} 1h 5m 2%`, or write `{kind} off`"
            )),
            DuplicateSloId { .. } => Some(
                "their recordings would mix: give one of them another `id \"...\"`".into(),
            ),
            SloExampleKind { .. } => Some("write `fires page at 10m { ... }` or `fires ticket at 3h { ... }`".into()),
            QueryWithoutThreshold { query, .. } => Some(format!(
                "declare `threshold {query} {{ critical above ... }}` to give the query its levels"
            )),
            UnknownSetting {
                suggestion: Some(s),
                ..
            }
            | UnknownIntegration {
                suggestion: Some(s),
                ..
            }
            | UnknownNotificationTemplate {
                suggestion: Some(s),
                ..
            }
            | UnknownSection {
                suggestion: Some(s),
                ..
            } => Some(format!("did you mean `{s}`?")),
            UnknownIntegration { .. } => Some(
                "receivers take `pagerduty`, `slack`, `email`, `webhook`, `opsgenie`, `victorops`, `pushover`, `telegram`, `discord`, `webex`, `sns` and `msteams`".into(),
            ),
            UnknownNotificationTemplate { .. } => Some(
                "define it in a template file named in the `alertmanager` block's `templates`, or call one of Alertmanager's or the generated `watchbook.` templates".into(),
            ),
            ReservedTemplateName { .. } => Some(
                "rename it; to change a generated notification field, set that field on the integration".into(),
            ),
            UnknownSection { .. } => Some(format!(
                "the sections are {}",
                backticked(&crate::emit::RUNBOOK_SECTIONS)
            )),
            ExampleEnvironment { environments, .. } => Some(format!(
                "add `environment NAME` with one of {}",
                backticked(environments)
            )),
            NewerFeature { needs, system, .. } => Some(format!(
                "if your {system} is {needs} or later, say so in the project: `{}_version \"{needs}\"`",
                system.to_lowercase()
            )),
            VariantConflict {
                several_whens: true,
                ..
            } => Some(
                "each `when` is a variant named after its level's severity; write `severity NAME { when ... }` blocks to name them otherwise".into(),
            ),
            VariantConflict { .. } => Some(
                "write the condition inside each `severity NAME { ... }` block; texts, labels and `for` outside them are the variants' defaults".into(),
            ),
            ExampleVariant {
                ambiguous: true, ..
            } => Some("examples can check alerts whose variants have different severities".into()),
            ExampleVariant { variants, .. } => Some(format!(
                "write `fires SEVERITY at ...` with one of {}",
                backticked(variants)
            )),
            LogqlExamples { .. } => Some(
                "test the LogQL query against your Loki by hand, and keep examples for PromQL alerts".into(),
            ),
            NotForLoki { .. } => Some(
                "put the LogQL rules in a group of their own without it".into(),
            ),
            DuplicateVariant { .. } => Some(
                "variants of one severity need a label that tells them apart: `label window \"1h\"`".into(),
            ),
            DuplicateGroup { .. } => Some(
                "give the groups of one file different names (a file's undeclared rules form the group named after the file)".into(),
            ),
            _ => None,
        }
    }
}

fn backticked<S: AsRef<str>>(items: &[S]) -> String {
    items
        .iter()
        .map(|s| format!("`{}`", s.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}
