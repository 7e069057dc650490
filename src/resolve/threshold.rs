//! `threshold NAME { ... }`: a query's levels, read in the query's unit and checked for order,
//! and the comparison an alert on one level compiles to.

use super::error::ResolveError;
use super::model::{Bound, Query, Threshold};
use super::quantity::{self, QuantityError};
use super::{level_name, Resolver};
use crate::parse::ast::{self, Comparison, Direction, Level};
use crate::source::Span;

impl Resolver<'_> {
    pub(super) fn threshold(
        &mut self,
        t: &ast::Threshold,
        queries: &[Option<Query>],
    ) -> Option<Threshold> {
        let query_name = t.query.as_ref().unwrap_or(&t.name);
        let query_index = self.lookup("query", query_name)?;
        let query = queries.get(query_index)?.as_ref()?;
        if t.bounds.is_empty() {
            self.errors.push(ResolveError::NoBounds {
                threshold: t.name.value.clone(),
                span: t.name.span,
            });
            return None;
        }
        let mut bounds = Vec::new();
        for b in &t.bounds {
            let value = self.bound_value(&b.value, query);
            let upper = b.upper.as_ref().map(|u| self.bound_value(u, query));
            let (Some(value), Some(upper)) = (value, upper.map_or(Some(None), |u| u.map(Some)))
            else {
                continue;
            };
            let end = b.upper.as_ref().unwrap_or(&b.value).span.end;
            let shown = match &b.upper {
                Some(u) => format!("{} and {}", b.value.value, u.value),
                None => b.value.value.clone(),
            };
            let spoken = match &b.upper {
                Some(u) => format!("{} and {}", spoken(&b.value.value), spoken(&u.value)),
                None => spoken(&b.value.value),
            };
            bounds.push(Bound {
                level: b.level.value,
                comparison: b.comparison.value,
                value,
                upper,
                shown,
                spoken,
                span: Span::new(b.level.span.file, b.level.span.start, end),
            });
        }
        if bounds.len() != t.bounds.len() {
            return None;
        }
        bounds.sort_by_key(|b| b.level);
        let threshold = Threshold {
            name: t.name.value.clone(),
            query: query_index,
            bounds,
            metric: t.metric.as_ref().map(|m| m.value.clone()),
            description: t.description.as_ref().map(|d| d.value.clone()),
            reason: t.reason.as_ref().map(|r| r.value.clone()),
        };
        self.check_order(&threshold).then_some(threshold)
    }

    /// A level's value in the query's unit.
    fn bound_value(&mut self, text: &ast::Text, query: &Query) -> Option<f64> {
        match quantity::read(&text.value, query.unit) {
            Ok(value) => Some(value),
            Err(QuantityError::Mismatch { kind }) => {
                self.errors.push(ResolveError::UnitMismatch {
                    text: text.value.clone(),
                    span: text.span,
                    kind,
                    query: query.name.clone(),
                    unit: query.unit,
                    unit_span: query.unit_span,
                });
                None
            }
            Err(QuantityError::UnknownSuffix(suffix)) => {
                self.errors.push(ResolveError::BadQuantity {
                    text: text.value.clone(),
                    span: text.span,
                    suffix,
                });
                None
            }
            Err(QuantityError::Malformed) => {
                self.errors.push(ResolveError::BadQuantity {
                    text: text.value.clone(),
                    span: text.span,
                    suffix: String::new(),
                });
                None
            }
        }
    }

    /// Levels must agree on which side is bad, and lie in order: target, warning, critical.
    /// Levels without a side (equality, bands) are ordered by nothing; a band must not be
    /// empty.
    fn check_order(&mut self, t: &Threshold) -> bool {
        for b in &t.bounds {
            if let Some(upper) = b.upper.filter(|u| *u < b.value) {
                self.errors.push(ResolveError::ThresholdOrder {
                    threshold: t.name.clone(),
                    span: b.span,
                    other: b.span,
                    level: level_name(b.level),
                    value: quantity::format_number(b.value),
                    other_level: "its upper end",
                    other_value: quantity::format_number(upper),
                    direction: "above",
                });
                return false;
            }
        }
        let sided = |level| {
            t.bound(level)
                .and_then(|b| b.comparison.direction().map(|d| (b, d)))
        };
        let target = sided(Level::Target);
        let warning = sided(Level::Warning);
        let critical = sided(Level::Critical);
        if let (Some((w, wd)), Some((c, cd))) = (warning, critical) {
            if wd != cd {
                self.errors.push(ResolveError::ThresholdDirection {
                    threshold: t.name.clone(),
                    span: w.span,
                    other: c.span,
                    level: "warning",
                    other_level: "critical",
                    target: false,
                });
                return false;
            }
            if worse(cd, w.value, c.value) && !(w.value == c.value && milder_at_equal(w, c)) {
                self.errors.push(order_error(t, w, c));
                return false;
            }
        }
        if let (Some((tg, td)), Some((bad, bd))) = (target, critical.or(warning)) {
            if td == bd {
                self.errors.push(ResolveError::ThresholdDirection {
                    threshold: t.name.clone(),
                    span: tg.span,
                    other: bad.span,
                    level: "target",
                    other_level: level_name(bad.level),
                    target: true,
                });
                return false;
            }
            if bad.level == Level::Critical
                && worse(bd, tg.value, bad.value)
                && tg.value != bad.value
            {
                self.errors.push(order_error(t, tg, bad));
                return false;
            }
        }
        true
    }
}

