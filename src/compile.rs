//! The pipeline, end to end: load -> parse -> resolve -> check -> emit. Writing is separate
//! (see [`crate::write`]) so that `--check` and the benchmarks share everything before it.

use crate::check;
use crate::diagnostic::{self, Diagnostic, Level, StageError};
use crate::emit::{self, Artifact};
use crate::load;
use crate::parallel;
use crate::parse::{self, ast::SourceAst};
use crate::resolve::{self, ParsedFile};
use crate::source::{FileId, SourceMap};
use crate::timing;
use std::path::{Path, PathBuf};

/// The outcome of one compile: the sources read, and the files or the diagnostics. Warnings
/// never stop a compile; they are reported with its result.
pub struct Compilation {
    pub sources: SourceMap,
    pub result: Result<Vec<Artifact>, Vec<Diagnostic>>,
    pub warnings: Vec<Diagnostic>,
}

/// The Prometheus and Alertmanager versions the output is for unless the project says
/// otherwise: those of the promtool and amtool the tests run.
pub fn default_versions() -> (String, String) {
    use crate::resolve::version::Version;
    (
        Version::DEFAULT.to_string(),
        Version::ALERTMANAGER.to_string(),
    )
}

/// Compiles every source below `rules_dir` with the built-in runbook templates.
pub fn compile(rules_dir: &Path) -> Compilation {
    compile_with(rules_dir, None)
}

/// Compiles, with runbook templates from `templates` replacing the built-in ones.
pub fn compile_with(rules_dir: &Path, templates: Option<&Path>) -> Compilation {
    let mut sources = SourceMap::default();
    let mut warnings = Vec::new();
    let result = run(rules_dir, templates, &mut sources, &mut warnings);
    Compilation {
        sources,
        result,
        warnings,
    }
}

/// What `watchbook lint` reports: the compile's own diagnostics when it fails, else the
/// lints' findings (after suppressions).
pub struct LintReport {
    pub sources: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
}

/// Lints every source below `rules_dir`; `today` (YYYY-MM-DD) decides which suppressions
/// have expired.
pub fn lint(rules_dir: &Path, today: &str) -> LintReport {
    lint_against(rules_dir, today, None).unwrap_or_else(|_| LintReport {
        sources: SourceMap::default(),
        diagnostics: Vec::new(),
    })
}

/// Lints, and with a `base` also holds the change since it to the policy's change rules.
pub fn lint_against(
    rules_dir: &Path,
    today: &str,
    base: Option<crate::diff::Base>,
) -> Result<LintReport, crate::diff::DiffError> {
    let base = base
        .map(|b| crate::diff::BaseDir::read(rules_dir, b))
        .transpose()?;
    let mut sources = SourceMap::default();
    let mut warnings = Vec::new();
    let diagnostics = match model(rules_dir, &mut sources, &mut warnings) {
        Ok(model) => {
            let changes = match &base {
                Some(base) => Some(base.compare(&model, &sources)?),
                None => None,
            };
            crate::lint::run_with(&model, &sources, today, changes.as_ref())
        }
        Err(errors) => errors,
    };
    Ok(LintReport {
        sources,
        diagnostics,
    })
}

/// The checked model of a rules directory, with its sources; for commands that read the
/// model rather than emit it (`diff`).
pub(crate) fn checked_model(
    rules_dir: &Path,
) -> (
    SourceMap,
    Result<crate::resolve::model::Model, Vec<Diagnostic>>,
) {
    let mut sources = SourceMap::default();
    let mut warnings = Vec::new();
    let result = model(rules_dir, &mut sources, &mut warnings);
    (sources, result)
}

