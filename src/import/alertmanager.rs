//! `watchbook import alertmanager FILE --out DIR`: an existing Alertmanager configuration
//! (or a Kubernetes Secret holding one) as a source, with its template files. Checked before
//! anything is written: the compiled configuration must route, inhibit and mute as the
//! original does.

use super::am_config::{self, Config};
use super::am_convert::{self, SecretMove};
use super::{existing, free_name, read_input, scratch_compile, write, ImportError, Source};
use crate::diagnostic::{Diagnostic, StageError};
use crate::resolve::version::Version;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What the import wrote and what the user must do.
#[derive(Debug, Default)]
pub struct AlertmanagerReport {
    /// The source written, relative to the rules directory.
    pub output: String,
    pub receivers: usize,
    pub routes: usize,
    pub inhibitions: usize,
    pub time_intervals: usize,
    pub yaml_lines: usize,
    pub wb_lines: usize,
    /// Template files copied into the rules directory, relative to it.
    pub templates: Vec<String>,
    /// Template globs of the original that matched no file here.
    pub templates_missing: Vec<String>,
    /// Inline secrets, now read from files.
    pub secrets: Vec<SecretMove>,
    /// Other sources written (the project, when the settings need a newer Alertmanager).
    pub support: Vec<String>,
    /// How many label sets the round trip walked through both trees.
    pub label_sets: usize,
}

pub fn alertmanager(
    input: &Path,
    out: &Path,
    force: bool,
) -> Result<AlertmanagerReport, Vec<Diagnostic>> {
    let fail = |e: ImportError| vec![e.to_diagnostic()];
    let shown = input.display().to_string();
    let text = read_input(input).map_err(fail)?;
    let config = am_config::read(&shown, &text).map_err(fail)?;
    let stem = "alertmanager";
    let replaced: Vec<String> = [format!("{stem}.wb")]
        .into_iter()
        .filter(|n| force && out.join(n).exists())
        .collect();
    if !force && out.join(format!("{stem}.wb")).exists() {
        return Err(fail(ImportError::Exists {
            path: out.join(format!("{stem}.wb")).display().to_string(),
        }));
    }
    let existing = existing::scan(out, &replaced).map_err(fail)?;
    if existing.has_routing || existing.has_alertmanager_block {
        return Err(fail(ImportError::RoutingExists {
            dir: out.display().to_string(),
        }));
    }
    let mut report = AlertmanagerReport {
        yaml_lines: text.lines().count(),
        receivers: config.receivers.len(),
        routes: count_routes(&config.route),
        inhibitions: config.inhibits.len(),
        time_intervals: config.time_intervals.len(),
        ..AlertmanagerReport::default()
    };
    let mut sources = Vec::new();
    let base = input.parent().unwrap_or(Path::new("."));
    let mut template_names = Vec::new();
    let mut used: BTreeSet<String> = existing.files.iter().cloned().collect();
    for glob in &config.templates {
        let found = expand(base, glob);
        if found.is_empty() {
            report.templates_missing.push(glob.clone());
        }
        for file in found {
            let text = read_input(&file).map_err(fail)?;
            let stem = file
                .file_stem()
                .map(|s| clean(&s.to_string_lossy()))
                .unwrap_or_else(|| "template".into());
            let name = unique(&format!("templates/{stem}"), "tmpl", &mut used);
            template_names.push(name.clone());
            sources.push(Source {
                name: name.clone(),
                text,
            });
        }
    }
    let file_name = input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let converted =
        am_convert::convert(&shown, &file_name, &config, &template_names).map_err(fail)?;
    let name = if force {
        format!("{stem}.wb")
    } else {
        free_name(stem, &mut used)
    };
    report.output = name.clone();
    report.wb_lines = converted.text.lines().count();
    report.secrets = converted.secrets;
    report.templates = template_names;
    if converted.needs > Version::ALERTMANAGER {
        match existing.alertmanager_version {
            Some(declared) if declared >= converted.needs => {}
            declared if existing.has_project => {
                return Err(fail(ImportError::VersionTooOld {
                    system: "Alertmanager",
                    needed: converted.needs.to_string(),
                    declared: declared.unwrap_or(Version::ALERTMANAGER).to_string(),
                }))
            }
            _ => {
                let project = free_name("project", &mut used);
                sources.push(Source {
                    name: project.clone(),
                    text: format!(
                        "# Written by `watchbook import`: the imported receivers need Alertmanager {}.\nproject \"Imported\" {{\n  alertmanager_version {}\n}}\n",
                        converted.needs,
                        crate::print::string(&converted.needs.to_string())
                    ),
                });
                report.support.push(project);
            }
        }
    }
    sources.push(Source {
        name,
        text: converted.text,
    });
    report.label_sets = verify(out, &existing, &sources, &config, &shown)?;
    write(out, &sources, force).map_err(fail)?;
    Ok(report)
}

