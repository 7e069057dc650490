//! `watchbook import`: foreign formats into sources of the language, written with the
//! formatter's printer. The contract is the round trip: what the import writes compiles back
//! into what was imported. The import checks this itself before it writes anything, so that
//! anything it cannot express is an error naming the rule, never a quiet approximation.

mod alertmanager;
mod am_compare;
mod am_config;
mod am_convert;
mod compare;
mod convert;
mod error;
mod existing;
mod openslo;
mod openslo_spec;
mod pyrra;
mod pyrra_spec;
pub(crate) mod rule_file;
mod slo_output;
mod sloth;
mod sloth_spec;

pub use alertmanager::{alertmanager, AlertmanagerReport};
pub use am_convert::SecretMove;
pub use error::ImportError;
pub use openslo::{openslo, OpenSloReport};
pub use pyrra::{pyrra, PyrraReport};
pub use sloth::{sloth, SloFileReport, SlothReport};

use crate::diagnostic::{Diagnostic, StageError};
use crate::print::{string, Printer};
use crate::resolve::version::Version;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What one imported file became.
#[derive(Debug)]
pub struct FileReport {
    pub input: String,
    /// The source written, relative to the rules directory.
    pub output: String,
    pub groups: usize,
    pub alerts: usize,
    pub records: usize,
    pub yaml_lines: usize,
    pub wb_lines: usize,
}

/// What an import wrote.
#[derive(Debug, Default)]
pub struct Report {
    pub files: Vec<FileReport>,
    /// Other sources written beside them (severities, project), relative to the directory.
    pub support: Vec<String>,
    /// Files of a directory that are `promtool test rules` files, not rule files.
    pub skipped: Vec<String>,
}

/// A source to write: its name below the rules directory and its text.
struct Source {
    name: String,
    text: String,
}

