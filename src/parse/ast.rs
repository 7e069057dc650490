//! The typed syntax tree: what each file says, with spans, before any name is resolved.

use crate::source::Spanned;

pub(crate) type Ident = Spanned<String>;
pub(crate) type Text = Spanned<String>;

/// One parsed file.
#[derive(Debug, Default)]
pub(crate) struct SourceAst {
    pub imports: Vec<Text>,
    pub declarations: Vec<Declaration>,
}

#[derive(Debug)]
pub(crate) enum Declaration {
    Project(Project),
    Environment(Environment),
    Service(Service),
    Severity(Box<Severity>),
    Query(Query),
    Threshold(Threshold),
    Alert(Box<Alert>),
    Record(Record),
    Receiver(Receiver),
    Routing(Routing),
    Team(Team),
    Inhibit(Inhibit),
    Escalation(Escalation),
    RouteTest(RouteTest),
    Dashboard(Box<Dashboard>),
    Component(Component),
    Section(Section),
    Scenario(Scenario),
    Appendix(Appendix),
    Slo(Box<Slo>),
    SloDefaults(SloDefaults),
    Policy(Policy),
    Group(RuleGroup),
    Target(Target),
    Route(RouteDecl),
    TimeInterval(TimeInterval),
    Alertmanager(AlertmanagerBlock),
}

/// `alertmanager { resolve_timeout 5m  templates ["team.tmpl"] }`: global settings.
#[derive(Debug)]
pub(crate) struct AlertmanagerBlock {
    pub span: crate::source::Span,
    pub settings: Vec<(Ident, Text)>,
    /// Template files, relative to the declaring file.
    pub templates: Vec<Text>,
    pub description: Option<Text>,
}

/// `route "title" { match { ... } notify [...] ... }`: a route of the tree.
#[derive(Debug)]
pub(crate) struct RouteDecl {
    pub title: Option<Text>,
    /// The `route` keyword: where the route is written.
    pub span: crate::source::Span,
    pub matchers: Vec<Matcher>,
    pub notify: Option<Spanned<Vec<Ident>>>,
    pub continue_: Option<Spanned<bool>>,
    pub timing: Timing,
    pub mute: Option<Spanned<Vec<Ident>>>,
    pub active: Option<Spanned<Vec<Ident>>>,
    pub description: Option<Text>,
    pub routes: Vec<RouteDecl>,
}

/// `time_interval NAME { period { ... } ... }`.
#[derive(Debug)]
pub(crate) struct TimeInterval {
    pub name: Ident,
    pub periods: Vec<Period>,
    pub description: Option<Text>,
}

/// One alternative of a time interval: every field given must hold.
#[derive(Debug, Default)]
pub(crate) struct Period {
    pub span: Option<crate::source::Span>,
    pub weekdays: Vec<Text>,
    pub times: Vec<Text>,
    pub days_of_month: Vec<Text>,
    pub months: Vec<Text>,
    pub years: Vec<Text>,
    pub location: Option<Text>,
}

/// `target KIND { settings }`: an output the rules are compiled for.
#[derive(Debug)]
pub(crate) struct Target {
    pub kind: Ident,
    pub settings: Vec<(Ident, Text)>,
    pub labels: Vec<LabelPair>,
    pub description: Option<Text>,
}

