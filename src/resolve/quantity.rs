//! Threshold values with units: `10%`, `30s`, `2GiB`, `0.95`, read in the unit of the query
//! they bound, so that `10%` becomes 10 for a percent query and 0.1 for a ratio query.

use super::duration::Duration;

/// The unit of a query's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Unit {
    /// 0 to 100.
    Percent,
    /// 0 to 1.
    Ratio,
    Seconds,
    Bytes,
    Count,
    PerSecond,
    None,
}

impl Unit {
    pub(crate) const NAMES: [&'static str; 7] = [
        "percent",
        "ratio",
        "seconds",
        "bytes",
        "count",
        "per_second",
        "none",
    ];

    pub(crate) fn from_name(name: &str) -> Option<Unit> {
        Some(match name {
            "percent" => Unit::Percent,
            "ratio" => Unit::Ratio,
            "seconds" => Unit::Seconds,
            "bytes" => Unit::Bytes,
            "count" => Unit::Count,
            "per_second" => Unit::PerSecond,
            "none" => Unit::None,
            _ => return None,
        })
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Unit::Percent => "percent",
            Unit::Ratio => "ratio",
            Unit::Seconds => "seconds",
            Unit::Bytes => "bytes",
            Unit::Count => "count",
            Unit::PerSecond => "per_second",
            Unit::None => "none",
        }
    }

    /// How a value in this unit is written, for hints.
    pub(crate) fn example(self) -> &'static str {
        match self {
            Unit::Percent => "`10%`",
            Unit::Ratio => "`0.1` or `10%`",
            Unit::Seconds => "`30s` or `500ms`",
            Unit::Bytes => "`512MiB` or `2GB`",
            Unit::Count | Unit::PerSecond | Unit::None => "a plain number such as `3`",
        }
    }
}

/// What kind of value a literal is, from its suffix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Percent,
    Duration,
    Bytes,
    Plain,
}

impl Kind {
    pub(crate) fn word(self) -> &'static str {
        match self {
            Kind::Percent => "a percentage",
            Kind::Duration => "a duration",
            Kind::Bytes => "a size in bytes",
            Kind::Plain => "a plain number",
        }
    }
}

#[derive(Debug, PartialEq)]
pub(crate) enum QuantityError {
    UnknownSuffix(String),
    Mismatch { kind: Kind },
    Malformed,
}

const BYTES: [(&str, f64); 9] = [
    ("B", 1.0),
    ("KB", 1e3),
    ("MB", 1e6),
    ("GB", 1e9),
    ("TB", 1e12),
    ("KiB", 1024.0),
    ("MiB", 1_048_576.0),
    ("GiB", 1_073_741_824.0),
    ("TiB", 1_099_511_627_776.0),
];

/// Reads `text` as a value of `unit`.
pub(crate) fn read(text: &str, unit: Unit) -> Result<f64, QuantityError> {
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .unwrap_or(text.len());
    let (number, suffix) = text.split_at(split);
    let (kind, value) = if suffix.is_empty() {
        (
            Kind::Plain,
            number
                .parse::<f64>()
                .map_err(|_| QuantityError::Malformed)?,
        )
    } else if suffix == "%" {
        (
            Kind::Percent,
            number
                .parse::<f64>()
                .map_err(|_| QuantityError::Malformed)?,
        )
    } else if let Some((_, factor)) = BYTES.iter().find(|(s, _)| *s == suffix) {
        let n: f64 = number.parse().map_err(|_| QuantityError::Malformed)?;
        (Kind::Bytes, n * factor)
    } else if let Ok(d) = Duration::parse(text) {
        (Kind::Duration, d.seconds())
    } else if let Some(seconds) = fractional_duration(number, suffix) {
        (Kind::Duration, seconds)
    } else {
        return Err(QuantityError::UnknownSuffix(suffix.to_string()));
    };
    match (unit, kind) {
        (Unit::Percent, Kind::Percent)
        | (Unit::Seconds, Kind::Duration)
        | (Unit::Bytes, Kind::Bytes)
        | (Unit::Ratio | Unit::Count | Unit::PerSecond | Unit::None, Kind::Plain) => Ok(value),
        (Unit::Ratio, Kind::Percent) => Ok(value / 100.0),
        _ => Err(QuantityError::Mismatch { kind }),
    }
}

/// `1.5s`: a threshold may be fractional even though a Prometheus duration may not.
fn fractional_duration(number: &str, suffix: &str) -> Option<f64> {
    let n: f64 = number.parse().ok()?;
    let scale = match suffix {
        "ms" => 0.001,
        "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        "d" => 86400.0,
        _ => return None,
    };
    Some(n * scale)
}

/// A number as PromQL and YAML show it: `10`, `0.1`, `604800`.
pub(crate) fn format_number(value: f64) -> String {
    format!("{value}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_values_in_the_query_unit() {
        assert_eq!(read("10%", Unit::Percent), Ok(10.0));
        assert_eq!(read("10%", Unit::Ratio), Ok(0.1));
        assert_eq!(read("30s", Unit::Seconds), Ok(30.0));
        assert_eq!(read("1.5s", Unit::Seconds), Ok(1.5));
        assert_eq!(read("7d", Unit::Seconds), Ok(604_800.0));
        assert_eq!(read("2GiB", Unit::Bytes), Ok(2_147_483_648.0));
        assert_eq!(read("3", Unit::Count), Ok(3.0));
    }

    #[test]
    fn rejects_mismatched_units() {
        assert_eq!(
            read("30s", Unit::Percent),
            Err(QuantityError::Mismatch {
                kind: Kind::Duration
            })
        );
        assert_eq!(
            read("90", Unit::Percent),
            Err(QuantityError::Mismatch { kind: Kind::Plain })
        );
        assert_eq!(
            read("3x", Unit::Count),
            Err(QuantityError::UnknownSuffix("x".into()))
        );
    }
}
