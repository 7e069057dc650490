//! Alerts in the order the emitters read them: each declaration's variants right after its
//! primary alert. SLOs that share an alert name (Pyrra's `ErrorBudgetBurn`) add variants to
//! an alert declared earlier, with other alerts in between.

use super::model::{Alert, Slo};

/// Moves every variant next to its primary alert, keeping the order otherwise, and renumbers
/// what points at alerts.
pub(super) fn variants_together(alerts: Vec<Alert>, slos: &mut [Slo]) -> Vec<Alert> {
    let mut variants: Vec<Vec<usize>> = vec![Vec::new(); alerts.len()];
    for (i, a) in alerts.iter().enumerate() {
        if !a.primary {
            variants[a.declaration].push(i);
        }
    }
    let order: Vec<usize> = (0..alerts.len())
        .filter(|&i| alerts[i].primary)
        .flat_map(|i| std::iter::once(i).chain(variants[i].iter().copied()))
        .collect();
    if order.iter().enumerate().all(|(at, &i)| at == i) {
        return alerts;
    }
    let mut moved_to = vec![0; alerts.len()];
    for (at, &i) in order.iter().enumerate() {
        moved_to[i] = at;
    }
    let mut slots: Vec<Option<Alert>> = alerts.into_iter().map(Some).collect();
    let mut out: Vec<Alert> = order.iter().filter_map(|&i| slots[i].take()).collect();
    for a in &mut out {
        a.declaration = moved_to[a.declaration];
    }
    for slo in slos {
        for index in [&mut slo.page_alert, &mut slo.ticket_alert]
            .into_iter()
            .flatten()
        {
            *index = moved_to[*index];
        }
    }
    out
}