#[derive(Debug)]
pub(crate) struct Project {
    pub name: Text,
    pub runbook_url: Option<Text>,
    pub scrape_interval: Option<Text>,
    pub evaluation_interval: Option<Text>,
    pub prometheus_version: Option<Text>,
    pub prometheus_features: Vec<Text>,
    pub alertmanager_version: Option<Text>,
    pub description: Option<Text>,
    /// What "every service in every environment" reads as in the runbook's queries.
    pub selector: Vec<Matcher>,
    pub grafana_url: Option<Text>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MatchOp {
    Equal,
    NotEqual,
    Regex,
    NotRegex,
}

#[derive(Debug, Clone)]
pub(crate) struct Matcher {
    pub label: Ident,
    pub op: MatchOp,
    pub value: Text,
}

#[derive(Debug, Clone)]
pub(crate) struct LabelPair {
    pub name: Ident,
    pub value: Text,
}

#[derive(Debug)]
pub(crate) struct Environment {
    pub name: Ident,
    pub namespace: Option<Text>,
    pub selector: Vec<Matcher>,
    pub labels: Vec<LabelPair>,
    pub description: Option<Text>,
}

#[derive(Debug)]
pub(crate) struct Service {
    pub name: Ident,
    pub team: Option<Text>,
    pub selector: Vec<Matcher>,
    pub log_selector: Option<Vec<Matcher>>,
    pub environments: Option<Spanned<Vec<Ident>>>,
    pub labels: Vec<LabelPair>,
    pub description: Option<Text>,
}

#[derive(Debug)]
pub(crate) enum Response {
    Within(Text),
    BestEffort,
}

/// Alertmanager's grouping and timing, on the routing root or a severity.
#[derive(Debug, Default)]
pub(crate) struct Timing {
    pub group_by: Option<Spanned<Vec<Ident>>>,
    pub group_wait: Option<Text>,
    pub group_interval: Option<Text>,
    pub repeat_interval: Option<Text>,
}

#[derive(Debug)]
pub(crate) struct Escalate {
    pub after: Text,
    pub notify: Spanned<Vec<Ident>>,
}

#[derive(Debug)]
pub(crate) struct Severity {
    pub name: Ident,
    pub response: Option<Spanned<Response>>,
    pub notify: Option<Spanned<Vec<Ident>>>,
    pub timing: Timing,
    pub escalate: Option<Escalate>,
    pub description: Option<Text>,
}

#[derive(Debug)]
pub(crate) struct Integration {
    pub kind: Ident,
    pub settings: Vec<(Ident, Text)>,
}

#[derive(Debug)]
pub(crate) struct Receiver {
    pub name: Ident,
    pub integrations: Vec<Integration>,
    pub description: Option<Text>,
}

#[derive(Debug)]
pub(crate) struct Routing {
    pub span: crate::source::Span,
    pub default: Option<Ident>,
    pub timing: Timing,
}

#[derive(Debug)]
pub(crate) struct Team {
    pub name: Ident,
    /// Severity and the receivers that replace its own for this team.
    pub routes: Vec<(Ident, Spanned<Vec<Ident>>)>,
    pub description: Option<Text>,
}

#[derive(Debug)]
pub(crate) struct Inhibit {
    pub name: Text,
    pub source: Vec<Matcher>,
    pub target: Vec<Matcher>,
    pub equal: Vec<Ident>,
}

#[derive(Debug)]
pub(crate) struct Escalation {
    pub name: Ident,
    pub contact: Text,
    pub response: Option<Spanned<Response>>,
    pub scope: Option<Text>,
    pub description: Option<Text>,
}

#[derive(Debug)]
pub(crate) struct RouteTest {
    pub name: Text,
    pub labels: Vec<LabelPair>,
    pub expect: Option<Spanned<Vec<Ident>>>,
    /// The instant the test notifies at, for time intervals.
    pub at: Option<Text>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QueryLanguage {
    PromQl,
    LogQl,
}

#[derive(Debug)]
pub(crate) struct Query {
    pub name: Ident,
    pub title: Option<Text>,
    pub body: Option<(QueryLanguage, Text)>,
    pub unit: Option<Ident>,
    pub topic: Option<Text>,
    pub description: Option<Text>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Level {
    Target,
    Warning,
    Critical,
}

/// The side of a threshold's value where a level lies, for comparisons that have one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    Above,
    Below,
}

/// How a threshold level compares a query's value with its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Comparison {
    /// `above`, `>`.
    Above,
    /// `below`, `<`.
    Below,
    /// `at_least`, `>=`.
    AtLeast,
    /// `at_most`, `<=`.
    AtMost,
    /// `equal`, `==`.
    Equal,
    /// `not_equal`, `!=`.
    NotEqual,
    /// `between A and B`: the closed interval.
    Between,
}

impl Comparison {
    pub(crate) fn from_word(word: &str) -> Option<Comparison> {
        Some(match word {
            "above" | ">" => Comparison::Above,
            "below" | "<" => Comparison::Below,
            "at_least" | ">=" => Comparison::AtLeast,
            "at_most" | "<=" => Comparison::AtMost,
            "equal" | "==" => Comparison::Equal,
            "not_equal" | "!=" => Comparison::NotEqual,
            "between" => Comparison::Between,
            _ => return None,
        })
    }

