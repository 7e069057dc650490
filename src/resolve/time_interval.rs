//! `time_interval NAME { ... }`: Alertmanager's time intervals, checked as Alertmanager reads
//! them and evaluated at an instant, so that the route walker knows when a route is muted.

use super::error::ResolveError;
use super::model::{Period, TimeIntervalDef};
use super::Resolver;
use crate::parse::ast;

const WEEKDAYS: [&str; 7] = [
    "sunday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
];
const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// `a` or `a:b`, each read by `one`.
fn range<T: Copy>(text: &str, one: impl Fn(&str) -> Option<T>) -> Option<(T, T)> {
    match text.split_once(':') {
        Some((a, b)) => Some((one(a.trim())?, one(b.trim())?)),
        None => {
            let v = one(text.trim())?;
            Some((v, v))
        }
    }
}

fn weekday(name: &str) -> Option<u8> {
    WEEKDAYS
        .iter()
        .position(|d| d.eq_ignore_ascii_case(name))
        .map(|i| i as u8)
}

fn month(name: &str) -> Option<u8> {
    MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(name))
        .map(|i| i as u8 + 1)
        .or_else(|| name.parse::<u8>().ok().filter(|m| (1..=12).contains(m)))
}

/// `HH:MM` in minutes of the day; `24:00` is the day's end.
fn clock(text: &str) -> Option<u16> {
    let (h, m) = text.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    let minutes = h * 60 + m;
    (m < 60 && minutes <= 24 * 60).then_some(minutes)
}

impl Resolver<'_> {
    pub(super) fn time_interval(&mut self, t: &ast::TimeInterval) -> TimeIntervalDef {
        let periods = t.periods.iter().filter_map(|p| self.period(p)).collect();
        TimeIntervalDef {
            name: t.name.value.clone(),
            periods,
        }
    }

    fn period(&mut self, p: &ast::Period) -> Option<Period> {
        let errors = self.errors.len();
        let bad = |r: &mut Self, text: &ast::Text, expected: &'static str| {
            r.errors.push(ResolveError::BadSetting {
                key: "time_interval".into(),
                value: text.value.clone(),
                expected,
                span: text.span,
            });
        };
        let mut period = Period::default();
        for w in &p.weekdays {
            match range(&w.value, weekday).filter(|(a, b)| a <= b) {
                Some(r) => period.weekdays.push(r),
                None => bad(
                    self,
                    w,
                    "a weekday or a range of them, such as `monday:friday`",
                ),
            }
        }
        for t in &p.times {
            let parsed = t
                .value
                .split_once('-')
                .and_then(|(a, b)| Some((clock(a.trim())?, clock(b.trim())?)))
                .filter(|(a, b)| a < b);
            match parsed {
                Some(r) => period.times.push(r),
                None => bad(
                    self,
                    t,
                    "a range of the day such as `09:00-17:00`, start before end",
                ),
            }
        }
        for d in &p.days_of_month {
            let day = |s: &str| {
                s.parse::<i32>()
                    .ok()
                    .filter(|d| *d != 0 && (-31..=31).contains(d))
            };
            // Alertmanager refuses a range whose ends are on the same side and reversed.
            match range(&d.value, day).filter(|(a, b)| (a.signum() != b.signum()) || a <= b) {
                Some(r) => period.days_of_month.push(r),
                None => bad(
                    self,
                    d,
                    "a day of the month (1 to 31, or -1 for the last) or a range such as `1:7`",
                ),
            }
        }
        for m in &p.months {
            match range(&m.value, month).filter(|(a, b)| a <= b) {
                Some(r) => period.months.push(r),
                None => bad(
                    self,
                    m,
                    "a month (name or 1 to 12) or a range such as `january:march`",
                ),
            }
        }
        for y in &p.years {
            let year = |s: &str| s.parse::<i16>().ok().filter(|y| *y > 0);
            match range(&y.value, year).filter(|(a, b)| a <= b) {
                Some(r) => period.years.push(r),
                None => bad(self, y, "a year or a range of years such as `2026:2027`"),
            }
        }
        if let Some(location) = &p.location {
            // A zone the compiler knows, so that route tests and checks read times as
            // Alertmanager will; `Local` would depend on the host.
            match jiff::tz::TimeZone::get(&location.value) {
                Ok(_) if location.value != "Local" => {
                    period.location = Some(location.value.clone())
                }
                _ => bad(
                    self,
                    location,
                    "a time zone name such as `Europe/Berlin` or `UTC`",
                ),
            }
        }
        period.text = p.clone_texts();
        (self.errors.len() == errors).then_some(period)
    }
}

