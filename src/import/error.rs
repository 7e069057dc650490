//! Everything an import can find wrong, worded in one place.

use crate::diagnostic::StageError;
use crate::source::Span;
use std::fmt;

#[derive(Debug)]
pub enum ImportError {
    NoInput,
    Unreadable {
        path: String,
        reason: String,
    },
    /// Not a Prometheus rule file (or not YAML at all).
    NotRuleFile {
        path: String,
        reason: String,
    },
    /// Something the language cannot say, named where it is.
    Unsupported {
        path: String,
        group: String,
        rule: Option<String>,
        what: String,
    },
    /// The imported sources do not compile (a name clash with the directory, say).
    DoesNotCompile {
        diagnostics: String,
    },
    /// What `compile` makes of the import differs from the input.
    RoundTrip {
        source: String,
        group: String,
        rule: Option<String>,
        what: String,
    },
    VersionTooOld {
        /// `Prometheus` or `Alertmanager`.
        system: &'static str,
        needed: String,
        declared: String,
    },
    /// Not an Alertmanager configuration (or not YAML at all).
    NotAlertmanagerConfig {
        path: String,
        reason: String,
    },
    /// A part of an Alertmanager configuration the language cannot say, named where it is.
    UnsupportedConfig {
        path: String,
        at: String,
        what: String,
    },
    /// The rules directory routes already: an imported tree would be a second one.
    RoutingExists {
        dir: String,
    },
    /// Not a Sloth spec (or not YAML at all).
    NotSlothSpec {
        path: String,
        reason: String,
    },
    /// Not OpenSLO (or not YAML at all).
    NotOpenSlo {
        path: String,
        reason: String,
    },
    /// Not a Pyrra `ServiceLevelObjective` (or not YAML at all).
    NotPyrra {
        path: String,
        reason: String,
    },
    /// Part of a Sloth spec the language cannot say; `slo` is the SLO's name.
    UnsupportedSlo {
        path: String,
        slo: Option<String>,
        what: String,
    },
    /// What `compile` makes of an imported SLO differs from what Sloth generates.
    SloRoundTrip {
        source: String,
        slo: String,
        what: String,
    },
    Exists {
        path: String,
    },
    Io {
        path: String,
        reason: String,
    },
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ImportError::*;
        match self {
            NoInput => write!(f, "no rule files to import: name files, or directories holding `.yml` or `.yaml` files"),
            Unreadable { path, reason } => write!(f, "cannot read `{path}`: {reason}"),
            NotRuleFile { path, reason } => {
                write!(f, "`{path}` is not a Prometheus rule file: {reason}")
            }
            Unsupported {
                path,
                group,
                rule: Some(rule),
                what,
            } => write!(f, "cannot import {rule} of group `{group}` in `{path}`: it has {what}"),
            Unsupported {
                path, group, what, ..
            } => write!(f, "cannot import group `{group}` of `{path}`: it has {what}"),
            DoesNotCompile { .. } => write!(f, "the imported sources do not compile"),
            RoundTrip {
                source,
                group,
                rule: Some(rule),
                what,
            } => write!(
                f,
                "the round trip changes {rule} of group `{group}` (`{source}`): {what}"
            ),
            RoundTrip {
                source,
                group,
                what,
                ..
            } => write!(f, "the round trip changes group `{group}` (`{source}`): {what}"),
            VersionTooOld {
                system,
                needed,
                declared,
            } => write!(
                f,
                "the import needs {system} {needed}, but the project is for {declared}"
            ),
            NotAlertmanagerConfig { path, reason } => {
                write!(f, "`{path}` is not an Alertmanager configuration: {reason}")
            }
            UnsupportedConfig { path, at, what } => {
                write!(f, "cannot import {at} of `{path}`: it has {what}")
            }
            RoutingExists { dir } => write!(
                f,
                "`{dir}` has a `routing` or `alertmanager` block already"
            ),
            NotSlothSpec { path, reason } => {
                write!(f, "`{path}` is not a Sloth spec: {reason}")
            }
            NotOpenSlo { path, reason } => {
                write!(f, "`{path}` is not OpenSLO: {reason}")
            }
            NotPyrra { path, reason } => {
                write!(f, "`{path}` is not a Pyrra objective: {reason}")
            }
            UnsupportedSlo {
                path,
                slo: Some(slo),
                what,
            } => write!(f, "cannot import SLO `{slo}` of `{path}`: it has {what}"),
            UnsupportedSlo { path, what, .. } => write!(f, "cannot import `{path}`: it has {what}"),
            SloRoundTrip { source, slo, what } => write!(
                f,
                "the round trip changes SLO `{slo}` (`{source}`): {what}"
            ),
            Exists { path } => write!(f, "`{path}` exists already"),
            Io { path, reason } => write!(f, "cannot write `{path}`: {reason}"),
        }
    }
}

impl StageError for ImportError {
    fn code(&self) -> &'static str {
        use ImportError::*;
        match self {
            NoInput => "E0501",
            Unreadable { .. } => "E0502",
            NotRuleFile { .. } => "E0503",
            Unsupported { .. } => "E0504",
            DoesNotCompile { .. } => "E0505",
            RoundTrip { .. } => "E0506",
            VersionTooOld { .. } => "E0507",
            Exists { .. } => "E0508",
            Io { .. } => "E0509",
            NotAlertmanagerConfig { .. } => "E0510",
            RoutingExists { .. } => "E0511",
            UnsupportedConfig { .. } => "E0512",
            NotSlothSpec { .. } => "E0513",
            UnsupportedSlo { .. } => "E0514",
            SloRoundTrip { .. } => "E0515",
            NotOpenSlo { .. } => "E0516",
            NotPyrra { .. } => "E0517",
        }
    }

    fn span(&self) -> Option<Span> {
        None
    }

    fn help(&self) -> Option<String> {
        use ImportError::*;
        match self {
            DoesNotCompile { diagnostics } => Some(format!(
                "nothing was written; the compiler said:\n{}",
                diagnostics.trim_end()
            )),
            SloRoundTrip { .. } => Some(
                "nothing was written; please report this SLO: the import should reproduce the original tool's rules or refuse it".into(),
            ),
            UnsupportedSlo { .. } => Some("nothing was written; change the spec, or leave it out of the import".into()),
            RoundTrip { .. } => Some(
                "nothing was written; please report this rule: the import should express it exactly or refuse it".into(),
            ),
            VersionTooOld { system, needed, .. } => Some(format!(
                "if your {system} is {needed} or later, write `{}_version \"{needed}\"` in the project",
                system.to_lowercase()
            )),
            RoutingExists { .. } => Some(
                "import into a directory without one, or remove that source first: one Alertmanager has one routing tree".into(),
            ),
            Exists { .. } => Some("`--force` replaces it".into()),
            Unsupported { .. } => Some("nothing was written; change the rule, or leave it out of the import".into()),
            UnsupportedConfig { .. } => Some("nothing was written; the import refuses what it cannot carry over exactly rather than drop it".into()),
            _ => None,
        }
    }
}