/// Whether `value` is on the bad side of `bad` (or equal) for a threshold whose bad side is
/// `direction`: the order check for the level that should be milder.
fn worse(direction: Direction, value: f64, bad: f64) -> bool {
    match direction {
        Direction::Above => value >= bad,
        Direction::Below => value <= bad,
    }
}

/// At one value, `at_least` is milder than `above` (it fires first): `warning at_least 90`
/// with `critical above 90` is in order.
fn milder_at_equal(milder: &Bound, harsher: &Bound) -> bool {
    matches!(
        (milder.comparison, harsher.comparison),
        (Comparison::AtLeast, Comparison::Above) | (Comparison::AtMost, Comparison::Below)
    )
}

fn order_error(t: &Threshold, milder: &Bound, harsher: &Bound) -> ResolveError {
    ResolveError::ThresholdOrder {
        threshold: t.name.clone(),
        span: milder.span,
        other: harsher.span,
        level: level_name(milder.level),
        value: milder.shown.clone(),
        other_level: level_name(harsher.level),
        other_value: harsher.shown.clone(),
        direction: match (
            harsher.comparison.direction(),
            milder.value == harsher.value,
        ) {
            (_, true) => "equal to",
            (Some(Direction::Below), false) => "below",
            _ => "above",
        },
    }
}

/// The condition text of an alert on `bound`: the query compared with the level's value. A
/// target says where healthy values lie, so its alert fires outside it.
pub(super) fn comparison_text(lhs: &str, bound: &Bound) -> String {
    let number = quantity::format_number;
    let comparison = if bound.level == Level::Target {
        bound.comparison.outside()
    } else {
        bound.comparison
    };
    match (comparison, bound.level, bound.upper) {
        (Comparison::Between, Level::Target, Some(upper)) => format!(
            "{lhs} < {} or {lhs} > {}",
            number(bound.value),
            number(upper)
        ),
        (Comparison::Between, _, Some(upper)) => {
            format!("{lhs} >= {} <= {}", number(bound.value), number(upper))
        }
        (other, _, _) => format!(
            "{lhs} {} {}",
            other.operator().unwrap_or(">"),
            number(bound.value)
        ),
    }
}

/// A bound's value as prose says it: `7d` is "7 days"; numbers, percentages and sizes stay.
fn spoken(value: &str) -> String {
    let number = value.parse::<f64>().is_ok();
    match super::duration::Duration::parse(value) {
        Ok(d) if !number => d.human(),
        _ => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_spoken_in_words_and_other_values_as_written() {
        assert_eq!(spoken("7d"), "7 days");
        assert_eq!(spoken("30s"), "30 seconds");
        assert_eq!(spoken("1h30m"), "1 hour 30 minutes");
        for kept in ["10%", "1", "0.5", "2GiB", "1.5s"] {
            assert_eq!(spoken(kept), kept);
        }
    }

    fn bound(level: Level, comparison: Comparison, value: f64, upper: Option<f64>) -> Bound {
        Bound {
            level,
            comparison,
            value,
            upper,
            shown: String::new(),
            spoken: String::new(),
            span: Span::new(crate::source::FileId(0), 0, 0),
        }
    }

    #[test]
    fn every_comparison_compiles_to_its_operator() {
        let text = |level, c, upper| comparison_text("q", &bound(level, c, 1.5, upper));
        assert_eq!(text(Level::Critical, Comparison::Above, None), "q > 1.5");
        assert_eq!(text(Level::Critical, Comparison::AtLeast, None), "q >= 1.5");
        assert_eq!(text(Level::Warning, Comparison::AtMost, None), "q <= 1.5");
        assert_eq!(text(Level::Warning, Comparison::Equal, None), "q == 1.5");
        assert_eq!(text(Level::Warning, Comparison::NotEqual, None), "q != 1.5");
        assert_eq!(
            text(Level::Critical, Comparison::Between, Some(2.0)),
            "q >= 1.5 <= 2"
        );
        // A target fires outside: `target below 1` alerts above it.
        assert_eq!(text(Level::Target, Comparison::Below, None), "q > 1.5");
        assert_eq!(text(Level::Target, Comparison::AtLeast, None), "q < 1.5");
        assert_eq!(text(Level::Target, Comparison::Equal, None), "q != 1.5");
        assert_eq!(
            text(Level::Target, Comparison::Between, Some(2.0)),
            "q < 1.5 or q > 2"
        );
    }
}
