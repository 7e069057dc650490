//! The round trip of an Alertmanager import: the compiled configuration must route every
//! label set as the original does (the same receivers in the same order, grouped and timed
//! alike, muted by the same intervals) and keep the same receivers, inhibitions and time
//! intervals. Label sets are built from the values the original's matchers mention.

use super::am_config::{Config, Route as AmRoute};
use crate::parse::ast::MatchOp;
use crate::resolve::duration::Duration;
use crate::resolve::model::{Labels, Route, Timing};
use crate::resolve::route_tree;
use std::collections::{BTreeMap, BTreeSet};

/// At most this many label sets are walked; beyond, a deterministic sample.
const MAX_LABEL_SETS: usize = 20_000;

/// The differences, in words; empty when the round trip holds.
pub(super) fn compare(original: &Config, compiled: &Config) -> Vec<String> {
    let mut out = Vec::new();
    let names =
        |c: &Config| -> Vec<String> { c.receivers.iter().map(|r| r.name.clone()).collect() };
    let (ours, theirs) = (names(original), names(compiled));
    for missing in ours.iter().filter(|n| !theirs.contains(n)) {
        out.push(format!("receiver `{missing}` is missing"));
    }
    // Each receiver keeps its integrations.
    for r in &original.receivers {
        // Alertmanager notifies a receiver's integrations together: their order is free.
        let kinds = |r: &super::am_config::Receiver| -> Vec<String> {
            let mut kinds: Vec<String> = r.configs.iter().map(|(k, _)| k.clone()).collect();
            kinds.sort();
            kinds
        };
        if let Some(c) = compiled.receivers.iter().find(|c| c.name == r.name) {
            if kinds(r) != kinds(c) {
                out.push(format!(
                    "receiver `{}` had {:?} and now has {:?}",
                    r.name,
                    kinds(r),
                    kinds(c)
                ));
            }
        }
    }
    if original.inhibits.len() != compiled.inhibits.len() {
        out.push(format!(
            "{} inhibitions became {}",
            original.inhibits.len(),
            compiled.inhibits.len()
        ));
    }
    for (i, (a, b)) in original.inhibits.iter().zip(&compiled.inhibits).enumerate() {
        let key = |m: &[crate::resolve::selector::Matcher]| {
            m.iter().map(|m| m.to_string()).collect::<BTreeSet<_>>()
        };
        if key(&a.source) != key(&b.source)
            || key(&a.target) != key(&b.target)
            || a.equal != b.equal
        {
            out.push(format!("inhibition {} changes", i + 1));
        }
    }
    let intervals = |c: &Config| -> BTreeMap<String, String> {
        c.time_intervals
            .iter()
            .map(|t| (t.name.clone(), format!("{:?}", t.periods)))
            .collect()
    };
    if intervals(original) != intervals(compiled) {
        out.push("the time intervals change".into());
    }
    let mut receivers = ours.clone();
    receivers.extend(theirs.iter().filter(|n| !ours.contains(n)).cloned());
    let (a, b) = (
        tree(&original.route, &receivers),
        tree(&compiled.route, &receivers),
    );
    for labels in label_sets(&original.route) {
        let (x, y) = (path(&a, &labels, &receivers), path(&b, &labels, &receivers));
        if x != y {
            let shown: Vec<String> = labels.iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect();
            out.push(format!(
                "alerts labelled {{{}}} were routed to {} and now to {}",
                shown.join(", "),
                x.join("; "),
                y.join("; ")
            ));
            break;
        }
    }
    out
}

/// Where a label set goes, in words comparable between the two trees.
fn path(root: &Route, labels: &Labels, receivers: &[String]) -> Vec<String> {
    route_tree::deliveries(root, labels)
        .iter()
        .map(|d| {
            let receiver = d.receiver.map_or("(none)", |r| receivers[r].as_str());
            let Timing {
                group_by,
                group_wait,
                group_interval,
                repeat_interval,
            } = &d.timing;
            let show = |d: &Option<Duration>| d.map(|d| d.to_string()).unwrap_or_default();
            format!(
                "`{receiver}` (group_by {:?}, {} {} {}, mute {:?}, active {:?})",
                group_by,
                show(group_wait),
                show(group_interval),
                show(repeat_interval),
                d.route.mute,
                d.route.active
            )
        })
        .collect()
}

