//! The resolved model: every name looked up, every value in its unit, every rule fanned out.
//! Emitters read only this.

// Fields the Prometheus emitter does not read yet are read by the runbook and dashboard
// emitters that build on this model.
#![allow(dead_code)]

use super::duration::Duration;
use super::quantity::Unit;
use super::selector::Matcher;
use crate::parse::ast::{Comparison, Level, QueryLanguage, StepKind};
use crate::source::Span;
use std::collections::BTreeMap;

pub(crate) type Labels = BTreeMap<String, String>;

#[derive(Debug)]
pub(crate) struct Model {
    pub project: Project,
    pub environments: Vec<Environment>,
    pub services: Vec<Service>,
    pub severities: Vec<Severity>,
    pub queries: Vec<Query>,
    pub thresholds: Vec<Threshold>,
    pub alerts: Vec<Alert>,
    pub records: Vec<Record>,
    pub receivers: Vec<Receiver>,
    pub teams: Vec<Team>,
    pub inhibits: Vec<Inhibit>,
    pub escalation_levels: Vec<EscalationLevel>,
    pub route_tests: Vec<RouteTest>,
    pub routing: Routing,
    pub dashboards: Vec<Dashboard>,
    pub components: Vec<Component>,
    /// Runbook prose by section name.
    pub sections: BTreeMap<String, String>,
    /// Chapter titles the sources give, by section name.
    pub section_titles: BTreeMap<String, String>,
    pub scenarios: Vec<Scenario>,
    pub appendices: Vec<Appendix>,
    pub slos: Vec<Slo>,
    pub policies: Vec<PolicyRule>,
    /// Prometheus rule groups, declared or one per source file, in output order.
    pub groups: Vec<RuleGroup>,
    /// The systems the output is for.
    pub targets: Targets,
    /// Alertmanager's time intervals, for routes to mute by.
    pub time_intervals: Vec<TimeIntervalDef>,
    pub alertmanager: AlertmanagerGlobal,
}

/// A named set of periods: it holds at an instant when any period does.
#[derive(Debug, Default)]
pub(crate) struct TimeIntervalDef {
    pub name: String,
    pub periods: Vec<Period>,
}

/// One period, read: each field lists ranges, any of which may hold; a field left empty
/// always holds. Weekdays count from Sunday (0); days of the month may count from its end.
#[derive(Debug, Default)]
pub(crate) struct Period {
    pub weekdays: Vec<(u8, u8)>,
    /// Minutes of the day, start inclusive, end exclusive.
    pub times: Vec<(u16, u16)>,
    pub days_of_month: Vec<(i32, i32)>,
    pub months: Vec<(u8, u8)>,
    pub years: Vec<(i16, i16)>,
    pub location: Option<String>,
    /// The fields as written, for Alertmanager's configuration.
    pub text: PeriodText,
}

#[derive(Debug, Default, Clone)]
pub(crate) struct PeriodText {
    pub weekdays: Vec<String>,
    pub times: Vec<String>,
    pub days_of_month: Vec<String>,
    pub months: Vec<String>,
    pub years: Vec<String>,
    pub location: Option<String>,
}

/// What `target` declarations ask for; without any, plain Prometheus rule files.
#[derive(Debug, Default)]
pub(crate) struct Targets {
    pub prometheus: bool,
    pub operator: Option<OperatorTarget>,
    pub mimir: Option<RulerTarget>,
    pub cortex: Option<RulerTarget>,
    pub thanos: Option<ThanosTarget>,
    pub loki: Option<RulerTarget>,
    pub grafana: Option<GrafanaTarget>,
}

/// prometheus-operator: a `PrometheusRule` per rule file.
#[derive(Debug)]
pub(crate) struct OperatorTarget {
    pub namespace: Option<String>,
    pub labels: Labels,
}

/// A ruler with tenants and namespaces (Mimir, Cortex, Loki).
#[derive(Debug)]
pub(crate) struct RulerTarget {
    pub tenant: String,
    /// One namespace for every group; `None`: one per source file.
    pub namespace: Option<String>,
}

#[derive(Debug)]
pub(crate) struct ThanosTarget {
    pub partial_response_strategy: String,
}