    /// The word the formatter writes.
    pub(crate) fn word(self) -> &'static str {
        match self {
            Comparison::Above => "above",
            Comparison::Below => "below",
            Comparison::AtLeast => "at_least",
            Comparison::AtMost => "at_most",
            Comparison::Equal => "equal",
            Comparison::NotEqual => "not_equal",
            Comparison::Between => "between",
        }
    }

    /// The PromQL operator; `None` for a band, which takes two.
    pub(crate) fn operator(self) -> Option<&'static str> {
        Some(match self {
            Comparison::Above => ">",
            Comparison::Below => "<",
            Comparison::AtLeast => ">=",
            Comparison::AtMost => "<=",
            Comparison::Equal => "==",
            Comparison::NotEqual => "!=",
            Comparison::Between => return None,
        })
    }

    /// Which side of the value the level covers, when it covers one side.
    pub(crate) fn direction(self) -> Option<Direction> {
        match self {
            Comparison::Above | Comparison::AtLeast => Some(Direction::Above),
            Comparison::Below | Comparison::AtMost => Some(Direction::Below),
            _ => None,
        }
    }

    /// The comparison that holds exactly where this one does not (for a target, whose alert
    /// fires outside it). `above`/`below` keep their historical strict opposites.
    pub(crate) fn outside(self) -> Comparison {
        match self {
            Comparison::Above => Comparison::Below,
            Comparison::Below => Comparison::Above,
            Comparison::AtLeast => Comparison::Below,
            Comparison::AtMost => Comparison::Above,
            Comparison::Equal => Comparison::NotEqual,
            Comparison::NotEqual => Comparison::Equal,
            Comparison::Between => Comparison::Between,
        }
    }
}

#[derive(Debug)]
pub(crate) struct Bound {
    pub level: Spanned<Level>,
    pub comparison: Spanned<Comparison>,
    pub value: Text,
    /// The upper end of a band (`between value and upper`).
    pub upper: Option<Text>,
}

#[derive(Debug)]
pub(crate) struct Threshold {
    pub name: Ident,
    pub query: Option<Ident>,
    pub bounds: Vec<Bound>,
    pub metric: Option<Text>,
    pub description: Option<Text>,
    pub reason: Option<Text>,
}

#[derive(Debug)]
pub(crate) struct When {
    pub threshold: Ident,
    pub level: Spanned<Level>,
    /// `when ... for 5m`.
    pub for_: Option<Text>,
    pub span: crate::source::Span,
}