/// Imports Prometheus rule files (and directories of them) into `out`.
pub fn prometheus(inputs: &[PathBuf], out: &Path, force: bool) -> Result<Report, Vec<Diagnostic>> {
    let fail = |e: ImportError| vec![e.to_diagnostic()];
    let (files, skipped) = rule_files(inputs).map_err(fail)?;
    let mut read = Vec::new();
    let mut errors = Vec::new();
    for (path, text) in &files {
        match rule_file::read(&path.display().to_string(), text) {
            Ok(docs) => read.push((path, text, docs)),
            Err(e) => errors.push(e.to_diagnostic()),
        }
    }
    // Files that read are converted even when others did not: every error is reported.
    // Each input's source name: its file's stem, or the name of its only group, which then
    // needs no declaration (a file's rules form the group named after it).
    let Target {
        names,
        existing,
        mut used_names,
    } = target(
        out,
        read.iter().map(|(path, _, docs)| source_stem(path, docs)),
        force,
    )
    .map_err(fail)?;
    let mut taken = existing.taken();
    let mut converted = Vec::new();
    for ((path, text, docs), name) in read.into_iter().zip(names) {
        let shown = path.display().to_string();
        let own_group = crate::resolve::implicit_group_name(name.trim_end_matches(".wb"));
        match convert::convert(&shown, &docs, &own_group, &mut taken) {
            Ok(c) => converted.push((path, text, name, c, docs)),
            Err(e) => errors.push(e.to_diagnostic()),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // Severities the rules use that the directory does not declare yet.
    let mut report = Report {
        skipped,
        ..Report::default()
    };
    let mut sources = Vec::new();
    let severities_file = severities_source(
        &existing,
        &mut used_names,
        converted
            .iter()
            .flat_map(|c| c.3.severities.iter().cloned()),
        &mut sources,
    );
    report.support.extend(severities_file.clone());
    let version = converted.iter().filter_map(|c| c.3.needs).max();
    if let Some(version) = version.filter(|v| *v > Version::DEFAULT) {
        match existing.prometheus_version {
            Some(declared) if declared >= version => {}
            Some(declared) => {
                return Err(fail(ImportError::VersionTooOld {
                    system: "Prometheus",
                    needed: version.to_string(),
                    declared: declared.to_string(),
                }))
            }
            None if existing.has_project => {
                return Err(fail(ImportError::VersionTooOld {
                    system: "Prometheus",
                    needed: version.to_string(),
                    declared: Version::DEFAULT.to_string(),
                }))
            }
            None => {
                let name = free_name("project", &mut used_names);
                sources.push(Source {
                    name: name.clone(),
                    text: format!(
                        "# Written by `watchbook import`: the imported groups need Prometheus {version}.\nproject \"Imported\" {{\n  prometheus_version {}\n}}\n",
                        string(&version.to_string())
                    ),
                });
                report.support.push(name);
            }
        }
    }
    for (path, text, name, c, docs) in &converted {
        let mut imports: BTreeSet<String> = BTreeSet::new();
        for s in &c.severities {
            match existing.severities.get(s) {
                Some(file) => imports.insert(file.clone()),
                None => imports.insert(severities_file.clone().unwrap_or_default()),
            };
        }
        let wb = source_text(path, docs, &imports, &c.ast);
        let groups: Vec<&rule_file::Group> = docs.iter().flat_map(|d| &d.groups).collect();
        let rules = groups.iter().flat_map(|g| &g.rules);
        report.files.push(FileReport {
            input: path.display().to_string(),
            output: name.clone(),
            groups: groups.len(),
            alerts: rules
                .clone()
                .filter(|r| r.kind == rule_file::Kind::Alert)
                .count(),
            records: rules.filter(|r| r.kind == rule_file::Kind::Record).count(),
            yaml_lines: text.lines().count(),
            wb_lines: wb.lines().count(),
        });
        sources.push(Source {
            name: name.clone(),
            text: wb,
        });
    }
    let originals: Vec<(String, Vec<rule_file::Group>)> = converted
        .iter()
        .map(|(_, _, name, _, docs)| {
            let groups = docs.iter().flat_map(|d| d.groups.clone()).collect();
            (name.clone(), groups)
        })
        .collect();
    verify(out, &existing, &sources, &originals)?;
    write(out, &sources, force).map_err(fail)?;
    Ok(report)
}

/// Where an import writes: each input's source name, what the rules directory holds already
/// (without the sources `--force` replaces), and the names support files must avoid.
struct Target {
    names: Vec<String>,
    existing: existing::Existing,
    used_names: BTreeSet<String>,
}

/// Names each input's source after `bases` (made unique), refuses to replace a source
/// without `force`, and scans the directory.
fn target(
    out: &Path,
    bases: impl IntoIterator<Item = String>,
    force: bool,
) -> Result<Target, ImportError> {
    let mut input_names: BTreeSet<String> = BTreeSet::new();
    let names: Vec<String> = bases
        .into_iter()
        .map(|base| free_name(&base, &mut input_names))
        .collect();
    let replaced: Vec<String> = names
        .iter()
        .filter(|n| std::fs::symlink_metadata(out.join(n)).is_ok())
        .cloned()
        .collect();
    if let (false, Some(first)) = (force, replaced.first()) {
        return Err(ImportError::Exists {
            path: out.join(first).display().to_string(),
        });
    }
    let existing = existing::scan(out, &replaced)?;
    // Support files avoid every source name, those already there included.
    let mut used_names: BTreeSet<String> = existing.files.iter().cloned().collect();
    used_names.extend(names.iter().cloned());
    Ok(Target {
        names,
        existing,
        used_names,
    })
}

/// A source declaring the severities the imported sources use that the directory does not
/// declare yet (named to avoid `used_names`); its name, if one is needed.
fn severities_source(
    existing: &existing::Existing,
    used_names: &mut BTreeSet<String>,
    used: impl IntoIterator<Item = String>,
    sources: &mut Vec<Source>,
) -> Option<String> {
    let needed: BTreeSet<String> = used
        .into_iter()
        .filter(|s| !existing.severities.contains_key(s))
        .collect();
    if needed.is_empty() {
        return None;
    }
    let name = free_name("severities", used_names);
    sources.push(Source {
        name: name.clone(),
        text: severities_text(&needed),
    });
    Some(name)
}

/// The inputs, directories walked for `.yml` and `.yaml` files, each read; the unit-test
/// files found in directories (`rule_files:` at the top) are left out and listed.
#[allow(clippy::type_complexity)]
fn rule_files(inputs: &[PathBuf]) -> Result<(Vec<(PathBuf, String)>, Vec<String>), ImportError> {
    let mut paths = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut found: Vec<PathBuf> = walkdir::WalkDir::new(input)
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .map(walkdir::DirEntry::into_path)
                .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
                .collect();
            found.sort();
            paths.extend(found.into_iter().map(|p| (p, true)));
        } else {
            paths.push((input.clone(), false));
        }
    }
    if paths.is_empty() {
        return Err(ImportError::NoInput);
    }
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for (path, walked) in paths {
        let text = read_input(&path)?;
        if walked && rule_file::is_unit_test(&text) {
            skipped.push(path.display().to_string());
        } else {
            files.push((path, text));
        }
    }
    if files.is_empty() {
        return Err(ImportError::NoInput);
    }
    Ok((files, skipped))
}