/// Load, parse, resolve and check: the model every command starts from.
fn model(
    rules_dir: &Path,
    sources: &mut SourceMap,
    warnings: &mut Vec<Diagnostic>,
) -> Result<crate::resolve::model::Model, Vec<Diagnostic>> {
    let root = load::Root::new(rules_dir).map_err(|e| vec![e.to_diagnostic()])?;
    let discovered = root.discover().map_err(|errors| {
        errors
            .iter()
            .map(StageError::to_diagnostic)
            .collect::<Vec<_>>()
    })?;
    let (mut files, mut diagnostics) =
        timing::stage("parse", || load_and_parse(discovered, &root, sources));
    fail_if_any(&mut diagnostics)?;
    let model = timing::stage("resolve", || resolve::resolve(&mut files, sources))
        .map_err(|errors| sorted(errors.iter().map(StageError::to_diagnostic).collect()))?;
    let (mut diagnostics, found_warnings): (Vec<Diagnostic>, Vec<Diagnostic>) =
        timing::stage("check", || check::check(&model))
            .iter()
            .map(StageError::to_diagnostic)
            .partition(|d| d.level == Level::Error);
    *warnings = sorted(found_warnings);
    fail_if_any(&mut diagnostics)?;
    drop(files);
    timing::stage("release", crate::memory::release_freed);
    Ok(model)
}

fn run(
    rules_dir: &Path,
    templates: Option<&Path>,
    sources: &mut SourceMap,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
    let checked = checked(rules_dir, templates, sources, warnings)?;
    let artifacts = timing::stage("emit", || emit::emit(&checked.model, &checked.templates));
    // Freeing a large model takes a while and nothing waits for it: the pool does it, which
    // is already running (a thread of its own would have to start first).
    rayon::spawn(move || drop(checked));
    artifacts.map_err(|errors| emit_diagnostics(errors, sources))
}

/// Emit errors as diagnostics, those about generated text pointed back at their source.
fn emit_diagnostics(
    mut errors: Vec<emit::runbook::EmitError>,
    sources: &SourceMap,
) -> Vec<Diagnostic> {
    let texts: Vec<(crate::source::FileId, &str)> = sources
        .ids()
        .map(|id| (id, sources.file(id).text.as_str()))
        .collect();
    for e in &mut errors {
        e.locate(&texts);
    }
    emit::runbook::dedup(&mut errors);
    errors.iter().map(StageError::to_diagnostic).collect()
}