/// Grafana provisioning: where the dashboards are mounted, and the Kubernetes resources.
#[derive(Debug)]
pub(crate) struct GrafanaTarget {
    pub path: String,
    /// Where people open Grafana: dashboards are linked from alerts at `URL/d/UID`.
    pub url: Option<String>,
    /// ConfigMaps for the dashboard sidecar, in this namespace.
    pub sidecar_namespace: Option<String>,
    /// grafana-operator `GrafanaDashboard` resources, in this namespace.
    pub operator_namespace: Option<String>,
    /// The operator's instance selector.
    pub instance_labels: Labels,
}

impl Model {
    /// Where people open Grafana: `target grafana { url }`, else the project's `grafana_url`.
    pub(crate) fn grafana_url(&self) -> Option<&str> {
        self.targets
            .grafana
            .as_ref()
            .and_then(|g| g.url.as_deref())
            .or(self.project.grafana_url.as_deref())
            .map(|u| u.trim_end_matches('/'))
    }

    /// The variants of the declaration of `alerts[index]`, its primary alert first.
    pub(crate) fn variants(&self, index: usize) -> &[Alert] {
        let declaration = self.alerts[index].declaration;
        let end = self.alerts[declaration..]
            .iter()
            .position(|a| a.declaration != declaration)
            .map_or(self.alerts.len(), |p| declaration + p);
        &self.alerts[declaration..end]
    }
}

/// A Prometheus rule group: its rules are the alerts and records whose `group` is its index.
#[derive(Debug)]
pub(crate) struct RuleGroup {
    /// The group's name in the rule file.
    pub name: String,
    /// The stem of the source file it belongs to: its rules land in that file's rule file.
    pub file: String,
    pub interval: Option<Duration>,
    pub limit: Option<u64>,
    pub query_offset: Option<Duration>,
    pub labels: Labels,
    /// Declared in the source (kept even when empty), or implicit (one per file).
    pub declared: bool,
    /// Declaration order; implicit groups come before a file's declared ones.
    pub order: (usize, usize),
}

/// A part of an alert a policy can require.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    Summary,
    Description,
    Investigate,
    Resolve,
    Causes,
    Examples,
}

impl Part {
    pub(crate) const NAMES: [&'static str; 6] = [
        "summary",
        "description",
        "investigate",
        "resolve",
        "causes",
        "examples",
    ];

    pub(crate) fn from_name(name: &str) -> Option<Part> {
        Some(match name {
            "summary" => Part::Summary,
            "description" => Part::Description,
            "investigate" => Part::Investigate,
            "resolve" => Part::Resolve,
            "causes" => Part::Causes,
            "examples" => Part::Examples,
            _ => return None,
        })
    }

    pub(crate) fn name(self) -> &'static str {
        Part::NAMES[self as usize]
    }
}

#[derive(Debug)]
pub(crate) enum PolicyCheck {
    For {
        at_least: bool,
        limit: Duration,
    },
    Threshold {
        threshold: usize,
        level: crate::parse::ast::Level,
        at_least: bool,
        limit: f64,
        shown: String,
    },
    Severities(Vec<String>),
    Label {
        label: String,
        values: Vec<String>,
    },
    Require(Vec<Part>),
    /// Checked only against a base (`lint --base`): such a change needs a new reason.
    Change(crate::parse::ast::ChangeKind),
    Objective {
        at_least: bool,
        limit: f64,
        shown: String,
    },
}

#[derive(Debug)]
pub(crate) struct PolicyRule {
    pub name: String,
    /// Alerts the rule applies to, by their labels and `alertname`; all when empty.
    pub matchers: Vec<Matcher>,
    /// Each requirement with the span of its line in the policy.
    pub checks: Vec<(PolicyCheck, Span)>,
}

#[derive(Debug)]
pub(crate) struct Component {
    pub name: String,
    pub title: String,
    pub purpose: Option<String>,
    pub access: Option<String>,
    pub port: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug)]
pub(crate) struct Scenario {
    pub title: String,
    pub symptoms: Vec<String>,
    pub investigate: Vec<Step>,
    pub resolve: Vec<Step>,
}

#[derive(Debug)]
pub(crate) struct Appendix {
    pub title: String,
    /// `shell`, `promql` or `logql`: the code block's language.
    pub language: String,
    pub entries: Vec<(String, String)>,
}

