//! The report for people: grouped text for a terminal (coloured when it is one), and
//! markdown for a pull-request comment, a summary table first and the details folded.

use super::report::*;
use std::fmt::Write;

struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\u{1b}[{code}m{text}\u{1b}[0m")
        } else {
            text.to_string()
        }
    }
    fn added(&self, t: &str) -> String {
        self.paint("32", t)
    }
    fn removed(&self, t: &str) -> String {
        self.paint("31", t)
    }
    fn heading(&self, t: &str) -> String {
        self.paint("1", t)
    }
    fn warn(&self, t: &str) -> String {
        self.paint("33", t)
    }
}

fn direction(d: Option<Direction>) -> &'static str {
    match d {
        Some(Direction::Looser) => " (looser)",
        Some(Direction::Stricter) => " (stricter)",
        None => "",
    }
}

fn receivers(list: &[String]) -> String {
    if list.is_empty() {
        "nobody".into()
    } else {
        list.join(", ")
    }
}

/// One line: a multi-line value (an expression) keeps only its first line, marked.
fn short(text: &str) -> String {
    let mut lines = text.lines();
    let first = lines.next().unwrap_or_default().trim();
    if lines.next().is_some() {
        format!("{first} …")
    } else {
        first.to_string()
    }
}

fn field_line(c: &FieldChange) -> String {
    let mut line = format!(
        "{}: {} → {}{}",
        c.field,
        short(&c.before),
        short(&c.after),
        direction(c.direction)
    );
    if let Some(reason) = &c.reason {
        let _ = write!(line, " — reason: {reason}");
    }
    line
}

fn route_line(r: &RouteChange) -> String {
    let env = r
        .environment
        .as_ref()
        .map(|e| format!(" in {e}"))
        .unwrap_or_default();
    let paging = match (r.paged_before, r.paged_after) {
        (true, false) => " — no longer pages",
        (false, true) => " — now pages",
        _ => "",
    };
    format!(
        "{} ({}){env}: {} → {}{paging}",
        r.alert,
        r.severity,
        receivers(&r.before),
        receivers(&r.after)
    )
}

