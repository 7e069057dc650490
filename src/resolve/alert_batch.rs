//! Alerts resolved on every core. An alert's rules are its own: the alerts are split in runs,
//! each resolved by a resolver of its own (the same names, its own errors), and the runs
//! joined in declaration order, the rule groups made as one resolver would have made them.

use super::model::*;
use super::rule_group::Groups;
use super::Resolver;
use crate::parse::ast;

/// Fewer alerts than this are resolved on one core: threads would cost more than they save.
const PARALLEL_FROM: usize = 64;

impl Resolver<'_> {
    /// Every alert's variants, in declaration order, each variant's `declaration` the index of
    /// its first.
    pub(super) fn alerts(
        &mut self,
        alerts: &[ast::Alert],
        model: &Model,
        (queries, thresholds): (&[Option<Query>], &[Option<Threshold>]),
        groups: &mut Groups,
    ) -> Vec<Alert> {
        let resolved = self.in_runs(alerts, PARALLEL_FROM, |r, a| {
            r.alert(a, model, queries, thresholds)
        });
        let mut out = Vec::with_capacity(alerts.len());
        for (a, (variants, group)) in alerts.iter().zip(resolved) {
            let Some(declared) = group else { continue };
            let group = groups.of(declared, a.name.span, self);
            let declaration = out.len();
            out.extend(variants.into_iter().map(|mut v| {
                v.group = group;
                v.declaration = declaration;
                v
            }));
        }
        out
    }
}