/// The model's routing tree for a configuration's, so that both go through one walker.
/// Time intervals are kept by name (their index in a shared list is not needed to compare).
fn tree(r: &AmRoute, receivers: &[String]) -> Route {
    let duration = |d: &Option<String>| d.as_deref().and_then(|d| Duration::parse(d).ok());
    let interval_ids = |names: &[String]| -> Vec<usize> {
        names
            .iter()
            .map(|n| {
                // A stable number per name: the two trees compare names, not positions.
                n.bytes()
                    .fold(17usize, |h, b| h.wrapping_mul(31).wrapping_add(b as usize))
            })
            .collect()
    };
    let mut route = Route::on(r.matchers.clone());
    route.receiver = r
        .receiver
        .as_ref()
        .and_then(|n| receivers.iter().position(|x| x == n));
    route.continue_ = r.continue_;
    route.timing = Timing {
        group_by: r.group_by.clone(),
        group_wait: duration(&r.group_wait),
        group_interval: duration(&r.group_interval),
        repeat_interval: duration(&r.repeat_interval),
    };
    route.mute = interval_ids(&r.mute);
    route.active = interval_ids(&r.active);
    route.routes = r.routes.iter().map(|c| tree(c, receivers)).collect();
    route
}

/// Label sets that tell the routes apart: every label a matcher names takes each value the
/// matchers mention, a value matching none of them, or no value at all.
pub(crate) fn label_sets(root: &AmRoute) -> Vec<Labels> {
    let mut values: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    collect(root, &mut values);
    for set in values.values_mut() {
        set.insert(String::new());
        set.insert("watchbook-other".into());
    }
    let axes: Vec<(&String, Vec<&String>)> = values
        .iter()
        .map(|(k, v)| (k, v.iter().collect()))
        .collect();
    let total = axes
        .iter()
        .try_fold(1usize, |n, (_, v)| n.checked_mul(v.len()))
        .unwrap_or(usize::MAX);
    let count = total.min(MAX_LABEL_SETS);
    // Below the cap every combination, in order; above it, a spread by a fixed stride.
    let stride = if total <= MAX_LABEL_SETS {
        1
    } else {
        (total / MAX_LABEL_SETS).max(1) | 1
    };
    (0..count)
        .map(|i| {
            let mut n = i.wrapping_mul(stride) % total.max(1);
            let mut labels = Labels::new();
            for (name, choices) in &axes {
                let value = choices[n % choices.len()];
                n /= choices.len();
                if !value.is_empty() {
                    labels.insert((*name).clone(), value.clone());
                }
            }
            labels
        })
        .collect()
}

fn collect(r: &AmRoute, values: &mut BTreeMap<String, BTreeSet<String>>) {
    for m in &r.matchers {
        let set = values.entry(m.label.clone()).or_default();
        match m.op {
            MatchOp::Equal | MatchOp::NotEqual => {
                set.insert(m.value.clone());
            }
            MatchOp::Regex | MatchOp::NotRegex => set.extend(samples(&m.value)),
        }
    }
    for child in &r.routes {
        collect(child, values);
    }
}

/// Strings a regex's alternatives match, where they are near-literal (`a|b.*|c+`).
fn samples(regex: &str) -> Vec<String> {
    let anchored = regex::Regex::new(&format!("^(?:{regex})$")).ok();
    regex
        .split('|')
        .map(|alt| {
            alt.trim_matches(|c| c == '(' || c == ')' || c == '^' || c == '$')
                .replace(".*", "")
                .replace(".+", "x")
                .replace("\\.", ".")
                .replace('+', "")
        })
        .filter(|s| anchored.as_ref().is_some_and(|r| r.is_match(s)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regex_alternatives_give_matching_samples() {
        assert_eq!(samples("foo1|foo2|baz"), ["foo1", "foo2", "baz"]);
        assert_eq!(samples("postgres.*"), ["postgres"]);
        assert!(samples("[a-z]{3}").is_empty());
    }
}