#[derive(Debug)]
pub(crate) struct Project {
    pub name: String,
    pub runbook_url: String,
    pub scrape_interval: Duration,
    pub evaluation_interval: Duration,
    /// The Prometheus version the rules are for.
    pub prometheus_version: super::version::Version,
    /// The Alertmanager version the configuration is for.
    pub alertmanager_version: super::version::Version,
    pub description: Option<String>,
    /// The source's own selector for the whole project (`namespace=~"octollm-.*"`): the
    /// runbook shows it where a query covers every service in every environment.
    pub selector: Vec<Matcher>,
    /// Where people open Grafana (`grafana_url`), when the project says so.
    pub grafana_url: Option<String>,
}

#[derive(Debug)]
pub(crate) struct Environment {
    pub name: String,
    pub namespace: Option<String>,
    pub matchers: Vec<Matcher>,
    pub labels: Labels,
    pub description: Option<String>,
}

#[derive(Debug)]
pub(crate) struct Service {
    pub name: String,
    pub team: Option<String>,
    pub matchers: Vec<Matcher>,
    /// The matchers of its log streams, when they differ from its series'.
    pub log_matchers: Option<Vec<Matcher>>,
    pub environments: Vec<usize>,
    pub labels: Labels,
    pub description: Option<String>,
}

#[derive(Debug)]
pub(crate) struct Severity {
    pub name: String,
    pub span: Span,
    /// `None` is best effort.
    pub response: Option<Duration>,
    /// Whether the source says anything about the response time (`best_effort` included).
    pub declares_response: bool,
    /// Receivers notified, in order.
    pub notify: Vec<usize>,
    pub timing: Timing,
    /// After how long a still-firing alert also notifies these receivers.
    pub escalate: Option<Escalate>,
    pub description: Option<String>,
}

/// After how long a still-firing alert also notifies which receivers.
pub(crate) type Escalate = (Duration, Vec<usize>);

/// Alertmanager's grouping and timing; `None` leaves Alertmanager's default (or the parent's).
#[derive(Debug, Default, Clone)]
pub(crate) struct Timing {
    pub group_by: Option<Vec<String>>,
    pub group_wait: Option<Duration>,
    pub group_interval: Option<Duration>,
    pub repeat_interval: Option<Duration>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum IntegrationKind {
    PagerDuty,
    Slack,
    Email,
    Webhook,
    OpsGenie,
    VictorOps,
    Pushover,
    Telegram,
    Discord,
    Webex,
    Sns,
    MsTeams,
}

impl IntegrationKind {
    /// The receiver key Alertmanager lists these under: `pagerduty_configs`.
    pub(crate) fn configs_key(self) -> &'static str {
        match self {
            IntegrationKind::PagerDuty => "pagerduty_configs",
            IntegrationKind::Slack => "slack_configs",
            IntegrationKind::Email => "email_configs",
            IntegrationKind::Webhook => "webhook_configs",
            IntegrationKind::OpsGenie => "opsgenie_configs",
            IntegrationKind::VictorOps => "victorops_configs",
            IntegrationKind::Pushover => "pushover_configs",
            IntegrationKind::Telegram => "telegram_configs",
            IntegrationKind::Discord => "discord_configs",
            IntegrationKind::Webex => "webex_configs",
            IntegrationKind::Sns => "sns_configs",
            IntegrationKind::MsTeams => "msteams_configs",
        }
    }

    /// The service's name, for people.
    pub(crate) fn title(self) -> &'static str {
        match self {
            IntegrationKind::PagerDuty => "PagerDuty",
            IntegrationKind::Slack => "Slack",
            IntegrationKind::Email => "Email",
            IntegrationKind::Webhook => "Webhook",
            IntegrationKind::OpsGenie => "Opsgenie",
            IntegrationKind::VictorOps => "VictorOps",
            IntegrationKind::Pushover => "Pushover",
            IntegrationKind::Telegram => "Telegram",
            IntegrationKind::Discord => "Discord",
            IntegrationKind::Webex => "Webex",
            IntegrationKind::Sns => "Amazon SNS",
            IntegrationKind::MsTeams => "Microsoft Teams",
        }
    }

    /// Whether it wakes someone up: an incident service with on-call schedules.
    pub(crate) fn pages(self) -> bool {
        matches!(
            self,
            IntegrationKind::PagerDuty | IntegrationKind::OpsGenie | IntegrationKind::VictorOps
        )
    }
}