/// Text for a terminal.
pub fn human(report: &Report, color: bool) -> String {
    let s = Style { color };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        s.heading(&format!("Changes since {}", report.base))
    );
    if report.is_empty() {
        out.push_str("No change to alerts, routing, SLOs, dashboards or the runbook.\n");
        return out;
    }
    let a = &report.alerts;
    if !(a.added.is_empty() && a.removed.is_empty() && a.renamed.is_empty() && a.changed.is_empty())
    {
        let _ = writeln!(out, "\n{}", s.heading("Alerts"));
        for x in &a.added {
            let _ = writeln!(
                out,
                "  {} {} ({}) {}",
                s.added("+"),
                x.name,
                x.severity,
                x.at
            );
        }
        for x in &a.removed {
            let _ = writeln!(out, "  {} {} ({})", s.removed("-"), x.name, x.severity);
        }
        for r in &a.renamed {
            let _ = writeln!(out, "  ~ {} → {} ({})", r.from, r.to, r.severity);
        }
        for c in &a.changed {
            let _ = writeln!(out, "  ~ {} ({}) {}", c.name, c.severity, c.at);
            for f in &c.changes {
                let line = field_line(f);
                let line = if f.direction == Some(Direction::Looser) {
                    s.warn(&line)
                } else {
                    line
                };
                let _ = writeln!(out, "      {line}");
            }
        }
    }
    if !report.routing.is_empty()
        || !report.inhibitions.is_empty()
        || !report.time_intervals.is_empty()
    {
        let _ = writeln!(out, "\n{}", s.heading("Routing"));
        for r in &report.routing {
            let line = route_line(r);
            let line = if r.paging_changed() {
                s.warn(&line)
            } else {
                line
            };
            let _ = writeln!(out, "  {line}");
        }
        for (kind, list) in [
            ("inhibition", &report.inhibitions),
            ("time interval", &report.time_intervals),
        ] {
            for n in list {
                let _ = writeln!(out, "  {kind} {} {}", n.name, n.change);
            }
        }
    }
    let slo = &report.slos;
    if !(slo.added.is_empty() && slo.removed.is_empty() && slo.changed.is_empty()) {
        let _ = writeln!(out, "\n{}", s.heading("SLOs"));
        for n in &slo.added {
            let _ = writeln!(out, "  {} {n}", s.added("+"));
        }
        for n in &slo.removed {
            let _ = writeln!(out, "  {} {n}", s.removed("-"));
        }
        for c in &slo.changed {
            let _ = writeln!(out, "  ~ {}", c.name);
            for f in &c.changes {
                let _ = writeln!(out, "      {}", field_line(f));
            }
        }
    }
    let d = &report.dashboards;
    if !(d.added.is_empty() && d.removed.is_empty() && d.changed.is_empty()) {
        let _ = writeln!(out, "\n{}", s.heading("Dashboards"));
        for n in &d.added {
            let _ = writeln!(out, "  {} {n}", s.added("+"));
        }
        for n in &d.removed {
            let _ = writeln!(out, "  {} {n}", s.removed("-"));
        }
        for c in &d.changed {
            let _ = writeln!(out, "  ~ {} ({})", c.title, c.uid);
            for p in &c.panels_added {
                let _ = writeln!(out, "      {} panel {p}", s.added("+"));
            }
            for p in &c.panels_removed {
                let _ = writeln!(out, "      {} panel {p}", s.removed("-"));
            }
            for f in &c.steps_moved {
                let _ = writeln!(out, "      steps of {}", field_line(f));
            }
        }
    }
    let r = &report.runbook;
    if report.summary.runbook_changes > 0 {
        let _ = writeln!(out, "\n{}", s.heading("Runbook"));
        for n in &r.sections_added {
            let _ = writeln!(out, "  {} section {n}", s.added("+"));
        }
        for n in &r.sections_removed {
            let _ = writeln!(out, "  {} section {n}", s.removed("-"));
        }
        for n in &r.sections_changed {
            let _ = writeln!(out, "  ~ section {n}");
        }
        if r.steps_changed > 0 {
            let _ = writeln!(
                out,
                "  {} investigation or resolution steps changed",
                r.steps_changed
            );
        }
    }
    out
}

