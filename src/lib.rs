//! Watchbook: one monitoring source compiled into Prometheus rules, Alertmanager routes,
//! Grafana dashboards and a runbook that agree with each other.

pub(crate) mod anchor;
pub(crate) mod check;
pub mod compile;
pub mod diagnostic;
pub mod diff;
pub mod emit;
pub mod explain;
pub mod fmt;
#[doc(hidden)]
pub mod fuzz;
pub(crate) mod go_template;
pub(crate) mod guard;
pub mod import;
pub mod init;
pub mod lint;
pub(crate) mod load;
pub mod lsp;
pub(crate) mod markdown;
pub(crate) mod memory;
pub(crate) mod parallel;
pub(crate) mod parse;
pub(crate) mod print;
#[cfg(test)]
pub(crate) mod random_text;
pub(crate) mod resolve;
pub mod source;
pub mod timing;
pub mod write;
