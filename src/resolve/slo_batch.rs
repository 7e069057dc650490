//! SLOs resolved on every core. An SLO's recordings and alerts are its own, so the SLOs are
//! split in runs, each resolved by a resolver of its own (the same names, its own errors),
//! and the runs joined in declaration order: the model is the same as one resolver's.

use super::error::ResolveError;
use super::model::*;
use super::slo::Defaults;
use super::Resolver;
use crate::parse::ast;
use std::collections::HashMap;

/// Fewer SLOs than this are resolved here: threads would cost more than they save.
const PARALLEL_FROM: usize = 64;

/// What a run of SLOs resolved to; alert indices count from the run's first alert.
#[derive(Default)]
struct Run {
    slos: Vec<Option<Slo>>,
    alerts: Vec<Alert>,
    records: Vec<Record>,
    errors: Vec<ResolveError>,
}

impl Resolver<'_> {
    /// Resolves every SLO, appending their alerts and recordings. `groups[i]` is the rule
    /// group of `slos[i]`.
    pub(super) fn slos(
        &mut self,
        slos: &[ast::Slo],
        groups: &[usize],
        model: &Model,
        defaults: &Defaults,
        (alerts, records): (&mut Vec<Alert>, &mut Vec<Record>),
    ) -> Vec<Slo> {
        let runs = if slos.len() < PARALLEL_FROM {
            std::iter::once(0..slos.len()).collect()
        } else {
            super::runs(slos.len())
        };
        let base = self.fork();
        let done = crate::parallel::map(&runs, |range| {
            let mut r = base.fork();
            let mut run = Run::default();
            let mut shared = HashMap::new();
            for i in range.clone() {
                let slo = r.slo(
                    &slos[i],
                    i,
                    model,
                    defaults,
                    groups[i],
                    (&mut run.alerts, &mut run.records, &mut shared),
                );
                run.slos.push(slo);
            }
            run.errors = r.errors;
            run
        });
        let first = alerts.len();
        let mut out = Vec::new();
        for run in done {
            let offset = alerts.len();
            alerts.extend(run.alerts.into_iter().map(|mut a| {
                a.declaration += offset;
                a
            }));
            for mut slo in run.slos.into_iter().flatten() {
                for index in [&mut slo.page_alert, &mut slo.ticket_alert]
                    .into_iter()
                    .flatten()
                {
                    *index += offset;
                }
                out.push(slo);
            }
            records.extend(run.records);
            self.errors.extend(run.errors);
        }
        share_names(&mut alerts[first..], first);
        out
    }
}

/// SLO alerts of one name in different runs: the first stays the alert, the later become
/// its variants, as one resolver would have made them. `offset` is the first's index.
fn share_names(alerts: &mut [Alert], offset: usize) {
    let mut first: HashMap<String, usize> = HashMap::new();
    for i in 0..alerts.len() {
        if !alerts[i].primary || !alerts[i].condition.is_slo() {
            continue;
        }
        let Some(&primary) = first.get(&alerts[i].name) else {
            first.insert(alerts[i].name.clone(), offset + i);
            continue;
        };
        let was = offset + i;
        for a in alerts[i..].iter_mut().filter(|a| a.declaration == was) {
            a.declaration = primary;
            a.primary = false;
        }
    }
}
