//! Policies: rules that `watchbook lint` holds the source to. Names and values are resolved
//! here, in their units, like everything else; the lint compares.

use super::error::ResolveError;
use super::model::*;
use super::quantity::{self, Unit};
use super::{matchers_of, names, Resolver};
use crate::parse::ast::{self, BoundKind};

impl Resolver<'_> {
    pub(super) fn policy_rule(
        &mut self,
        rule: &ast::PolicyRule,
        queries: &[Option<Query>],
        thresholds: &[Option<Threshold>],
    ) -> PolicyRule {
        self.check_matchers(&rule.matchers);
        let mut checks = Vec::new();
        for item in &rule.items {
            let check = match &item.value {
                ast::PolicyItem::For(bound, text) => {
                    self.duration(text).map(|limit| PolicyCheck::For {
                        at_least: bound.value == BoundKind::AtLeast,
                        limit,
                    })
                }
                ast::PolicyItem::Threshold {
                    threshold,
                    level,
                    bound,
                    value,
                } => self.lookup("threshold", threshold).and_then(|index| {
                    let t = thresholds.get(index)?.as_ref()?;
                    let query = queries.get(t.query)?.as_ref()?;
                    let limit = self.value_in(value, query.unit, &query.name)?;
                    Some(PolicyCheck::Threshold {
                        threshold: index,
                        level: level.value,
                        at_least: bound.value == BoundKind::AtLeast,
                        limit,
                        shown: value.value.clone(),
                    })
                }),
                ast::PolicyItem::Severities(list) => {
                    let names: Vec<String> = list
                        .value
                        .iter()
                        .filter(|s| self.lookup("severity", s).is_some())
                        .map(|s| s.value.clone())
                        .collect();
                    Some(PolicyCheck::Severities(names))
                }
                ast::PolicyItem::Label { label, values } => Some(PolicyCheck::Label {
                    label: label.value.clone(),
                    values: values.iter().map(|v| v.value.clone()).collect(),
                }),
                ast::PolicyItem::Require(list) => {
                    let mut parts = Vec::new();
                    for name in &list.value {
                        match Part::from_name(&name.value) {
                            Some(part) => parts.push(part),
                            None => self.errors.push(ResolveError::UnknownName {
                                kind: "alert part",
                                name: name.value.clone(),
                                span: name.span,
                                suggestion: names::suggest(&name.value, Part::NAMES),
                                known: Part::NAMES.iter().map(|p| p.to_string()).collect(),
                                again: 0,
                            }),
                        }
                    }
                    Some(PolicyCheck::Require(parts))
                }
                ast::PolicyItem::Change(kind) => Some(PolicyCheck::Change(*kind)),
                ast::PolicyItem::Objective(bound, text) => self
                    .value_in(text, Unit::Ratio, "objective")
                    .map(|limit| PolicyCheck::Objective {
                        at_least: bound.value == BoundKind::AtLeast,
                        limit,
                        shown: text.value.clone(),
                    }),
            };
            checks.extend(check.map(|c| (c, item.span)));
        }
        PolicyRule {
            name: rule.name.value.clone(),
            matchers: matchers_of(&rule.matchers),
            checks,
        }
    }

    /// A value written in the source, read in `unit` (that of `subject`), errors reported.
    pub(super) fn value_in(&mut self, text: &ast::Text, unit: Unit, subject: &str) -> Option<f64> {
        match quantity::read(&text.value, unit) {
            Ok(v) => Some(v),
            Err(quantity::QuantityError::Mismatch { kind }) => {
                self.errors.push(ResolveError::UnitMismatch {
                    text: text.value.clone(),
                    span: text.span,
                    kind,
                    query: subject.to_string(),
                    unit,
                    unit_span: text.span,
                });
                None
            }
            Err(_) => {
                self.errors.push(ResolveError::BadQuantity {
                    text: text.value.clone(),
                    span: text.span,
                    suffix: String::new(),
                });
                None
            }
        }
    }
}
