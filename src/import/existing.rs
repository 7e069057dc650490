//! What the rules directory holds already: the names its sources declare (an import must not
//! declare them again), where each severity is declared (imports refer to it), and the
//! project's Prometheus version.

use super::convert::Taken;
use super::ImportError;
use crate::parse::ast::Declaration;
use crate::resolve::version::Version;
use crate::source::FileId;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Default)]
pub(super) struct Existing {
    /// Source files below the directory, relative, `/`-separated, sorted.
    pub files: Vec<String>,
    /// Severity name -> the file declaring it.
    pub severities: BTreeMap<String, String>,
    /// Service name -> the file declaring it.
    pub services: BTreeMap<String, String>,
    pub has_project: bool,
    pub prometheus_version: Option<Version>,
    pub alertmanager_version: Option<Version>,
    /// Whether a source holds a `routing` block (an imported tree would be a second root).
    pub has_routing: bool,
    pub has_alertmanager_block: bool,
    names: Vec<(&'static str, String)>,
}

impl Existing {
    pub(super) fn taken(&self) -> Taken {
        let mut taken = Taken::default();
        for (kind, name) in &self.names {
            taken.take(kind, name);
        }
        taken
    }
}

/// Scans `dir` (which may not exist yet), leaving out the files `--force` replaces.
pub(super) fn scan(dir: &Path, replaced: &[String]) -> Result<Existing, ImportError> {
    let mut existing = Existing::default();
    if !dir.exists() {
        return Ok(existing);
    }
    if !dir.is_dir() {
        return Err(ImportError::Io {
            path: dir.display().to_string(),
            reason: "not a directory".into(),
        });
    }
    let mut files: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "wb"))
        .filter_map(|e| {
            let rel = e.path().strip_prefix(dir).ok()?;
            Some(rel.to_string_lossy().replace('\\', "/"))
        })
        .filter(|rel| !replaced.contains(rel))
        .collect();
    files.sort();
    for (i, rel) in files.iter().enumerate() {
        let text = std::fs::read_to_string(dir.join(rel)).map_err(|e| ImportError::Io {
            path: dir.join(rel).display().to_string(),
            reason: e.to_string(),
        })?;
        // Syntax errors surface in the compile that checks the round trip.
        let (ast, _) = crate::parse::parse(FileId(i as u32), &text);
        for d in &ast.declarations {
            let name = |kind, n: &str| (kind, n.to_string());
            match d {
                Declaration::Severity(s) => {
                    existing
                        .severities
                        .insert(s.name.value.clone(), rel.clone());
                    existing.names.push(name("severity", &s.name.value));
                }
                Declaration::Query(q) => existing.names.push(name("query", &q.name.value)),
                Declaration::Threshold(t) => existing.names.push(name("threshold", &t.name.value)),
                Declaration::Alert(a) => existing.names.push(name("alert", &a.name.value)),
                Declaration::Group(g) => existing.names.push(name("group", &g.name.value)),
                Declaration::Service(s) => {
                    existing.services.insert(s.name.value.clone(), rel.clone());
                    existing.names.push(name("service", &s.name.value));
                }
                Declaration::Slo(s) => {
                    existing.names.push(name("slo", &s.name.value));
                    for alert in [&s.page, &s.ticket]
                        .into_iter()
                        .flatten()
                        .filter_map(|a| a.name.as_ref())
                    {
                        existing.names.push(name("alert", &alert.value));
                    }
                }
                Declaration::Project(p) => {
                    existing.has_project = true;
                    existing.prometheus_version = p
                        .prometheus_version
                        .as_ref()
                        .and_then(|v| Version::parse(&v.value));
                    existing.alertmanager_version = p
                        .alertmanager_version
                        .as_ref()
                        .and_then(|v| Version::parse(&v.value));
                }
                Declaration::Routing(_) => existing.has_routing = true,
                Declaration::Alertmanager(_) => existing.has_alertmanager_block = true,
                _ => {}
            }
        }
    }
    existing.files = files;
    Ok(existing)
}
