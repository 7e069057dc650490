//! What changed between two versions of a source, as a reviewer asks it: alerts, who gets
//! paged, SLOs, dashboards and the runbook. Serialised as is for `--format json`.

use serde::Serialize;

#[derive(Debug, Default, Serialize)]
pub struct Report {
    /// What the working tree is compared with: a git ref or a directory.
    pub base: String,
    pub alerts: AlertChanges,
    pub routing: Vec<RouteChange>,
    pub inhibitions: Vec<NamedChange>,
    pub time_intervals: Vec<NamedChange>,
    pub slos: SloChanges,
    pub dashboards: DashboardChanges,
    pub runbook: RunbookChanges,
    pub summary: Summary,
}

#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub alerts_added: usize,
    pub alerts_removed: usize,
    pub alerts_renamed: usize,
    pub alerts_changed: usize,
    /// Changes that let an alert fire later or less often (a threshold moved past its
    /// direction, a longer `for`, a lower severity).
    pub loosened: usize,
    pub stricter: usize,
    /// Alerts that page where they did not, or no longer page.
    pub paging_changes: usize,
    pub routing_changes: usize,
    pub slos_changed: usize,
    pub dashboards_changed: usize,
    pub runbook_changes: usize,
}

impl Report {
    /// Whether nothing a reviewer would care about changed.
    pub fn is_empty(&self) -> bool {
        let s = &self.summary;
        s.alerts_added
            + s.alerts_removed
            + s.alerts_renamed
            + s.alerts_changed
            + s.routing_changes
            + s.slos_changed
            + s.dashboards_changed
            + s.runbook_changes
            + self.inhibitions.len()
            + self.time_intervals.len()
            == 0
    }
}

#[derive(Debug, Default, Serialize)]
pub struct AlertChanges {
    pub added: Vec<AlertRef>,
    pub removed: Vec<AlertRef>,
    pub renamed: Vec<Rename>,
    pub changed: Vec<AlertChange>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AlertRef {
    pub name: String,
    pub severity: String,
    /// Where the head's declaration stands (`rules/alerts.wb:12`); empty for removed alerts.
    pub at: String,
}

#[derive(Debug, Serialize)]
pub struct Rename {
    pub from: String,
    pub to: String,
    pub severity: String,
}

#[derive(Debug, Serialize)]
pub struct AlertChange {
    pub name: String,
    pub severity: String,
    pub at: String,
    pub changes: Vec<FieldChange>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// The alert fires later, less often, or less urgently.
    Looser,
    Stricter,
}

#[derive(Debug, Serialize)]
pub struct FieldChange {
    /// `threshold`, `for`, `severity`, `label team`, `summary`, `expression (prod)`...
    pub field: String,
    pub before: String,
    pub after: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    /// The `reason` the head gives for it, when it gives a new one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct RouteChange {
    pub alert: String,
    pub severity: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    pub before: Vec<String>,
    pub after: Vec<String>,
    pub paged_before: bool,
    pub paged_after: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl RouteChange {
    pub fn paging_changed(&self) -> bool {
        self.paged_before != self.paged_after
    }
}

#[derive(Debug, Serialize)]
pub struct NamedChange {
    pub name: String,
    /// `added`, `removed` or `changed`.
    pub change: &'static str,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub before: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub after: String,
}

#[derive(Debug, Default, Serialize)]
pub struct SloChanges {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<SloChange>,
}

#[derive(Debug, Serialize)]
pub struct SloChange {
    pub name: String,
    pub changes: Vec<FieldChange>,
}

#[derive(Debug, Default, Serialize)]
pub struct DashboardChanges {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<DashboardChange>,
}

#[derive(Debug, Serialize)]
pub struct DashboardChange {
    pub uid: String,
    pub title: String,
    pub panels_added: Vec<String>,
    pub panels_removed: Vec<String>,
    pub steps_moved: Vec<FieldChange>,
}

#[derive(Debug, Default, Serialize)]
pub struct RunbookChanges {
    pub sections_added: Vec<String>,
    pub sections_removed: Vec<String>,
    pub sections_changed: Vec<String>,
    /// Investigation and resolution steps added, removed or edited, over every alert.
    pub steps_changed: usize,
}
