//! What an SLO import (`sloth`, `openslo`) writes and how it checks it: each source's header
//! and imports, and, before anything is written, a compile of the directory as it will be
//! whose rules are held to what each imported SLO must record and raise.

use super::existing::Existing;
use super::sloth_spec::Labels;
use super::{rule_file, ImportError, Source};
use crate::diagnostic::{Diagnostic, StageError};
use crate::print::{string, Printer};
use std::collections::BTreeSet;
use std::path::Path;

/// One SLO as it will be checked after the compile.
pub(super) struct Expected {
    pub sloth_id: String,
    /// The windows whose `slo:sli_error:ratio_rate<W>` is checked.
    pub windows: Vec<String>,
    /// The SLI's error ratio for a window, as Sloth records it (`$window` in it).
    pub error_ratio: String,
    /// (kind, alert name, labels, annotations) of each alert that is on.
    pub alerts: Vec<(&'static str, String, Labels, Labels)>,
    pub off: Vec<&'static str>,
}

/// One source an SLO import writes, before its text is made.
pub(super) struct SloSource<'a> {
    /// `sloth` or `openslo`: named in the header.
    pub command: &'static str,
    pub input: &'a Path,
    /// A second header line (the resources read), if any.
    pub note: Option<String>,
    /// Sources whose declarations this one uses (services, receivers).
    pub uses: &'a BTreeSet<String>,
    pub severities: &'a BTreeSet<String>,
    /// The source's own name, never imported by itself.
    pub name: &'a str,
    /// The declarations, as text.
    pub body: &'a str,
}

impl SloSource<'_> {
    /// The header, the imports (severities from where they are declared, or the support file
    /// the import writes), then the declarations.
    pub fn text(&self, severities_file: Option<&str>, existing: &Existing) -> String {
        let mut p = Printer::new();
        let file_name = self
            .input
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        p.comment(&format!(
            "Imported by `watchbook import {}` from {file_name}.",
            self.command
        ));
        if let Some(note) = &self.note {
            p.comment(note);
        }
        let mut imports = self.uses.clone();
        for s in self.severities {
            match existing.severities.get(s) {
                Some(file) => imports.insert(file.clone()),
                None => imports.insert(severities_file.unwrap_or_default().to_string()),
            };
        }
        imports.retain(|i| !i.is_empty() && i != self.name);
        if !imports.is_empty() {
            p.line("");
        }
        for i in &imports {
            p.line(&format!("import {}", string(i)));
        }
        let mut text = p.finish();
        text.push_str(self.body);
        text
    }
}

/// Compiles the directory as it will be and checks each source's SLOs: `files` holds each
/// source's name and what its SLOs must do.
pub(super) fn verify(
    out: &Path,
    existing: &Existing,
    sources: &[Source],
    files: &[(&str, &[Expected])],
) -> Result<(), Vec<Diagnostic>> {
    round_trip(out, existing, sources, files, |e, rules| {
        (e.sloth_id.clone(), differences_of(e, rules))
    })
}

/// Compiles the directory as it will be and holds each source's rule file to what each of
/// its SLOs must record and raise: `differences` names an SLO and says how the compiled rules
/// differ from what the original tool generates for it (nothing when alike).
pub(super) fn round_trip<E>(
    out: &Path,
    existing: &Existing,
    sources: &[Source],
    files: &[(&str, &[E])],
    differences: impl Fn(&E, &[rule_file::Rule]) -> (String, Vec<String>),
) -> Result<(), Vec<Diagnostic>> {
    let artifacts = super::scratch_compile(out, existing, sources)?;
    let mut found = Vec::new();
    for (name, expected) in files {
        let stem = name.trim_end_matches(".wb");
        let path = format!("prometheus/{stem}.rules.yml");
        let rules: Vec<rule_file::Rule> = artifacts
            .iter()
            .find(|a| a.path == path)
            .and_then(|a| rule_file::read(&path, &String::from_utf8_lossy(&a.bytes)).ok())
            .into_iter()
            .flatten()
            .flat_map(|d| d.groups)
            .flat_map(|g| g.rules)
            .collect();
        for e in expected.iter() {
            let (slo, whats) = differences(e, &rules);
            found.extend(whats.into_iter().map(|what| {
                ImportError::SloRoundTrip {
                    source: name.to_string(),
                    slo: slo.clone(),
                    what,
                }
                .to_diagnostic()
            }));
        }
    }
    if found.is_empty() {
        Ok(())
    } else {
        Err(found)
    }
}

/// How the compiled rules of one SLO differ from what its spec says (Sloth's shapes).
fn differences_of(e: &Expected, rules: &[rule_file::Rule]) -> Vec<String> {
    let own = |r: &&rule_file::Rule| r.labels.get("sloth_id") == Some(&e.sloth_id);
    let mut out = Vec::new();
    let mine: Vec<&rule_file::Rule> = rules.iter().filter(own).collect();
    for w in &e.windows {
        let record = format!("slo:sli_error:ratio_rate{w}");
        let found = mine.iter().find(|r| {
            r.kind == rule_file::Kind::Record
                && r.name == record
                && r.labels.get("sloth_window") == Some(w)
        });
        match found {
            None => out.push(format!("there is no `{record}`")),
            Some(r) => {
                let theirs = e.error_ratio.replace("$window", w);
                if !super::compare::same_text(&r.expr, &theirs) {
                    out.push(format!("`{record}` records `{}`, not `{theirs}`", r.expr));
                }
            }
        }
    }
    if !mine.iter().any(|r| r.name == "sloth_slo_info") {
        out.push("there is no `sloth_slo_info`".into());
    }
    for (kind, name, labels, annotations) in &e.alerts {
        let found = mine.iter().find(|r| {
            r.kind == rule_file::Kind::Alert
                && &r.name == name
                && r.labels.get("sloth_severity").map(String::as_str) == Some(*kind)
        });
        let Some(r) = found else {
            out.push(format!("there is no {kind} alert `{name}`"));
            continue;
        };
        for (k, v) in labels {
            if r.labels.get(k) != Some(v) {
                out.push(format!("the {kind} alert's label `{k}` is not `{v}`"));
            }
        }
        for (k, v) in annotations {
            if r.annotations.get(k) != Some(v) {
                out.push(format!("the {kind} alert's annotation `{k}` is not `{v}`"));
            }
        }
    }
    for kind in &e.off {
        let alert = mine.iter().any(|r| {
            r.kind == rule_file::Kind::Alert
                && r.labels.get("sloth_severity").map(String::as_str) == Some(*kind)
        });
        if alert {
            out.push(format!("there is a {kind} alert, which the spec disables"));
        }
    }
    out
}
