use super::{Context, Finding};
use crate::diagnostic::Level;
use crate::diff::report::Direction;
use crate::parse::ast::ChangeKind;
use crate::resolve::model::{Alert, Model, PolicyCheck};

declare_lint! {
    /// **What it does:** with `watchbook lint --base REF`, holds the change against the
    /// policy's change rules: `change loosen needs reason` (a threshold, `for` or severity that
    /// lets a matching alert fire later or less), `change stop_paging needs reason` and
    /// `change start_paging needs reason`. The change passes when the alert (or the threshold
    /// it loosens) carries a `reason` that the base did not have.
    ///
    /// **Why it is bad:** loosening a critical alert or taking it off the pager may be right,
    /// but the pull request should say why, in the source, where the next reader finds it.
    ///
    /// **Example:**
    ///
    /// ```text
    /// policy "Changes" {
    ///   rule "critical alerts are loosened only with a reason" {
    ///     match { severity = "critical" }
    ///     change loosen needs reason
    ///   }
    /// }
    /// threshold error_rate {
    ///   critical above 20%
    ///   reason "the retry storm in INC-231 pages at 10%; 20% is still an outage"
    /// }
    /// ```
    code: "L101",
    name: "change-without-reason",
    level: Level::Error,
}

fn alert<'a>(model: &'a Model, name: &str, severity: &str) -> Option<&'a Alert> {
    model
        .alerts
        .iter()
        .find(|a| a.name == name && model.severities[a.severity].name == severity)
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    let Some(report) = cx.changes else {
        return;
    };
    let model = cx.model;
    for rule in &model.policies {
        for (check, policy) in &rule.checks {
            let PolicyCheck::Change(kind) = check else {
                continue;
            };
            // A rule about critical alerts also holds an alert that was critical before.
            let mut found = |name: &str, severity: &str, before: Option<&str>, what: String| {
                if let Some(a) = alert(model, name, severity) {
                    let applies = super::policy_violation::applies(rule, a)
                        || super::policy_violation::applies_with(rule, a, before);
                    if applies {
                        out.push(Finding::ChangeWithoutReason {
                            rule: rule.name.clone(),
                            alert: name.to_string(),
                            change: kind.words(),
                            what,
                            span: a.span,
                            policy: *policy,
                        });
                    }
                }
            };
            match kind {
                ChangeKind::Loosen => {
                    for c in &report.alerts.changed {
                        for f in &c.changes {
                            if f.direction == Some(Direction::Looser) && f.reason.is_none() {
                                let what = format!("{} {} → {}", f.field, f.before, f.after);
                                let before = c
                                    .changes
                                    .iter()
                                    .find(|x| x.field == "severity")
                                    .map(|x| x.before.as_str());
                                found(&c.name, &c.severity, before, what);
                            }
                        }
                    }
                }
                ChangeKind::StopPaging | ChangeKind::StartPaging => {
                    let stop = *kind == ChangeKind::StopPaging;
                    for r in &report.routing {
                        let this = r.paged_before && !r.paged_after && stop
                            || !r.paged_before && r.paged_after && !stop;
                        if this && r.reason.is_none() {
                            let env = r
                                .environment
                                .as_ref()
                                .map(|e| format!(" in {e}"))
                                .unwrap_or_default();
                            let what = format!(
                                "reached {}{env}, now {}",
                                r.before.join(", "),
                                if r.after.is_empty() {
                                    "nobody".to_string()
                                } else {
                                    r.after.join(", ")
                                }
                            );
                            found(&r.alert, &r.severity, None, what);
                        }
                    }
                }
            }
        }
    }
}
