//! The resolved model: every name looked up, every value in its unit, every rule fanned out.
//! Emitters read only this.

// Fields the Prometheus emitter does not read yet are read by the runbook and dashboard
// emitters that build on this model.
#![allow(dead_code)]

use super::duration::Duration;
use super::quantity::Unit;
use super::selector::Matcher;
use crate::parse::ast::{Direction, Level, QueryLanguage, StepKind};
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
}

#[derive(Debug)]
pub(crate) struct Project {
    pub name: String,
    pub runbook_url: String,
    pub scrape_interval: Duration,
    pub evaluation_interval: Duration,
    pub description: Option<String>,
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
    pub environments: Vec<usize>,
    pub labels: Labels,
    pub description: Option<String>,
}

#[derive(Debug)]
pub(crate) struct Severity {
    pub name: String,
    /// `None` is best effort.
    pub response: Option<Duration>,
    pub description: Option<String>,
}

#[derive(Debug)]
pub(crate) struct Query {
    pub name: String,
    pub title: String,
    pub language: QueryLanguage,
    /// The query as written, dedented, with `$selector` still in it.
    pub text: String,
    pub unit: Unit,
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
    pub direction: Direction,
    /// In the query's unit.
    pub value: f64,
    /// As the user wrote it (`10%`, `30s`): what people read in summaries and the runbook.
    pub shown: String,
    pub span: Span,
}

#[derive(Debug)]
pub(crate) struct Threshold {
    pub name: String,
    pub query: usize,
    /// Sorted by level: target, warning, critical.
    pub bounds: Vec<Bound>,
    pub description: Option<String>,
}

impl Threshold {
    pub(crate) fn bound(&self, level: Level) -> Option<&Bound> {
        self.bounds.iter().find(|b| b.level == level)
    }
}

#[derive(Debug)]
pub(crate) enum Condition {
    Threshold { threshold: usize, level: Level },
    Expr,
}

/// One Prometheus rule generated from an alert: one per environment the alert covers.
#[derive(Debug)]
pub(crate) struct AlertRule {
    pub environment: Option<usize>,
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

#[derive(Debug)]
pub(crate) struct Alert {
    pub name: String,
    pub span: Span,
    /// The source file's stem: the rule group and generated file the alert lands in.
    pub group: String,
    pub severity: usize,
    pub condition: Condition,
    pub for_: Option<Duration>,
    pub rules: Vec<AlertRule>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub investigate: Vec<Step>,
    pub causes: Vec<String>,
    pub resolve: Vec<Step>,
    pub examples: Vec<Example>,
    /// The anchor of the alert's runbook section.
    pub anchor: String,
}

#[derive(Debug)]
pub(crate) struct RecordRule {
    pub environment: Option<usize>,
    pub expr: String,
    pub labels: Labels,
}

#[derive(Debug)]
pub(crate) struct Record {
    pub name: String,
    pub group: String,
    pub rules: Vec<RecordRule>,
    pub description: Option<String>,
}