fn read_input(path: &Path) -> Result<String, ImportError> {
    let unreadable = |reason: String| ImportError::Unreadable {
        path: path.display().to_string(),
        reason,
    };
    let meta = std::fs::metadata(path).map_err(|e| unreadable(e.to_string()))?;
    if !meta.is_file() {
        return Err(unreadable("not a regular file".into()));
    }
    if meta.len() > crate::load::MAX_FILE_BYTES {
        return Err(unreadable("larger than 4 MiB".into()));
    }
    std::fs::read_to_string(path).map_err(|e| unreadable(e.to_string()))
}

/// The source name (without `.wb`) of an input: the name of its only group when that group
/// has no settings and its name can name a file, else the input's own stem.
fn source_stem(path: &Path, docs: &[rule_file::Document]) -> String {
    let groups: Vec<&rule_file::Group> = docs.iter().flat_map(|d| &d.groups).collect();
    if let [g] = groups.as_slice() {
        let plain = !g.name.starts_with('.')
            && !g.name.is_empty()
            && g.name.len() <= 100
            && g.name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
        let settings = g.interval.is_some()
            || g.limit.is_some()
            || g.query_offset.is_some()
            || !g.labels.is_empty();
        if plain && !settings && !g.rules.is_empty() {
            return g.name.clone();
        }
    }
    stem(path)
}