#[derive(Debug)]
pub(crate) enum ServiceScope {
    All,
    Listed(Vec<Ident>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StepKind {
    Run,
    PromQl,
    LogQl,
    Sql,
    Note,
}

#[derive(Debug)]
pub(crate) struct StepItem {
    pub kind: StepKind,
    pub text: Text,
}

#[derive(Debug)]
pub(crate) struct Step {
    pub title: Text,
    pub items: Vec<StepItem>,
}

/// `fires at 10m { ... }` (labels present) or `quiet at 4m` (labels absent).
#[derive(Debug)]
pub(crate) struct ExampleCheck {
    pub at: Text,
    pub fires: Option<Vec<LabelPair>>,
    /// `page` or `ticket` in an SLO's example; a variant's severity in an alert's.
    pub which: Option<Ident>,
}

#[derive(Debug)]
pub(crate) struct Example {
    pub name: Text,
    pub series: Vec<(Text, Text)>,
    pub checks: Vec<ExampleCheck>,
    pub environment: Option<Ident>,
}

/// The parts shared by alerts and recording rules: where they apply and what they add.
#[derive(Debug, Default)]
pub(crate) struct Scope {
    pub services: Option<Spanned<ServiceScope>>,
    pub environments: Option<Spanned<Vec<Ident>>>,
    pub labels: Vec<LabelPair>,
}

/// What a variant of an alert may set; the alert's own fields are the defaults.
#[derive(Debug, Default)]
pub(crate) struct RuleBody {
    /// One `when` per variant; several at the alert's top level make a variant each.
    pub whens: Vec<When>,
    pub expr: Option<Text>,
    /// `logql `...``: a raw LogQL condition, for Loki's ruler.
    pub logql: Option<Text>,
    pub for_: Option<Text>,
    pub keep_firing_for: Option<Text>,
    pub labels: Vec<LabelPair>,
    pub annotations: Vec<LabelPair>,
    pub summary: Option<Text>,
    pub description: Option<Text>,
}

/// `severity critical { ... }` inside an alert.
#[derive(Debug)]
pub(crate) struct Variant {
    pub severity: Ident,
    pub body: RuleBody,
}

/// `runbook_url "..."` or `runbook_url none` on an alert.
#[derive(Debug)]
pub(crate) enum RunbookUrl {
    Url(Text),
    None(crate::source::Span),
}

#[derive(Debug)]
pub(crate) struct Alert {
    pub name: Ident,
    pub severity: Option<Ident>,
    /// Condition, timing, labels (besides the scope's) and texts of an alert without variants,
    /// and the defaults of its variants.
    pub body: RuleBody,
    pub variants: Vec<Variant>,
    pub scope: Scope,
    pub runbook_url: Option<RunbookUrl>,
    /// Why the last change was made (`watchbook diff`, change policies).
    pub reason: Option<Text>,
    pub group: Option<Ident>,
    pub investigate: Vec<Step>,
    pub causes: Vec<Text>,
    pub resolve: Vec<Step>,
    pub examples: Vec<Example>,
}

#[derive(Debug)]
pub(crate) struct Record {
    pub name: Text,
    pub expr: Option<Text>,
    /// `logql `...``: a LogQL recording rule, for Loki's ruler.
    pub logql: Option<Text>,
    pub scope: Scope,
    pub group: Option<Ident>,
    pub description: Option<Text>,
}

/// `group NAME "title" { interval 1m ... }`: a Prometheus rule group.
#[derive(Debug)]
pub(crate) struct RuleGroup {
    pub name: Ident,
    pub title: Option<Text>,
    pub interval: Option<Text>,
    pub limit: Option<Text>,
    pub query_offset: Option<Text>,
    pub labels: Vec<LabelPair>,
    pub description: Option<Text>,
    /// Alerts and records written inside the group (each with `group` naming it).
    pub rules: Vec<Declaration>,
}

#[derive(Debug)]
pub(crate) enum Link {
    Dashboard(Ident),
    Url { title: Text, url: Text },
}

#[derive(Debug)]
pub(crate) struct Panel {
    pub kind: Ident,
    pub title: Text,
    pub queries: Vec<(Ident, Option<Text>)>,
    pub thresholds: Option<Ident>,
    pub unit: Option<Text>,
    pub min: Option<Text>,
    pub max: Option<Text>,
    pub size: Option<Spanned<(u32, u32)>>,
    pub at: Option<Spanned<(u32, u32)>>,
    pub runbook: Vec<Ident>,
    pub description: Option<Text>,
}

#[derive(Debug)]
pub(crate) enum DashboardItem {
    Row { title: Text, panels: Vec<Panel> },
    Panel(Box<Panel>),
    Slo(Ident),
}

#[derive(Debug)]
pub(crate) struct Dashboard {
    pub name: Ident,
    pub title: Text,
    pub folder: Option<Text>,
    pub tags: Vec<Text>,
    pub refresh: Option<Text>,
    pub time: Option<Text>,
    pub scope: Scope,
    pub variables: Vec<(Ident, Text)>,
    pub links: Vec<Link>,
    pub description: Option<Text>,
    pub items: Vec<DashboardItem>,
}

#[derive(Debug)]
pub(crate) struct Component {
    pub name: Ident,
    pub title: Text,
    pub purpose: Option<Text>,
    pub access: Option<Text>,
    pub port: Option<Text>,
    pub description: Option<Text>,
}

#[derive(Debug)]
pub(crate) struct Section {
    pub name: Ident,
    /// The chapter's heading, when not the built-in one.
    pub title: Option<Text>,
    pub markdown: Text,
}

#[derive(Debug)]
pub(crate) struct Scenario {
    pub title: Text,
    pub symptoms: Vec<Text>,
    pub investigate: Vec<Step>,
    pub resolve: Vec<Step>,
}

#[derive(Debug)]
pub(crate) struct Appendix {
    pub title: Text,
    pub language: Ident,
    pub entries: Vec<(Text, Text)>,
}

/// `page NAME { labels { ... } }` or `page off`.
#[derive(Debug, Clone)]
pub(crate) struct SloAlert {
    pub span: crate::source::Span,
    /// `None` keeps the default name.
    pub name: Option<Ident>,
    /// `page off`: no such alert.
    pub off: bool,
    pub labels: Vec<LabelPair>,
    pub annotations: Vec<LabelPair>,
    pub for_: Option<Text>,
}

#[derive(Debug)]
pub(crate) enum Sli {
    /// `sli raw `...``: the error ratio as written.
    Raw {
        ratio: Text,
    },
    Ratio {
        errors: Text,
        total: Text,
    },
    Latency {
        histogram: Text,
        below: Text,
    },
    /// `pooled`: every sample counts alike, not every series.
    Availability {
        gauge: Text,
        pooled: bool,
    },
}

#[derive(Debug)]
pub(crate) struct BurnWindow {
    pub kind: Ident,
    pub long: Text,
    pub short: Text,
    pub share: Text,
    /// How long the pair must burn before its rule fires (`alert_style per_pair` or `pyrra`).
    pub for_: Option<Text>,
}

#[derive(Debug, Default)]
pub(crate) struct SloDefaults {
    pub page_severity: Option<Ident>,
    pub ticket_severity: Option<Ident>,
    pub absent_severity: Option<Ident>,
    pub windows: Option<Spanned<Vec<BurnWindow>>>,
    /// `alert_style sloth` or `pyrra`.
    pub alert_style: Option<Ident>,
}

#[derive(Debug)]
pub(crate) struct Slo {
    pub name: Ident,
    pub title: Text,
    pub objective: Option<Text>,
    pub period: Option<Text>,
    pub sli: Option<Spanned<Sli>>,
    pub page: Option<SloAlert>,
    pub ticket: Option<SloAlert>,
    /// `absent ...`: the alert when a metric of the SLI is missing (Pyrra's style).
    pub absent: Option<SloAlert>,
    /// The SLO's name in its rules, when not its declaration's.
    pub id: Option<Text>,
    pub settings: SloDefaults,
    pub scope: Scope,
    pub summary: Option<Text>,
    pub description: Option<Text>,
    pub examples: Vec<Example>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BoundKind {
    AtLeast,
    AtMost,
}

#[derive(Debug)]
pub(crate) enum PolicyItem {
    For(Spanned<BoundKind>, Text),
    Threshold {
        threshold: Ident,
        level: Spanned<Level>,
        bound: Spanned<BoundKind>,
        value: Text,
    },
    Severities(Spanned<Vec<Ident>>),
    Label {
        label: Ident,
        values: Vec<Text>,
    },
    Require(Spanned<Vec<Ident>>),
    Objective(Spanned<BoundKind>, Text),
    /// `change loosen needs reason`.
    Change(ChangeKind),
}

/// A kind of change a change policy asks a reason for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChangeKind {
    Loosen,
    StopPaging,
    StartPaging,
}

impl ChangeKind {
    pub(crate) fn words(self) -> &'static str {
        match self {
            ChangeKind::Loosen => "loosened",
            ChangeKind::StopPaging => "taken off the pager",
            ChangeKind::StartPaging => "put on the pager",
        }
    }
}

#[derive(Debug)]
pub(crate) struct PolicyRule {
    pub name: Text,
    pub matchers: Vec<Matcher>,
    /// Each requirement with the span of its line.
    pub items: Vec<Spanned<PolicyItem>>,
}

#[derive(Debug)]
pub(crate) struct Policy {
    pub name: Text,
    pub rules: Vec<PolicyRule>,
}
