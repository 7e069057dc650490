//! Prometheus durations (`5m`, `1h30m`, `500ms`), parsed by our own code: units from largest
//! to smallest, each at most once, as Prometheus' `model.ParseDuration` accepts them.

use std::fmt;

/// The longest duration Prometheus and Alertmanager accept: a Go `time.Duration` holds
/// `i64::MAX` nanoseconds, about 292 years.
pub(crate) const MAX_MILLIS: u64 = (i64::MAX / 1_000_000) as u64;

/// A duration in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Duration(pub u64);

const UNITS: [(&str, u64, &str); 7] = [
    ("y", 365 * 24 * 3_600_000, "year"),
    ("w", 7 * 24 * 3_600_000, "week"),
    ("d", 24 * 3_600_000, "day"),
    ("h", 3_600_000, "hour"),
    ("m", 60_000, "minute"),
    ("s", 1_000, "second"),
    ("ms", 1, "millisecond"),
];

/// Why a duration was rejected; worded by the resolver's error enum.
#[derive(Debug, PartialEq)]
pub(crate) enum DurationError {
    MissingUnit,
    UnknownUnit(String),
    OutOfOrder(String),
    Overflow,
}

impl Duration {
    pub(crate) fn parse(text: &str) -> Result<Duration, DurationError> {
        if text == "0" {
            return Ok(Duration(0));
        }
        let mut rest = text;
        let mut total: u64 = 0;
        // Index into UNITS of the last unit seen: units must strictly decrease.
        let mut last: Option<usize> = None;
        while !rest.is_empty() {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return Err(DurationError::MissingUnit);
            }
            let number: u64 = rest[..digits]
                .parse()
                .map_err(|_| DurationError::Overflow)?;
            rest = &rest[digits..];
            let letters = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
            if letters == 0 {
                return Err(DurationError::MissingUnit);
            }
            let unit = &rest[..letters];
            rest = &rest[letters..];
            let index = UNITS
                .iter()
                .position(|(u, _, _)| *u == unit)
                .ok_or_else(|| DurationError::UnknownUnit(unit.to_string()))?;
            if last.is_some_and(|l| l >= index) {
                return Err(DurationError::OutOfOrder(unit.to_string()));
            }
            last = Some(index);
            total = number
                .checked_mul(UNITS[index].1)
                .and_then(|v| total.checked_add(v))
                .filter(|t| *t <= MAX_MILLIS)
                .ok_or(DurationError::Overflow)?;
        }
        Ok(Duration(total))
    }

    pub(crate) fn seconds(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    /// Pieces from the largest unit down, e.g. 90s is [(1, minute), (30, second)].
    fn parts(self) -> Vec<(u64, usize)> {
        let mut left = self.0;
        let mut parts = Vec::new();
        for (i, (_, size, _)) in UNITS.iter().enumerate() {
            if left >= *size {
                parts.push((left / size, i));
                left %= size;
            }
        }
        parts
    }

    /// A window as SLO tooling names it, in one unit and never weeks: `30d`, `6h`, `90m`
    /// (Sloth's `slo:sli_error:ratio_rate30d`, not `4w2d`).
    pub(crate) fn window_name(self) -> String {
        for (unit, size) in [
            ("d", 86_400_000),
            ("h", 3_600_000),
            ("m", 60_000),
            ("s", 1_000),
        ] {
            if self.0 >= size && self.0.is_multiple_of(size) {
                return format!("{}{unit}", self.0 / size);
            }
        }
        format!("{}ms", self.0)
    }

    /// Words for people: `5 minutes`, `1 hour 30 minutes`, `30 days` (never weeks: a period
    /// of 30 days reads as such, not as 4 weeks 2 days).
    pub(crate) fn human(self) -> String {
        if self.0 == 0 {
            return "0 seconds".to_string();
        }
        self.parts()
            .into_iter()
            .fold(Vec::<(u64, usize)>::new(), |mut parts, (n, i)| {
                // Weeks become days, added to the days that follow.
                let (n, i) = if UNITS[i].0 == "w" {
                    (n * 7, i + 1)
                } else {
                    (n, i)
                };
                match parts.last_mut() {
                    Some((m, j)) if *j == i => *m += n,
                    _ => parts.push((n, i)),
                }
                parts
            })
            .iter()
            .map(|(n, i)| {
                let word = UNITS[*i].2;
                if *n == 1 {
                    format!("1 {word}")
                } else {
                    format!("{n} {word}s")
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The canonical Prometheus spelling: `1m30s`, `1w`, `0s`.
impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("0s");
        }
        for (n, i) in self.parts() {
            write!(f, "{n}{}", UNITS[i].0)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_prometheus_forms() {
        assert_eq!(Duration::parse("5m"), Ok(Duration(300_000)));
        assert_eq!(Duration::parse("1h30m"), Ok(Duration(5_400_000)));
        assert_eq!(Duration::parse("500ms"), Ok(Duration(500)));
        assert_eq!(Duration::parse("0"), Ok(Duration(0)));
        assert_eq!(Duration::parse("1y"), Ok(Duration(31_536_000_000)));
    }

    #[test]
    fn rejects_what_prometheus_rejects() {
        assert_eq!(Duration::parse("5"), Err(DurationError::MissingUnit));
        assert_eq!(
            Duration::parse("5min"),
            Err(DurationError::UnknownUnit("min".into()))
        );
        assert_eq!(
            Duration::parse("1m1h"),
            Err(DurationError::OutOfOrder("h".into()))
        );
        assert_eq!(
            Duration::parse("1m1m"),
            Err(DurationError::OutOfOrder("m".into()))
        );
        assert_eq!(
            Duration::parse("99999999999999999999s"),
            Err(DurationError::Overflow)
        );
        assert_eq!(Duration::parse("500000y"), Err(DurationError::Overflow));
        assert_eq!(Duration::parse("293y"), Err(DurationError::Overflow));
        assert!(Duration::parse("292y").is_ok());
    }

    #[test]
    fn prints_canonically_and_for_people() {
        let d = Duration::parse("90s").unwrap();
        assert_eq!(d.to_string(), "1m30s");
        assert_eq!(d.human(), "1 minute 30 seconds");
        assert_eq!(Duration::parse("7d").unwrap().to_string(), "1w");
        assert_eq!(Duration::parse("10m").unwrap().human(), "10 minutes");
        assert_eq!(Duration::parse("30d").unwrap().human(), "30 days");
        assert_eq!(Duration::parse("7d").unwrap().human(), "7 days");
        assert_eq!(Duration::parse("1y2w1d").unwrap().human(), "1 year 15 days");
        assert_eq!(Duration::parse("30d").unwrap().window_name(), "30d");
        assert_eq!(Duration::parse("90m").unwrap().window_name(), "90m");
    }
}