fn verify(
    out: &Path,
    existing: &existing::Existing,
    sources: &[Source],
    original: &Config,
    shown: &str,
) -> Result<usize, Vec<Diagnostic>> {
    let artifacts = scratch_compile(out, existing, sources)?;
    let compiled = artifacts
        .iter()
        .find(|a| a.path == "alertmanager/alertmanager.yml")
        .map(|a| String::from_utf8_lossy(&a.bytes).into_owned())
        .unwrap_or_default();
    let round_trip = |what: String| ImportError::RoundTrip {
        source: shown.to_string(),
        group: "the routing tree".into(),
        rule: None,
        what,
    };
    let compiled = am_config::read("the compiled configuration", &compiled)
        .map_err(|e| vec![round_trip(e.to_string()).to_diagnostic()])?;
    let differences = super::am_compare::compare(original, &compiled);
    if differences.is_empty() {
        Ok(super::am_compare::label_sets(&original.route).len())
    } else {
        Err(differences
            .into_iter()
            .map(|d| round_trip(d).to_diagnostic())
            .collect())
    }
}

fn count_routes(route: &am_config::Route) -> usize {
    route.routes.len() + route.routes.iter().map(count_routes).sum::<usize>()
}

/// The files a template glob names, relative to the configuration's directory: a path, or
/// a directory and a file pattern with `*`.
fn expand(base: &Path, glob: &str) -> Vec<PathBuf> {
    let path = base.join(glob);
    let (Some(dir), Some(pattern)) = (path.parent(), path.file_name()) else {
        return Vec::new();
    };
    let pattern = pattern.to_string_lossy().into_owned();
    if !pattern.contains('*') {
        return if path.is_file() {
            vec![path]
        } else {
            Vec::new()
        };
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter(|e| wildcard(&pattern, &e.file_name().to_string_lossy()))
        .map(|e| e.path())
        .collect();
    found.sort();
    found
}

/// `*` matches any run of characters; the rest literally.
fn wildcard(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let Some((first, rest)) = parts.split_first() else {
        return false;
    };
    let Some(mut tail) = name.strip_prefix(first) else {
        return false;
    };
    for (i, part) in rest.iter().enumerate() {
        let last = i + 1 == rest.len();
        if last {
            return tail.ends_with(part);
        }
        match tail.find(part) {
            Some(at) => tail = &tail[at + part.len()..],
            None => return false,
        }
    }
    tail.is_empty()
}

fn clean(stem: &str) -> String {
    let s: String = stem
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let s = s.trim_start_matches('.').to_string();
    if s.is_empty() {
        "template".into()
    } else {
        s
    }
}

fn unique(base: &str, extension: &str, used: &mut BTreeSet<String>) -> String {
    let mut name = format!("{base}.{extension}");
    let mut n = 2;
    while used.contains(&name) {
        name = format!("{base}-{n}.{extension}");
        n += 1;
    }
    used.insert(name.clone());
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_file_names() {
        assert!(wildcard("*.tmpl", "slack.tmpl"));
        assert!(!wildcard("*.tmpl", "slack.tmpl.bak"));
        assert!(wildcard("team-*.tmpl", "team-a.tmpl"));
        assert!(!wildcard("team-*.tmpl", "other.tmpl"));
        assert!(wildcard("exact.tmpl", "exact.tmpl"));
    }
}
