//! `watchbook lint`: checks that go past what must hold for the artifacts to be consistent
//! (that is `compile`'s job): practices, hygiene, and what only a view of the whole model can
//! see. One lint per file, named after the bad pattern, documented for `watchbook explain`.

/// Declares a lint's `LINT`: its doc comment is both its rustdoc and what `explain` prints.
macro_rules! declare_lint {
    ($(#[doc = $doc:expr])* code: $code:expr, name: $name:expr, level: $level:expr $(,)?) => {
        $(#[doc = $doc])*
        pub(super) const LINT: super::Lint = super::Lint {
            code: $code,
            name: $name,
            level: $level,
            doc: concat!($($doc, "\n"),*),
        };
    };
}

mod finding;
mod promql_walk;
mod suppression;

mod alert_name_not_camel_case;
mod alert_not_on_dashboard;
mod alert_without_examples;
mod alert_without_runbook;
mod alert_without_summary;
mod change_without_reason;
mod counter_without_rate;
mod critical_alert_does_not_page;
mod critical_without_for;
mod description_without_template;
mod duplicate_alert;
mod duplicate_recording_rule;
mod expression_without_comparison;
mod policy_violation;
mod range_shorter_than_four_scrapes;
mod rate_on_non_counter;
mod regex_could_be_equality;
mod selector_never_matches;
mod severity_without_response;
mod slo_alert_that_cannot_fire;
mod summary_not_a_sentence;
mod threshold_query_without_unit;
mod threshold_target_past_warning;
mod unused_query;
mod unused_receiver;
mod unused_threshold;

pub(crate) use finding::Finding;

use crate::diagnostic::{Diagnostic, Level, StageError};
use crate::resolve::model::Model;
use crate::source::SourceMap;
use promql_parser::parser::Expr;

/// A lint: its stable code (never reused), its name, how bad it is, and its documentation
/// (what it does, why it is bad, an example), which `watchbook explain` prints.
pub struct Lint {
    pub code: &'static str,
    pub name: &'static str,
    pub level: Level,
    /// The doc comment's lines, each with the space that follows `///`.
    doc: &'static str,
}

impl Lint {
    /// The documentation as markdown.
    pub fn doc(&self) -> String {
        let lines: Vec<&str> = self
            .doc
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect();
        lines.join("\n").trim().to_string()
    }
}

/// Every lint, in code order.
pub const LINTS: [&Lint; 27] = [
    &alert_without_runbook::LINT,
    &threshold_target_past_warning::LINT,
    &critical_without_for::LINT,
    &expression_without_comparison::LINT,
    &rate_on_non_counter::LINT,
    &counter_without_rate::LINT,
    &range_shorter_than_four_scrapes::LINT,
    &selector_never_matches::LINT,
    &regex_could_be_equality::LINT,
    &summary_not_a_sentence::LINT,
    &description_without_template::LINT,
    &unused_query::LINT,
    &unused_threshold::LINT,
    &unused_receiver::LINT,
    &duplicate_alert::LINT,
    &alert_name_not_camel_case::LINT,
    &alert_without_summary::LINT,
    &alert_without_examples::LINT,
    &critical_alert_does_not_page::LINT,
    &alert_not_on_dashboard::LINT,
    &severity_without_response::LINT,
    &threshold_query_without_unit::LINT,
    &duplicate_recording_rule::LINT,
    &slo_alert_that_cannot_fire::LINT,
    &policy_violation::LINT,
    &change_without_reason::LINT,
    &suppression::LINT,
];

/// Finds a lint by code (`L001`) or name (`alert-without-runbook`).
pub fn find(key: &str) -> Option<&'static Lint> {
    LINTS
        .iter()
        .copied()
        .find(|l| l.code.eq_ignore_ascii_case(key) || l.name == key)
}

/// What the lints look at: the model, and every alert rule's expression parsed once.
pub(crate) struct Context<'a> {
    pub model: &'a Model,
    /// (alert index, parsed expression of its first rule).
    pub expressions: Vec<(usize, Expr)>,
    /// (record index, parsed expression of its first rule).
    pub record_expressions: Vec<(usize, Expr)>,
    /// What changed since a base, when the lint runs against one (`--base`).
    pub changes: Option<&'a crate::diff::Report>,
}