fn checked(
    rules_dir: &Path,
    templates: Option<&Path>,
    sources: &mut SourceMap,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Checked, Vec<Diagnostic>> {
    if templates.is_none() {
        rayon::spawn(emit::runbook::prepare_built_in);
    }
    let model = model(rules_dir, sources, warnings)?;
    let templates = match templates {
        Some(dir) => load::templates(dir, &TEMPLATE_NAMES).map_err(|e| vec![e.to_diagnostic()])?,
        None => Default::default(),
    };
    Ok(Checked { model, templates })
}

/// A compile that passed every check: the model, ready to emit.
pub struct Checked {
    model: crate::resolve::model::Model,
    templates: std::collections::BTreeMap<String, String>,
}

/// A compile up to emitting: the sources read, the warnings, and the checked model or the
/// diagnostics.
pub struct Prepared {
    pub sources: SourceMap,
    pub warnings: Vec<Diagnostic>,
    pub result: Result<Checked, Vec<Diagnostic>>,
}

/// Loads, parses, resolves and checks, stopping before emit, so that the caller can ready
/// the output (lock it, compare as files come) before any artifact is made.
pub fn prepare(rules_dir: &Path, templates: Option<&Path>) -> Prepared {
    let mut sources = SourceMap::default();
    let mut warnings = Vec::new();
    let result = checked(rules_dir, templates, &mut sources, &mut warnings);
    Prepared {
        sources,
        warnings,
        result,
    }
}

impl Checked {
    /// The checked model (the language server reads it).
    pub(crate) fn model(&self) -> &crate::resolve::model::Model {
        &self.model
    }

    /// Emits every artifact into `sink` as it is made (from any thread, in no set order).
    /// On an error some artifacts may have been handed over already.
    /// `sources` are those read: errors about generated text point back into them.
    pub fn emit_to(
        self,
        sources: &SourceMap,
        sink: &(dyn Fn(Artifact) + Sync),
    ) -> Result<(), Vec<Diagnostic>> {
        let emitted = timing::stage("emit", || emit::emit_to(&self.model, &self.templates, sink));
        // Freeing a large model takes a while and nothing waits for it: the pool does it, which
        // is already running (a thread of its own would have to start first).
        rayon::spawn(move || drop(self));
        emitted.map_err(|errors| emit_diagnostics(errors, sources))
    }
}

const TEMPLATE_NAMES: [&str; emit::runbook::TEMPLATES.len()] = {
    let mut names = [""; emit::runbook::TEMPLATES.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = emit::runbook::TEMPLATES[i].0;
        i += 1;
    }
    names
};

fn sorted(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostic::sort(&mut diagnostics);
    diagnostics
}

fn fail_if_any(diagnostics: &mut Vec<Diagnostic>) -> Result<(), Vec<Diagnostic>> {
    if diagnostics.is_empty() {
        Ok(())
    } else {
        Err(sorted(std::mem::take(diagnostics)))
    }
}

/// Reads and parses the discovered files and, transitively, every file they import.
fn load_and_parse(
    discovered: Vec<PathBuf>,
    root: &load::Root,
    sources: &mut SourceMap,
) -> (Vec<ParsedFile>, Vec<Diagnostic>) {
    let mut pending: Vec<PathBuf> = discovered;
    let mut parsed: Vec<(FileId, SourceAst, Vec<PathBuf>, Vec<FileId>)> = Vec::new();
    let mut diagnostics = Vec::new();
    // In rounds: read what is pending, parse it on every core, queue what it imports.
    while !pending.is_empty() {
        let mut ids = Vec::new();
        for path in std::mem::take(&mut pending) {
            if sources.find(&path).is_some() {
                continue;
            }
            match load::read(&path, &root.dir, sources) {
                Ok(id) => ids.push((id, path)),
                Err(e) => diagnostics.push(e.to_diagnostic()),
            }
        }
        let shared: &SourceMap = sources;
        let results = parallel::map(&ids, |(id, _)| parse::parse(*id, &shared.file(*id).text));
        for ((id, path), (ast, errors)) in ids.into_iter().zip(results) {
            diagnostics.extend(errors.iter().map(StageError::to_diagnostic));
            let mut imports = Vec::new();
            for import in &ast.imports {
                let target = match root.import(&path, &import.value, import.span) {
                    Ok(target) => target,
                    Err(error) => {
                        diagnostics.push(error.to_diagnostic());
                        continue;
                    }
                };
                if sources.find(&target).is_none() && !pending.contains(&target) {
                    pending.push(target.clone());
                }
                imports.push(target);
            }
            let templates = read_templates(&ast, &path, root, sources, &mut diagnostics);
            parsed.push((id, ast, imports, templates));
        }
    }
    let files = parsed
        .into_iter()
        .map(|(file, ast, imports, templates)| ParsedFile {
            file,
            ast,
            imports: imports.iter().filter_map(|p| sources.find(p)).collect(),
            templates,
        })
        .collect();
    (files, diagnostics)
}

/// Reads the notification template files a source's `alertmanager` block names, once each.
fn read_templates(
    ast: &SourceAst,
    importer: &Path,
    root: &load::Root,
    sources: &mut SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<FileId> {
    let named = ast.declarations.iter().flat_map(|d| match d {
        crate::parse::ast::Declaration::Alertmanager(block) => block.templates.as_slice(),
        _ => &[],
    });
    let mut ids = Vec::new();
    for template in named {
        let read = root
            .template(importer, &template.value, template.span)
            .and_then(|path| match sources.find(&path) {
                Some(id) => Ok(id),
                None => load::read(&path, &root.dir, sources),
            });
        match read {
            Ok(id) if !ids.contains(&id) => ids.push(id),
            Ok(_) => {}
            Err(e) => diagnostics.push(e.to_diagnostic()),
        }
    }
    ids
}