/// A setting's value, typed as Alertmanager reads it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SettingValue {
    Bool(bool),
    Int(i64),
    Text(String),
}

impl SettingValue {
    pub(crate) fn text(&self) -> String {
        match self {
            SettingValue::Bool(b) => b.to_string(),
            SettingValue::Int(n) => n.to_string(),
            SettingValue::Text(t) => t.clone(),
        }
    }
}

pub(crate) type Settings = BTreeMap<String, SettingValue>;

#[derive(Debug)]
pub(crate) struct Integration {
    pub kind: IntegrationKind,
    /// As written, flat (`proxy_url`, `subject`); the emitter nests what Alertmanager nests.
    pub settings: Settings,
}

/// Alertmanager's global settings and the notification templates the source brings.
#[derive(Debug, Default)]
pub(crate) struct AlertmanagerGlobal {
    pub settings: Settings,
    pub templates: Vec<NotificationTemplate>,
}

/// The notification templates the compiler writes into `alertmanager/watchbook.tmpl`, which
/// receivers use unless they set the field themselves. Sources may call them, not redefine
/// them: every name starting `watchbook.` is ours.
pub(crate) const GENERATED_TEMPLATES: [&str; 15] = [
    "watchbook.title",
    "watchbook.summary",
    "watchbook.text",
    "watchbook.markdown",
    "watchbook.plain",
    "watchbook.html",
    "watchbook.telegram",
    "watchbook.labels",
    "watchbook.runbook_url",
    "watchbook.dashboard_url",
    "watchbook.color",
    "watchbook.pagerduty.severity",
    "watchbook.opsgenie.priority",
    "watchbook.victorops.message_type",
    "watchbook.pushover.priority",
];

/// A notification template file from the rules directory.
#[derive(Debug)]
pub(crate) struct NotificationTemplate {
    /// Where it goes below `alertmanager/`: `templates/team.tmpl`.
    pub path: String,
    pub text: String,
}

#[derive(Debug)]
pub(crate) struct Receiver {
    pub name: String,
    pub span: Span,
    pub integrations: Vec<Integration>,
    pub description: Option<String>,
}

#[derive(Debug)]
pub(crate) struct Team {
    pub name: String,
    /// Severity and the receivers that replace the severity's own for this team.
    pub routes: Vec<(usize, Vec<usize>)>,
}

#[derive(Debug)]
pub(crate) struct Inhibit {
    pub name: String,
    pub span: Span,
    pub source: Vec<Matcher>,
    pub target: Vec<Matcher>,
    pub equal: Vec<String>,
}

#[derive(Debug)]
pub(crate) struct EscalationLevel {
    pub name: String,
    pub contact: String,
    pub response: Option<Duration>,
    pub scope: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug)]
pub(crate) struct RouteTest {
    pub name: String,
    pub span: Span,
    pub labels: Labels,
    pub expect: Vec<usize>,
    /// The instant of the test: then the receivers muted by time intervals do not count.
    pub at: Option<jiff::Timestamp>,
}

/// A node of Alertmanager's routing tree.
#[derive(Debug, Default)]
pub(crate) struct Route {
    pub matchers: Vec<Matcher>,
    /// The regex matchers compiled (anchored, as Alertmanager anchors them), by position.
    pub regexes: Vec<Option<regex::Regex>>,
    /// Time intervals that mute the route, and those outside which it is muted.
    pub mute: Vec<usize>,
    pub active: Vec<usize>,
    /// Where a route written by hand stands in the source.
    pub span: Option<Span>,
    /// `None` inherits the parent's receiver.
    pub receiver: Option<usize>,
    pub continue_: bool,
    pub timing: Timing,
    pub routes: Vec<Route>,
}

/// Routing for the whole source: the tree and the root's settings.
#[derive(Debug, Default)]
pub(crate) struct Routing {
    pub root: Route,
    pub span: Option<Span>,
}

