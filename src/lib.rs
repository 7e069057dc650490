//! Watchbook: one monitoring source compiled into Prometheus rules, Alertmanager routes,
//! Grafana dashboards and a runbook that agree with each other.

pub mod diagnostic;
pub(crate) mod load;
pub(crate) mod parse;
pub mod source;
pub(crate) mod anchor;
pub(crate) mod resolve;
pub(crate) mod check;
pub mod emit;
pub(crate) mod go_template;
pub mod compile;
pub mod write;


