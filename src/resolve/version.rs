//! The Prometheus version the output is for: rule-file features newer than it are refused
//! where they are used, so that the Prometheus that loads the rules agrees with the compile.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Version {
    pub major: u32,
    pub minor: u32,
}

impl Version {
    /// The version of the promtool the tests install: the default target.
    pub(crate) const DEFAULT: Version = Version::new(2, 42);
    /// `keep_firing_for` on alerting rules.
    pub(crate) const KEEP_FIRING_FOR: Version = Version::new(2, 42);
    /// `limit` on rule groups.
    pub(crate) const GROUP_LIMIT: Version = Version::new(2, 31);
    /// `query_offset` on rule groups.
    pub(crate) const QUERY_OFFSET: Version = Version::new(2, 53);
    /// `labels` on rule groups.
    pub(crate) const GROUP_LABELS: Version = Version::new(3, 0);

    pub(crate) const fn new(major: u32, minor: u32) -> Version {
        Version { major, minor }
    }

    /// The version of the amtool the tests install: the default Alertmanager.
    pub(crate) const ALERTMANAGER: Version = Version::new(0, 25);

    /// `2.53`, `2.53.1` or `v3.0.0`: the patch level does not change the rule format.
    pub(crate) fn parse(text: &str) -> Option<Version> {
        Self::parse_any(text).filter(|v| v.major >= 2)
    }

    /// An Alertmanager release: `0.27` or `v0.28.1`.
    pub(crate) fn parse_alertmanager(text: &str) -> Option<Version> {
        Self::parse_any(text).filter(|v| v.major == 0 && v.minor >= 20)
    }

    fn parse_any(text: &str) -> Option<Version> {
        let text = text.strip_prefix('v').unwrap_or(text);
        let mut parts = text.split('.');
        let number = |p: Option<&str>| -> Option<u32> {
            let p = p?;
            if p.is_empty() || p.len() > 6 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            p.parse().ok()
        };
        let major = number(parts.next())?;
        let minor = number(parts.next())?;
        if let Some(patch) = parts.next() {
            number(Some(patch))?;
        }
        if parts.next().is_some() {
            return None;
        }
        Some(Version { major, minor })
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_release_numbers() {
        assert_eq!(Version::parse("2.53"), Some(Version::new(2, 53)));
        assert_eq!(Version::parse("v3.0.1"), Some(Version::new(3, 0)));
        for bad in ["", "2", "1.8", "2.x", "2.53.1.1", "2..1", "3.0.0-rc.1"] {
            assert_eq!(Version::parse(bad), None, "{bad}");
        }
        assert!(Version::QUERY_OFFSET > Version::DEFAULT);
        assert_eq!(
            Version::parse_alertmanager("v0.28.1"),
            Some(Version::new(0, 28))
        );
        assert_eq!(Version::parse_alertmanager("2.53"), None);
    }
}