#[derive(Debug)]
pub(crate) struct Query {
    pub name: String,
    pub title: String,
    pub language: QueryLanguage,
    /// The query as written, dedented, with `$selector` still in it.
    pub text: String,
    pub unit: Unit,
    /// Whether the source says the unit (`unit none` included).
    pub unit_declared: bool,
    pub topic: Option<String>,
    /// Where the unit is declared (the query's name when it is implicit).
    pub unit_span: Span,
    pub description: Option<String>,
    pub span: Span,
    /// A binary expression: parenthesised before a threshold comparison.
    pub binary: bool,
    /// Yields an instant vector or scalar, so a rule may use it.
    pub rule_value: bool,
}

#[derive(Debug)]
pub(crate) struct Bound {
    pub level: Level,
    pub comparison: Comparison,
    /// In the query's unit; the lower end of a band.
    pub value: f64,
    /// The upper end of a band.
    pub upper: Option<f64>,
    /// As the user wrote it (`10%`, `30s`, `0.9 and 1`): what people read in summaries and
    /// the runbook.
    pub shown: String,
    /// As prose says it: durations in words (`30 seconds`), everything else as `shown`.
    pub spoken: String,
    pub span: Span,
}

impl Bound {
    /// Whether a value lies where this level says (for a target, where it is healthy).
    pub(crate) fn holds(&self, value: f64) -> bool {
        let v = self.value;
        match self.comparison {
            Comparison::Above => value > v,
            Comparison::Below => value < v,
            Comparison::AtLeast => value >= v,
            Comparison::AtMost => value <= v,
            Comparison::Equal => value == v,
            Comparison::NotEqual => value != v,
            Comparison::Between => value >= v && self.upper.is_some_and(|u| value <= u),
        }
    }

    /// `> 10%`, `between 0.9 and 1`: the level as people read it.
    pub(crate) fn described(&self) -> String {
        match self.comparison.operator() {
            Some(op) => format!("{op} {}", self.shown),
            None => format!("between {}", self.shown),
        }
    }
}

#[derive(Debug)]
pub(crate) struct Threshold {
    pub name: String,
    pub query: usize,
    /// Sorted by level: target, warning, critical.
    pub bounds: Vec<Bound>,
    /// The name in the runbook's key metrics table, if listed there.
    pub metric: Option<String>,
    pub description: Option<String>,
    /// Why it was last changed, as the source says.
    pub reason: Option<String>,
}

impl Threshold {
    pub(crate) fn bound(&self, level: Level) -> Option<&Bound> {
        self.bounds.iter().find(|b| b.level == level)
    }
}

#[derive(Debug)]
pub(crate) enum Condition {
    Threshold {
        threshold: usize,
        level: Level,
    },
    /// A raw expression, with the named queries it refers to (`${name}`).
    Expr {
        queries: Vec<usize>,
    },
    /// The page or ticket alert of an SLO.
    Slo {
        slo: usize,
        kind: BurnKind,
    },
    /// An SLO's alert for missing series: the metrics its SLI counts.
    SloAbsent {
        slo: usize,
        metrics: Vec<String>,
    },
}

impl Condition {
    /// An alert the compiler writes for an SLO: its summary, steps and `for` are generated.
    pub(crate) fn is_slo(&self) -> bool {
        matches!(self, Condition::Slo { .. } | Condition::SloAbsent { .. })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BurnKind {
    Page,
    Ticket,
}

impl BurnKind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            BurnKind::Page => "page",
            BurnKind::Ticket => "ticket",
        }
    }
}

/// Alert when both windows burn faster than `factor` times the sustainable rate.
#[derive(Debug, Clone)]
pub(crate) struct BurnWindow {
    pub kind: BurnKind,
    pub long: Duration,
    pub short: Duration,
    /// The share of the period's error budget the long window may consume.
    pub share: f64,
    pub factor: f64,
    /// How long the pair must burn before its rule fires (a rule per pair: `per_pair`, `pyrra`).
    pub for_: Option<Duration>,
}

/// How an SLO's window pairs become alert rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AlertStyle {
    /// Sloth's: one rule per kind, its pairs or'ed.
    Sloth,
    /// Sloth's recordings, one rule per pair with its own `for` and `long`, `short`,
    /// `exhaustion` and `slo` labels (OpenSLO's conditions, each with its `alertAfter`).
    PerPair,
    /// Pyrra's whole output: `<metric>:burnrate<W>` recordings labelled `slo`, a rule per
    /// pair in Pyrra's words and labels, and the absent alert.
    Pyrra,
}