/// Markdown for a pull-request comment.
pub fn markdown(report: &Report) -> String {
    let s = &report.summary;
    let mut out = format!("### Monitoring changes since `{}`\n\n", report.base);
    if report.is_empty() {
        out.push_str("No change to alerts, routing, SLOs, dashboards or the runbook.\n");
        return out;
    }
    out.push_str("| | |\n|---|---|\n");
    let rows = [
        ("Alerts added", s.alerts_added),
        ("Alerts removed", s.alerts_removed),
        ("Alerts renamed", s.alerts_renamed),
        ("Alerts changed", s.alerts_changed),
        ("Loosened (fire later or less)", s.loosened),
        ("Stricter", s.stricter),
        ("Routing changes", s.routing_changes),
        ("Paging changes", s.paging_changes),
        ("SLOs changed", s.slos_changed),
        ("Dashboards changed", s.dashboards_changed),
        ("Runbook changes", s.runbook_changes),
    ];
    for (label, n) in rows.iter().filter(|(_, n)| *n > 0) {
        let flag = if (*label == "Paging changes" || label.starts_with("Loosened")) && *n > 0 {
            " ⚠️"
        } else {
            ""
        };
        let _ = writeln!(out, "| {label} | {n}{flag} |");
    }
    let fold = |out: &mut String, title: &str, lines: Vec<String>| {
        if lines.is_empty() {
            return;
        }
        let _ = writeln!(out, "\n<details><summary>{title}</summary>\n");
        for l in lines {
            let _ = writeln!(out, "- {l}");
        }
        out.push_str("\n</details>\n");
    };
    let code = |t: &str| format!("`{}`", t.replace('`', "'"));
    let field = |c: &FieldChange| {
        let mut line = format!(
            "{}: {} → {}{}",
            escape(&c.field),
            code(&short(&c.before)),
            code(&short(&c.after)),
            direction(c.direction)
        );
        if let Some(reason) = &c.reason {
            let _ = write!(line, " — reason: {}", escape(reason));
        }
        line
    };
    let a = &report.alerts;
    let mut lines: Vec<String> = Vec::new();
    lines.extend(
        a.added
            .iter()
            .map(|x| format!("added **{}** ({})", escape(&x.name), x.severity)),
    );
    lines.extend(
        a.removed
            .iter()
            .map(|x| format!("removed **{}** ({})", escape(&x.name), x.severity)),
    );
    lines.extend(
        a.renamed
            .iter()
            .map(|r| format!("renamed **{}** → **{}**", escape(&r.from), escape(&r.to))),
    );
    for c in &a.changed {
        let fields: Vec<String> = c.changes.iter().map(field).collect();
        lines.push(format!(
            "**{}** ({}): {}",
            escape(&c.name),
            c.severity,
            fields.join("; ")
        ));
    }
    fold(&mut out, "Alerts", lines);
    let mut lines: Vec<String> = report
        .routing
        .iter()
        .map(|r| escape(&route_line(r)))
        .collect();
    for (kind, list) in [
        ("inhibition", &report.inhibitions),
        ("time interval", &report.time_intervals),
    ] {
        lines.extend(
            list.iter()
                .map(|n| format!("{kind} {} {}", escape(&n.name), n.change)),
        );
    }
    fold(&mut out, "Routing", lines);
    let slo = &report.slos;
    let mut lines: Vec<String> = Vec::new();
    lines.extend(slo.added.iter().map(|n| format!("added **{}**", escape(n))));
    lines.extend(
        slo.removed
            .iter()
            .map(|n| format!("removed **{}**", escape(n))),
    );
    for c in &slo.changed {
        let fields: Vec<String> = c.changes.iter().map(field).collect();
        lines.push(format!("**{}**: {}", escape(&c.name), fields.join("; ")));
    }
    fold(&mut out, "SLOs", lines);
    let d = &report.dashboards;
    let mut lines: Vec<String> = Vec::new();
    lines.extend(d.added.iter().map(|n| format!("added `{n}`")));
    lines.extend(d.removed.iter().map(|n| format!("removed `{n}`")));
    for c in &d.changed {
        let mut parts: Vec<String> = Vec::new();
        parts.extend(
            c.panels_added
                .iter()
                .map(|p| format!("+ panel {}", escape(p))),
        );
        parts.extend(
            c.panels_removed
                .iter()
                .map(|p| format!("− panel {}", escape(p))),
        );
        parts.extend(
            c.steps_moved
                .iter()
                .map(|f| format!("steps of {}", field(f))),
        );
        lines.push(format!("**{}**: {}", escape(&c.title), parts.join("; ")));
    }
    fold(&mut out, "Dashboards", lines);
    let r = &report.runbook;
    let mut lines: Vec<String> = Vec::new();
    lines.extend(
        r.sections_added
            .iter()
            .map(|n| format!("added section `{n}`")),
    );
    lines.extend(
        r.sections_removed
            .iter()
            .map(|n| format!("removed section `{n}`")),
    );
    lines.extend(
        r.sections_changed
            .iter()
            .map(|n| format!("changed section `{n}`")),
    );
    if r.steps_changed > 0 {
        lines.push(format!(
            "{} investigation or resolution steps changed",
            r.steps_changed
        ));
    }
    fold(&mut out, "Runbook", lines);
    out
}

/// Text from the source, inert in markdown and HTML.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '*' | '_' | '`' | '[' | ']' | '|' | '\\' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}