type Check = fn(&Context, &mut Vec<Finding>);

const CHECKS: [Check; 26] = [
    alert_without_runbook::check,
    threshold_target_past_warning::check,
    critical_without_for::check,
    expression_without_comparison::check,
    rate_on_non_counter::check,
    counter_without_rate::check,
    range_shorter_than_four_scrapes::check,
    selector_never_matches::check,
    regex_could_be_equality::check,
    summary_not_a_sentence::check,
    description_without_template::check,
    unused_query::check,
    unused_threshold::check,
    unused_receiver::check,
    duplicate_alert::check,
    alert_name_not_camel_case::check,
    alert_without_summary::check,
    alert_without_examples::check,
    critical_alert_does_not_page::check,
    alert_not_on_dashboard::check,
    severity_without_response::check,
    threshold_query_without_unit::check,
    duplicate_recording_rule::check,
    slo_alert_that_cannot_fire::check,
    policy_violation::check,
    change_without_reason::check,
];

/// Runs every lint, then applies the source's suppressions (and reports the bad ones).
/// The lints, and with `changes` the change policies too.
pub(crate) fn run_with(
    model: &Model,
    sources: &SourceMap,
    today: &str,
    changes: Option<&crate::diff::Report>,
) -> Vec<Diagnostic> {
    let expressions = model
        .alerts
        .iter()
        .enumerate()
        .filter_map(|(i, a)| Some((i, promql_walk::parse(&a.rules.first()?.expr)?)))
        .collect();
    let record_expressions = model
        .records
        .iter()
        .enumerate()
        .filter_map(|(i, r)| Some((i, promql_walk::parse(&r.rules.first()?.expr)?)))
        .collect();
    let context = Context {
        model,
        expressions,
        record_expressions,
        changes,
    };
    let mut findings = Vec::new();
    for check in CHECKS {
        check(&context, &mut findings);
    }
    let mut diagnostics = suppression::apply(findings, sources, today);
    crate::diagnostic::sort(&mut diagnostics);
    diagnostics
}

/// The documentation of every lint as markdown: `generated/docs/lints.md`.
pub(crate) fn docs() -> String {
    let mut out = String::from(
        "# Watchbook lints\n\nGenerated by watchbook from its lint definitions; `watchbook explain CODE` prints one.\n\
         Suppress a finding with a comment on the line before the declaration:\n\n\
         ```\n# watchbook: allow NAME until 2027-01-31: the reason\n```\n\n\
         The reason is required; after the date the suppression is itself reported.\n",
    );
    out.push_str("\n| Code | Name | Level |\n|---|---|---|\n");
    for lint in LINTS {
        let level = match lint.level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        out.push_str(&format!(
            "| {} | [{}](#{}) | {level} |\n",
            lint.code, lint.name, lint.name
        ));
    }
    for lint in LINTS {
        out.push_str(&format!(
            "\n## {}\n\nCode `{}`.\n\n{}\n",
            lint.name,
            lint.code,
            lint.doc()
        ));
    }
    out
}

impl StageError for Finding {
    fn code(&self) -> &'static str {
        self.lint().code
    }
    fn span(&self) -> Option<crate::source::Span> {
        Some(self.primary())
    }
    fn label(&self) -> Option<String> {
        Some(self.lint().name.to_string())
    }
    fn related(&self) -> Vec<(crate::source::Span, String)> {
        self.others()
    }
    fn help(&self) -> Option<String> {
        self.hint()
    }
    fn level(&self) -> Level {
        self.lint().level
    }
}