/// Where an SLO's error ratios are recorded, in its style, and how dashboards and
/// investigation steps read them: Sloth's `slo:sli_error:ratio_rate<W>` with its metadata
/// recordings, or Pyrra's `<metric>:burnrate<W>`.
#[derive(Debug, Clone)]
pub(crate) struct SloSeries {
    pub style: AlertStyle,
    /// The recording's name before the window: `slo:sli_error:ratio_rate`, `http_requests:burnrate`.
    pub prefix: String,
    /// The shortest window recorded: the "current" error ratio.
    pub shortest: super::duration::Duration,
    pub period: super::duration::Duration,
    pub budget: f64,
}

impl SloSeries {
    /// The recording of the error ratio over `window`.
    pub(crate) fn ratio(&self, window: super::duration::Duration) -> String {
        format!("{}{}", self.prefix, self.window(window))
    }

    /// A window as the recordings name it: Sloth's `30d`, Pyrra's `4w`.
    fn window(&self, window: super::duration::Duration) -> String {
        match self.style {
            AlertStyle::Pyrra => window.to_string(),
            _ => window.window_name(),
        }
    }

    /// The error ratio now, over the shortest window, of the series `selector` picks.
    pub(crate) fn current_ratio(&self, selector: &str) -> String {
        format!("{}{{{selector}}}", self.ratio(self.shortest))
    }

    /// The burn rate now: the current error ratio over the budget.
    pub(crate) fn burn_rate(&self, selector: &str) -> String {
        match self.style {
            AlertStyle::Sloth | AlertStyle::PerPair => {
                format!("slo:current_burn_rate:ratio{{{selector}}}")
            }
            AlertStyle::Pyrra => format!(
                "{} / {}",
                self.current_ratio(selector),
                super::slo::tidy(self.budget)
            ),
        }
    }

    /// The share of the period's error budget left (Sloth records it; Pyrra's is the mean of
    /// the shortest window's ratio over the period, as Sloth computes its period ratio).
    pub(crate) fn budget_left(&self, selector: &str) -> String {
        match self.style {
            AlertStyle::Sloth | AlertStyle::PerPair => {
                format!("slo:period_error_budget_remaining:ratio{{{selector}}}")
            }
            AlertStyle::Pyrra => format!(
                "1 - avg_over_time({}[{}]) / {}",
                self.current_ratio(selector),
                self.period,
                super::slo::tidy(self.budget)
            ),
        }
    }

    /// The burn rate of each of `windows`, a series per window.
    pub(crate) fn burn_rates(
        &self,
        windows: &[super::duration::Duration],
        selector: &str,
    ) -> String {
        let names: Vec<String> = windows.iter().map(|w| self.window(*w)).collect();
        format!(
            "{{__name__=~\"{}({})\", {selector}}} / {}",
            self.prefix,
            names.join("|"),
            super::slo::tidy(self.budget)
        )
    }
}

/// One SLO in one environment.
#[derive(Debug)]
pub(crate) struct SloInstance {
    pub environment: Option<usize>,
    /// The `sloth_*` labels and the scope's: on every recording of this instance.
    pub labels: Labels,
}

#[derive(Debug)]
pub(crate) struct SloCheck {
    pub at: Duration,
    pub span: Span,
    /// The alert checked; `None` (only when quiet) checks both.
    pub kind: Option<BurnKind>,
    /// The labels of the alert's result when it fires; `None` when it stays quiet.
    pub fires: Option<Labels>,
}

#[derive(Debug)]
pub(crate) struct SloExample {
    pub name: String,
    pub span: Span,
    pub instance: usize,
    pub series: Vec<(String, String)>,
    pub checks: Vec<SloCheck>,
}

#[derive(Debug)]
pub(crate) struct Slo {
    pub name: String,
    pub title: String,
    pub span: Span,
    /// Index into the model's rule groups.
    pub group: usize,
    /// As a ratio: 0.999.
    pub objective: f64,
    pub objective_shown: String,
    pub period: Duration,
    pub windows: Vec<BurnWindow>,
    pub style: AlertStyle,
    pub instances: Vec<SloInstance>,
    /// The name in its rules (`sloth_slo`) and its service (`sloth_service`): together they
    /// identify the SLO.
    pub id: String,
    pub service: String,
    /// The page and ticket alerts; `None` when turned off.
    pub page_alert: Option<usize>,
    pub ticket_alert: Option<usize>,
    /// The names of the page and ticket alerts (the same one when they share it).
    pub alert_names: [Option<String>; 2],
    pub examples: Vec<SloExample>,
    pub series: SloSeries,
    /// Picks the recordings of every instance: `sloth_service="..", sloth_slo=".."`, `slo=".."`.
    pub selector: String,
}