/// The input's file name without `.yml`/`.yaml`, in characters a source name may have.
/// A YAML scalar as the text Alertmanager and Kubernetes read it (`true`, `3` as written);
/// `None` for a mapping, a sequence or null.
fn scalar(value: &yaml_serde::Value) -> Option<String> {
    use yaml_serde::Value;
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn stem(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = name
        .strip_suffix(".yaml")
        .or_else(|| name.strip_suffix(".yml"))
        .unwrap_or(&name);
    let name = name.strip_suffix(".rules").unwrap_or(name);
    let clean: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let clean = clean.trim_start_matches('.');
    if clean.is_empty() {
        "imported".to_string()
    } else {
        clean.to_string()
    }
}

fn free_name(base: &str, used: &mut BTreeSet<String>) -> String {
    let mut name = format!("{base}.wb");
    let mut n = 2;
    while used.contains(&name) {
        name = format!("{base}-{n}.wb");
        n += 1;
    }
    used.insert(name.clone());
    name
}

/// `severity critical {}` for each, the most urgent first.
fn severities_text(names: &BTreeSet<String>) -> String {
    const URGENCY: [&str; 7] = [
        "critical", "high", "error", "warning", "medium", "low", "info",
    ];
    let mut ordered: Vec<&String> = names.iter().collect();
    ordered.sort_by_key(|n| {
        (
            URGENCY.iter().position(|u| u == n).unwrap_or(URGENCY.len()),
            n.as_str(),
        )
    });
    let mut p = Printer::new();
    p.comment("Severities of the imported alerts. Give each its response time and receivers.");
    for name in ordered {
        p.line(&format!("severity {name} {{}}"));
    }
    p.finish()
}

fn source_text(
    input: &Path,
    docs: &[rule_file::Document],
    imports: &BTreeSet<String>,
    ast: &crate::parse::ast::SourceAst,
) -> String {
    let mut p = Printer::new();
    let file_name = input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    p.comment(&format!(
        "Imported by `watchbook import prometheus` from {file_name}."
    ));
    let resources: Vec<&str> = docs.iter().filter_map(|d| d.resource.as_deref()).collect();
    if !resources.is_empty() {
        p.comment(&format!("PrometheusRule: {}.", resources.join(", ")));
    }
    p.line("");
    for import in imports.iter().filter(|i| !i.is_empty()) {
        p.line(&format!("import {}", string(import)));
    }
    if !imports.is_empty() {
        p.line("");
    }
    p.file(ast);
    p.finish()
}

/// Compiles the directory as it will be (its sources and the new ones) in a scratch copy, and
/// compares every imported file's rule groups with what was imported.
fn verify(
    out: &Path,
    existing: &existing::Existing,
    sources: &[Source],
    originals: &[(String, Vec<rule_file::Group>)],
) -> Result<(), Vec<Diagnostic>> {
    let artifacts = scratch_compile(out, existing, sources)?;
    let mut differences = Vec::new();
    for (name, groups) in originals {
        let stem = name.trim_end_matches(".wb");
        let path = format!("prometheus/{stem}.rules.yml");
        let compiled = match artifacts.iter().find(|a| a.path == path) {
            Some(a) => rule_file::read(&path, &String::from_utf8_lossy(&a.bytes))
                .map(|docs| docs.into_iter().flat_map(|d| d.groups).collect())
                .unwrap_or_default(),
            None => Vec::new(),
        };
        for d in compare::compare(groups, &compiled) {
            differences.push(
                ImportError::RoundTrip {
                    source: name.clone(),
                    group: d.group,
                    rule: d.rule,
                    what: d.what,
                }
                .to_diagnostic(),
            );
        }
    }
    if differences.is_empty() {
        Ok(())
    } else {
        Err(differences)
    }
}

/// The artifacts of the directory as it will be: its sources and the new ones, compiled in
/// a scratch copy; the compiler's diagnostics, shown with the directory's paths, otherwise.
fn scratch_compile(
    out: &Path,
    existing: &existing::Existing,
    sources: &[Source],
) -> Result<Vec<crate::emit::Artifact>, Vec<Diagnostic>> {
    let io = |e: std::io::Error| {
        vec![ImportError::Io {
            path: "a scratch directory".into(),
            reason: e.to_string(),
        }
        .to_diagnostic()]
    };
    let scratch = tempfile::tempdir().map_err(io)?;
    let kept = existing
        .files
        .iter()
        .filter(|name| !sources.iter().any(|s| &s.name == *name));
    for name in kept {
        let target = scratch.path().join(name);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        std::fs::copy(out.join(name), &target).map_err(io)?;
    }
    for s in sources {
        let target = scratch.path().join(&s.name);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        std::fs::write(target, &s.text).map_err(io)?;
    }
    let compilation = crate::compile::compile(scratch.path());
    compilation.result.map_err(|diagnostics| {
        let rendered = crate::diagnostic::render_human(&diagnostics, &compilation.sources, false);
        let shown = rendered.replace(
            &scratch.path().display().to_string(),
            &out.display().to_string(),
        );
        vec![ImportError::DoesNotCompile { diagnostics: shown }.to_diagnostic()]
    })
}

/// Writes each source atomically (a part file created anew, then renamed over the name), never
/// over a file that is there unless `force`.
fn write(out: &Path, sources: &[Source], force: bool) -> Result<(), ImportError> {
    let io = |path: &Path, e: std::io::Error| ImportError::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    std::fs::create_dir_all(out).map_err(|e| io(out, e))?;
    for s in sources {
        let target = out.join(&s.name);
        if !force && std::fs::symlink_metadata(&target).is_ok() {
            return Err(ImportError::Exists {
                path: target.display().to_string(),
            });
        }
    }
    for s in sources {
        let target = out.join(&s.name);
        let dir = target.parent().unwrap_or(out);
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        let file_name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let part = dir.join(format!(".{file_name}.watchbook-part"));
        let _ = std::fs::remove_file(&part);
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&part)
            .map_err(|e| io(&part, e))?;
        std::io::Write::write_all(&mut file, s.text.as_bytes()).map_err(|e| io(&part, e))?;
        file.sync_all().map_err(|e| io(&part, e))?;
        std::fs::rename(&part, &target).map_err(|e| io(&target, e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_names_become_source_names() {
        assert_eq!(
            stem(Path::new("a/nodeExporter-prometheusRule.yaml")),
            "nodeExporter-prometheusRule"
        );
        assert_eq!(stem(Path::new("x/.hidden rules.yml")), "hidden-rules");
        let mut used = BTreeSet::new();
        assert_eq!(free_name("a", &mut used), "a.wb");
        assert_eq!(free_name("a", &mut used), "a-2.wb");
    }
}