impl ast::Period {
    /// The fields as written, for the configuration Alertmanager reads.
    fn clone_texts(&self) -> super::model::PeriodText {
        let texts = |v: &[ast::Text]| v.iter().map(|t| t.value.clone()).collect();
        super::model::PeriodText {
            weekdays: texts(&self.weekdays),
            times: texts(&self.times),
            days_of_month: texts(&self.days_of_month),
            months: texts(&self.months),
            years: texts(&self.years),
            location: self.location.as_ref().map(|l| l.value.clone()),
        }
    }
}

impl TimeIntervalDef {
    /// Whether the instant lies in any of the periods.
    pub(crate) fn contains(&self, at: jiff::Timestamp) -> bool {
        self.periods.iter().any(|p| p.contains(at))
    }
}

impl Period {
    pub(crate) fn contains(&self, at: jiff::Timestamp) -> bool {
        let zone = self
            .location
            .as_deref()
            .and_then(|l| jiff::tz::TimeZone::get(l).ok())
            .unwrap_or(jiff::tz::TimeZone::UTC);
        let local = at.to_zoned_datetime(zone);
        let minutes = local.hour() as u16 * 60 + local.minute() as u16;
        let weekday = local.weekday().to_sunday_zero_offset() as u8;
        let day = local.day() as i32;
        let days_in_month = local.days_in_month() as i32;
        let month = local.month() as u8;
        let year = local.year();
        let within = |ranges: &[(u8, u8)], v: u8| {
            ranges.is_empty() || ranges.iter().any(|(a, b)| *a <= v && v <= *b)
        };
        let day_ok = self.days_of_month.is_empty()
            || self.days_of_month.iter().any(|(a, b)| {
                let resolve = |d: i32| if d < 0 { days_in_month + d + 1 } else { d };
                resolve(*a) <= day && day <= resolve(*b)
            });
        let time_ok = self.times.is_empty()
            || self
                .times
                .iter()
                .any(|(a, b)| *a <= minutes && minutes < *b);
        let year_ok =
            self.years.is_empty() || self.years.iter().any(|(a, b)| *a <= year && year <= *b);
        within(&self.weekdays, weekday)
            && within(&self.months, month)
            && day_ok
            && time_ok
            && year_ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> jiff::Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn periods_hold_where_alertmanager_says() {
        let p = Period {
            weekdays: vec![(1, 5)],
            times: vec![(9 * 60, 17 * 60)],
            location: Some("Europe/Berlin".into()),
            ..Period::default()
        };
        // Friday 2026-01-09, 16:30 in Berlin is 15:30 UTC.
        assert!(p.contains(at("2026-01-09T15:30:00Z")));
        assert!(!p.contains(at("2026-01-09T16:00:00Z")));
        assert!(!p.contains(at("2026-01-10T10:00:00Z")));
        let last_days = Period {
            days_of_month: vec![(-3, -1)],
            ..Period::default()
        };
        assert!(last_days.contains(at("2026-02-27T00:00:00Z")));
        assert!(!last_days.contains(at("2026-02-25T00:00:00Z")));
        assert_eq!(range("monday:friday", weekday), Some((1, 5)));
        assert_eq!(clock("24:00"), Some(1440));
        assert_eq!(clock("9:00"), None);
        assert_eq!(month("March"), Some(3));
    }
}