/// One Prometheus rule generated from an alert: one per environment the alert covers.
#[derive(Debug)]
pub(crate) struct AlertRule {
    pub environment: Option<usize>,
    pub for_: Option<Duration>,
    pub keep_firing_for: Option<Duration>,
    pub expr: String,
    pub labels: Labels,
    pub annotations: Labels,
}

#[derive(Debug)]
pub(crate) struct Step {
    pub title: String,
    pub items: Vec<(StepKind, String)>,
}

#[derive(Debug)]
pub(crate) struct ExampleCheck {
    pub at: Duration,
    pub span: Span,
    /// The variant checked, by severity, in an alert with variants; `None` checks them all
    /// (only when quiet) or the only one.
    pub severity: Option<usize>,
    /// The labels of the query's result when the alert fires; `None` when it must stay quiet.
    pub fires: Option<Labels>,
}

#[derive(Debug)]
pub(crate) struct Example {
    pub name: String,
    pub span: Span,
    /// Index into the alert's rules.
    pub rule: usize,
    pub series: Vec<(String, String)>,
    pub checks: Vec<ExampleCheck>,
}

/// One alert rule set: an alert declaration without variants, or one variant of it (the
/// variants of a declaration follow each other in the model, the first one primary).
#[derive(Debug)]
pub(crate) struct Alert {
    pub name: String,
    /// The alert's name; for a variant, where the variant is written.
    pub span: Span,
    /// Index into the model's rule groups.
    pub group: usize,
    /// Where the declaration stands in the sources: rules keep this order within a group.
    pub order: (usize, usize),
    /// The first (or only) variant of its declaration: it owns the runbook section and the
    /// examples, which check every variant.
    pub primary: bool,
    /// The index of the declaration's primary alert in the model (its own when primary).
    pub declaration: usize,
    /// The `runbook_url` annotation points elsewhere than our runbook (or is left out).
    pub external_runbook: bool,
    /// PromQL (Prometheus and its kin evaluate it) or LogQL (Loki's ruler does).
    pub language: QueryLanguage,
    pub severity: usize,
    pub severity_span: Span,
    pub condition: Condition,
    pub for_: Option<Duration>,
    pub keep_firing_for: Option<Duration>,
    pub rules: Vec<AlertRule>,
    /// Twins of `rules` that fire once the alert has lasted its severity's escalation delay.
    pub escalations: Vec<AlertRule>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub investigate: Vec<Step>,
    pub causes: Vec<String>,
    pub resolve: Vec<Step>,
    pub examples: Vec<Example>,
    /// The anchor of the alert's runbook section.
    pub anchor: String,
    /// The runbook page of its section when the runbook is split by team (its team's slug,
    /// or `shared`); `None` in a one-document runbook.
    pub page: Option<String>,
    /// Why it was last changed, as the source says.
    pub reason: Option<String>,
}

#[derive(Debug)]
pub(crate) struct RecordRule {
    pub environment: Option<usize>,
    pub expr: String,
    pub labels: RecordLabels,
}

/// A recording rule's labels: a map it may share with other rules (an SLO's recordings of one
/// instance share theirs: 14 rules, one map) and the few of its own, which win over the
/// shared ones of the same name. At 1,000 SLOs this keeps 28,000 copies of one map out of
/// memory.
#[derive(Debug, Clone, Default)]
pub(crate) struct RecordLabels {
    shared: std::sync::Arc<Labels>,
    /// Sorted by name.
    own: Vec<(String, String)>,
}

impl RecordLabels {
    pub(crate) fn new(shared: std::sync::Arc<Labels>) -> RecordLabels {
        RecordLabels {
            shared,
            own: Vec::new(),
        }
    }

    /// With `name` set to `value`, over a shared label of that name.
    pub(crate) fn with(mut self, name: &str, value: String) -> RecordLabels {
        match self.own.binary_search_by(|(n, _)| n.as_str().cmp(name)) {
            Ok(at) => self.own[at].1 = value,
            Err(at) => self.own.insert(at, (name.to_string(), value)),
        }
        self
    }

