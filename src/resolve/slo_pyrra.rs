//! SLOs the way Pyrra compiles them (`alert_style pyrra`), so that Pyrra's users keep their
//! series and alerts: `<metric>:burnrate<window>` recordings labelled `slo`, one
//! `ErrorBudgetBurn` rule per window pair with its own `for`, and the labels `long`, `short`,
//! `exhaustion` and `severity`.

use super::duration::Duration;
use super::model::{BurnKind, BurnWindow, Labels, SloSeries};
use super::selector::{self, Matcher};
use super::slo::tidy;
use crate::parse::ast;
use promql_parser::parser::Expr;

/// Pyrra's alert name, shared by every SLO: the `slo` label tells them apart.
pub(super) const ALERT_NAME: &str = "ErrorBudgetBurn";

/// The metric Pyrra names an SLO's recordings after: the SLI's total (or only) series, less
/// `_total` or `_count` (Pyrra's latency SLIs count `_count`; ours read the histogram's
/// buckets, so `_bucket` goes too). `None` when the query selects no named metric.
pub(super) fn metric_prefix(sli: &ast::Sli) -> Option<String> {
    let query = match sli {
        ast::Sli::Ratio { total, .. } => &total.value,
        ast::Sli::Latency { histogram, .. } => &histogram.value,
        ast::Sli::Availability { gauge, .. } => &gauge.value,
        ast::Sli::Raw { ratio } => &ratio.value,
    };
    let probe = selector::expand(
        &query.replace("$window", "5m"),
        &[Matcher::equal("__selector__", "x")],
    );
    let expr = promql_parser::parser::parse(&probe).ok()?;
    let name = first_metric(&expr)?;
    let suffixes: &[&str] = match sli {
        ast::Sli::Latency { .. } => &["_bucket"],
        _ => &["_total", "_count"],
    };
    let name = suffixes
        .iter()
        .find_map(|s| name.strip_suffix(s))
        .unwrap_or(name);
    Some(name.to_string())
}

/// The first metric name a query selects, reading left to right.
fn first_metric(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Aggregate(a) => first_metric(&a.expr),
        Expr::Unary(u) => first_metric(&u.expr),
        Expr::Binary(b) => first_metric(&b.lhs).or_else(|| first_metric(&b.rhs)),
        Expr::Paren(p) => first_metric(&p.expr),
        Expr::Subquery(s) => first_metric(&s.expr),
        Expr::VectorSelector(v) => v.name.as_deref(),
        Expr::MatrixSelector(m) => m.vs.name.as_deref(),
        Expr::Call(c) => c.args.args.iter().find_map(|a| first_metric(a)),
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => None,
    }
}

/// The matchers of an SLO instance's recordings as Pyrra writes them: `name="value"`, sorted
/// as text, joined by commas.
pub(super) fn matchers(labels: &Labels) -> String {
    let mut list: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", selector::escape_string(v)))
        .collect();
    list.sort();
    list.join(",")
}

/// One pair's rule: both windows above the factor times the budget, in Pyrra's words.
pub(super) fn alert_expr(series: &SloSeries, w: &BurnWindow, objective: f64, own: &str) -> String {
    let threshold = format!("({} * (1-{}))", tidy(w.factor), tidy(objective));
    format!(
        "{short}{{{own}}} > {threshold} and {long}{{{own}}} > {threshold}",
        short = series.ratio(w.short),
        long = series.ratio(w.long),
    )
}

/// How long the budget lasts at the pair's factor, in whole seconds (Pyrra's `exhaustion`).
pub(crate) fn exhaustion(period: Duration, factor: f64) -> String {
    Duration(((period.0 / 1000) as f64 / factor) as u64 * 1000).to_string()
}

/// Pyrra's windows for a period: scaled from 28 days' 1h/5m (factor 14, `for` 2m), 6h/30m
/// (7, 15m), 1d/2h (2, 1h) and 4d/6h (1, 3h), each rounded to the minute; integer factors.
pub(crate) fn windows(period: Duration) -> Vec<BurnWindow> {
    let scaled = |divisor: u64| {
        // Go's Duration.Round(time.Minute): halves away from zero.
        let ms = period.0 as f64 / divisor as f64;
        Duration(((ms / 60_000.0).round() as u64) * 60_000)
    };
    let day_minutes = 28 * 24 * 60;
    [
        (
            BurnKind::Page,
            28 * 24,
            day_minutes / 5,
            day_minutes / 2,
            14.0,
        ),
        (
            BurnKind::Page,
            28 * 4,
            day_minutes / 30,
            day_minutes / 15,
            7.0,
        ),
        (BurnKind::Ticket, 28, 28 * 12, 28 * 24, 2.0),
        (BurnKind::Ticket, 7, 28 * 4, 28 * 8, 1.0),
    ]
    .into_iter()
    .map(|(kind, long, short, for_, factor)| {
        let long = scaled(long);
        BurnWindow {
            kind,
            long,
            short: scaled(short),
            share: factor * long.0 as f64 / period.0 as f64,
            factor,
            for_: Some(scaled(for_)),
        }
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sli(total: &str) -> ast::Sli {
        let span = crate::source::Span::new(crate::source::FileId(0), 0, 0);
        let text = |s: &str| ast::Text::new(s.to_string(), span);
        ast::Sli::Ratio {
            errors: text("sum(rate(errors_total[$window]))"),
            total: text(total),
        }
    }

    #[test]
    fn recordings_are_named_after_the_total_metric() {
        let prefix = |total: &str| metric_prefix(&sli(total));
        assert_eq!(
            prefix("sum by (job) (rate(http_requests_total{$selector}[$window]))").as_deref(),
            Some("http_requests")
        );
        assert_eq!(
            prefix("sum(rate(apiserver_request_duration_seconds_count{verb=\"GET\"}[$window]))")
                .as_deref(),
            Some("apiserver_request_duration_seconds")
        );
        assert_eq!(prefix("vector(1)"), None);
        // As Pyrra names it: only a counter's or a count's suffix goes.
        assert_eq!(
            prefix("sum(rate(x_bucket{le=\"+Inf\"}[$window]))").as_deref(),
            Some("x_bucket")
        );
    }

    #[test]
    fn matchers_are_sorted_as_text() {
        let labels: Labels = [("slo", "a"), ("a1", "x"), ("a", "y\"z")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(matchers(&labels), r#"a1="x",a="y\"z",slo="a""#);
    }

    #[test]
    fn windows_scale_with_the_period() {
        let show = |days: u64| -> Vec<String> {
            windows(Duration(days * 86_400_000))
                .iter()
                .map(|w| {
                    format!(
                        "{}/{} x{} for {}",
                        w.long,
                        w.short,
                        w.factor,
                        w.for_.unwrap()
                    )
                })
                .collect()
        };
        // Pyrra's own tables: `for` 2m/15m/1h/3h at 28 days, 1m/4m/15m/45m at 7.
        assert_eq!(
            show(28),
            [
                "1h/5m x14 for 2m",
                "6h/30m x7 for 15m",
                "1d/2h x2 for 1h",
                "4d/6h x1 for 3h"
            ]
        );
        assert_eq!(
            show(7),
            [
                "15m/1m x14 for 1m",
                "1h30m/8m x7 for 4m",
                "6h/30m x2 for 15m",
                "1d/1h30m x1 for 45m"
            ]
        );
    }

    #[test]
    fn exhaustion_is_the_period_over_the_factor() {
        let period = Duration(28 * 86_400_000);
        assert_eq!(exhaustion(period, 14.0), "2d");
        assert_eq!(exhaustion(period, 1.0), "4w");
    }
}
