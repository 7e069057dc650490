//! An inhibition must be able to apply: some alert must match its source and some its
//! target, and the labels it compares must be labels those alerts can carry (an absent label
//! reads as empty on both sides, so comparing it silences every target). Alerts are judged by
//! their rule labels and the labels their expression can return.

use super::result_labels::{carried, Carried};
use super::CheckError;
use crate::parse::ast::{MatchOp, QueryLanguage};
use crate::resolve::model::{Labels, Model};
use crate::resolve::selector::Matcher;

/// What an alert rule's labels can be: those it sets, and those its result may carry.
struct Profile {
    labels: Labels,
    carried: Carried,
}

impl Profile {
    /// Whether the alert may match the matcher: sure for labels it sets, possible for those
    /// its result may carry, and as an empty value for the others.
    fn may_match(&self, m: &Matcher) -> bool {
        let value = match self.labels.get(&m.label) {
            Some(v) => v.as_str(),
            None if self.may_carry(&m.label) => return true,
            None => "",
        };
        let regex = || regex::Regex::new(&format!("^(?:{})$", m.value)).ok();
        match m.op {
            MatchOp::Equal => value == m.value,
            MatchOp::NotEqual => value != m.value,
            MatchOp::Regex => regex().is_some_and(|r| r.is_match(value)),
            MatchOp::NotRegex => regex().is_some_and(|r| !r.is_match(value)),
        }
    }

    fn may_carry(&self, label: &str) -> bool {
        self.labels.contains_key(label)
            || self.carried.as_ref().is_none_or(|set| set.contains(label))
    }
}

pub(super) fn check(model: &Model, errors: &mut Vec<CheckError>) {
    if model.inhibits.is_empty() {
        return;
    }
    let mut profiles = Vec::new();
    for alert in &model.alerts {
        let carried = match alert.language {
            QueryLanguage::PromQl => alert
                .rules
                .first()
                .and_then(|r| crate::resolve::promql::parse_full(&r.expr))
                .and_then(|e| carried(&e)),
            QueryLanguage::LogQl => None,
        };
        for rule in alert.rules.iter().chain(&alert.escalations) {
            let mut labels = rule.labels.clone();
            labels.insert("alertname".into(), alert.name.clone());
            profiles.push(Profile {
                labels,
                carried: carried.clone(),
            });
        }
    }
    if profiles.is_empty() {
        return;
    }
    for inhibit in &model.inhibits {
        let matching = |matchers: &[Matcher]| -> Vec<&Profile> {
            profiles
                .iter()
                .filter(|p| matchers.iter().all(|m| p.may_match(m)))
                .collect()
        };
        let sources = matching(&inhibit.source);
        let targets = matching(&inhibit.target);
        for (side, found) in [("source", &sources), ("target", &targets)] {
            if found.is_empty() {
                errors.push(CheckError::InhibitionNeverApplies {
                    inhibit: inhibit.name.clone(),
                    side,
                    span: inhibit.span,
                });
            }
        }
        if sources.is_empty() || targets.is_empty() {
            continue;
        }
        for label in &inhibit.equal {
            let carries = |list: &[&Profile]| list.iter().any(|p| p.may_carry(label));
            if !carries(&sources) || !carries(&targets) {
                errors.push(CheckError::InhibitionEqualMissing {
                    inhibit: inhibit.name.clone(),
                    label: label.clone(),
                    side: if carries(&sources) {
                        "target"
                    } else {
                        "source"
                    },
                    span: inhibit.span,
                });
            }
        }
    }
}