    /// Every label, by name.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        let mut shared = self
            .shared
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .peekable();
        let mut own = self
            .own
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .peekable();
        std::iter::from_fn(move || match (shared.peek(), own.peek()) {
            (Some(s), Some(o)) if s.0 < o.0 => shared.next(),
            (Some(s), Some(o)) if s.0 == o.0 => {
                shared.next();
                own.next()
            }
            (_, Some(_)) => own.next(),
            (Some(_), None) => shared.next(),
            (None, None) => None,
        })
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.shared.is_empty() && self.own.is_empty()
    }
}

impl From<Labels> for RecordLabels {
    fn from(labels: Labels) -> RecordLabels {
        RecordLabels::new(std::sync::Arc::new(labels))
    }
}

#[derive(Debug)]
pub(crate) struct Record {
    pub name: String,
    pub span: Span,
    /// Index into the model's rule groups.
    pub group: usize,
    /// Where the declaration stands in the sources: rules keep this order within a group.
    pub order: (usize, usize),
    /// The named queries its expression refers to (`${name}`).
    pub queries: Vec<usize>,
    /// PromQL, or LogQL for Loki's ruler.
    pub language: QueryLanguage,
    pub rules: Vec<RecordRule>,
    pub description: Option<String>,
}

/// Grafana threshold steps: from a value (or from the bottom) on, a colour.
pub(crate) type Steps = Vec<(Option<f64>, &'static str)>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PanelKind {
    Row,
    TimeSeries,
    Stat,
    Gauge,
    BarGauge,
    Table,
    Logs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Grid {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
}

#[derive(Debug)]
pub(crate) struct Target {
    pub language: QueryLanguage,
    pub expr: String,
    pub legend: Option<String>,
    pub ref_id: String,
    /// The named query the target shows; `None` for generated ones (SLO rows).
    pub query: Option<usize>,
}

#[derive(Debug)]
pub(crate) struct Panel {
    pub id: u32,
    pub kind: PanelKind,
    pub title: String,
    pub description: Option<String>,
    pub grid: Grid,
    pub targets: Vec<Target>,
    /// A Grafana unit id.
    pub unit: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub thresholds: Option<usize>,
    /// Steps computed by the compiler (SLO rows), when there is no threshold declaration.
    pub steps: Option<Steps>,
    /// (title, url) of the runbook sections of alerts about this panel.
    pub runbook: Vec<(String, String)>,
    pub span: Span,
}

#[derive(Debug)]
pub(crate) struct Variable {
    pub name: String,
    pub query: String,
    /// The label whose values the variable lists, matched by `$selector`.
    pub label: Option<String>,
}

#[derive(Debug)]
pub(crate) struct DashboardLink {
    pub title: String,
    pub url: String,
}

#[derive(Debug)]
pub(crate) struct Dashboard {
    pub name: String,
    pub uid: String,
    pub title: String,
    pub folder: Option<String>,
    pub tags: Vec<String>,
    pub refresh: Option<Duration>,
    pub time: Duration,
    pub description: Option<String>,
    pub environment: Option<usize>,
    pub variables: Vec<Variable>,
    pub links: Vec<DashboardLink>,
    /// Rows and panels in order; a row's panels follow it.
    pub panels: Vec<Panel>,
    pub span: Span,
}

#[cfg(test)]
mod tests {
    use super::{Labels, RecordLabels};

    #[test]
    fn a_recordings_own_labels_join_the_shared_ones_in_order_and_win() {
        let shared: Labels = [("b", "shared"), ("d", "shared"), ("f", "shared")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let labels = RecordLabels::from(shared)
            .with("e", "own".into())
            .with("a", "own".into())
            .with("d", "own".into())
            .with("g", "own".into())
            .with("a", "again".into());
        let all: Vec<(&str, &str)> = labels.iter().collect();
        assert_eq!(
            all,
            [
                ("a", "again"),
                ("b", "shared"),
                ("d", "own"),
                ("e", "own"),
                ("f", "shared"),
                ("g", "own")
            ]
        );
        assert!(!labels.is_empty());
        assert!(RecordLabels::default().is_empty());
    }
}
