//! The `watchbook` command line.

use clap::{Args, Parser, Subcommand, ValueEnum};

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use watchbook::compile::prepare;
use watchbook::diagnostic::{
    render_github, render_human, render_json, render_sarif, Diagnostic, Level, StageError,
};
use watchbook::emit::Artifact;
use watchbook::source::SourceMap;
use watchbook::write::{self, Output, WriteError};

#[derive(Parser)]
#[command(
    name = "watchbook",
    version,
    about = "Compile one monitoring source into Prometheus rules, Alertmanager routes, Grafana dashboards and a runbook."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Compile RULES_DIR into the output directory (or check that it is up to date).
    Compile(Options),
    /// Regenerate only the runbook (`OUT/runbook/`), leaving every other output alone.
    Runbook(Options),
    /// Run the lints on RULES_DIR (after the compile's own checks).
    Lint {
        /// Directory holding the `.wb` sources.
        #[arg(default_value = "rules")]
        rules: PathBuf,
        /// How to print findings.
        #[arg(long, value_enum, default_value_t = LintFormat::Human)]
        format: LintFormat,
        /// Fail on warnings too: `--deny warnings`.
        #[arg(long, value_parser = ["warnings"])]
        deny: Option<String>,
        /// Also hold the change since this git ref to the policy's `change` rules.
        #[arg(long, conflicts_with = "base_dir")]
        base: Option<String>,
        /// Also hold the change since this directory of sources to the `change` rules.
        #[arg(long)]
        base_dir: Option<PathBuf>,
    },
    /// Bring existing configuration into the language: `import prometheus RULES... --out DIR`.
    Import {
        #[command(subcommand)]
        kind: ImportKind,
    },
    /// What a change does to alerts, routing, SLOs, dashboards and the runbook, compared
    /// with a git ref (`--base main`) or a directory (`--base-dir`).
    Diff {
        /// Directory holding the `.wb` sources.
        #[arg(default_value = "rules")]
        rules: PathBuf,
        /// A git ref of the repository holding RULES: `main`, `HEAD~1`, a commit.
        #[arg(long, conflicts_with = "base_dir")]
        base: Option<String>,
        /// A directory of sources to compare with instead.
        #[arg(long)]
        base_dir: Option<PathBuf>,
        /// How to print the report.
        #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
        format: DiffFormat,
        /// Exit 1 when the change loosens an alert or an SLO, or changes who gets paged.
        #[arg(long, value_enum)]
        fail_on: Vec<FailOn>,
    },
    /// A new project in DIR (new or empty): sources that compile, lint clean, and whose
    /// output passes promtool and amtool.
    Init {
        /// Where to write the sources.
        #[arg(default_value = "rules")]
        dir: PathBuf,
    },
    /// Rewrite the sources in the canonical layout (indentation, spacing, blank lines;
    /// comments stay where they are). `--check` writes nothing and fails when a file would
    /// change, for CI.
    Fmt {
        /// Directory holding the `.wb` sources.
        #[arg(default_value = "rules")]
        rules: PathBuf,
        /// Write nothing; print what would change and exit 1 if anything would.
        #[arg(long)]
        check: bool,
    },
    /// A language server over stdio, for editors: diagnostics as you type, definitions,
    /// references, hover, completion and formatting.
    Lsp {
        /// Directory holding the `.wb` sources.
        #[arg(default_value = "rules")]
        rules: PathBuf,
    },
    /// Explain a diagnostic code (`E0101`, `W0201`) or a lint (`L001`, or its name).
    Explain {
        /// A diagnostic code (`E0101`, `W0201`, `L003`) or a lint name.
        #[arg(required_unless_present = "list")]
        code: Option<String>,
        /// List every code with its meaning.
        #[arg(long)]
        list: bool,
    },
}

#[derive(Subcommand)]
enum ImportKind {
    /// Prometheus rule files (`groups:` YAML, or `PrometheusRule` resources), or directories
    /// of them: one source per file, checked to compile back into the same rules.
    Prometheus {
        /// Rule files, or directories holding `.yml`/`.yaml` rule files.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// The rules directory to write the sources into (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// Replace sources of the same name in the rules directory.
        #[arg(long)]
        force: bool,
    },
    /// Sloth SLO specs (`prometheus/v1`, `PrometheusServiceLevel`; an `AlertWindows` sets the
    /// period and windows), or directories of them: one source per file, checked to compile
    /// into the recordings and alerts Sloth generates.
    Sloth {
        /// Spec files, or directories holding `.yml`/`.yaml` specs.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// The rules directory to write the sources into (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// Replace sources of the same name in the rules directory.
        #[arg(long)]
        force: bool,
    },
    /// Pyrra `ServiceLevelObjective` resources (ratio, latency, latencyNative and bool_gauge
    /// indicators), or directories of them: one source per file, in Pyrra's style, checked to
    /// compile into the recordings and alerts Pyrra generates.
    Pyrra {
        /// Files, or directories holding `.yml`/`.yaml` resources.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// The rules directory to write the sources into (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// Replace sources of the same name in the rules directory.
        #[arg(long)]
        force: bool,
        /// Also Pyrra's generic rules (`pyrra_objective`, `pyrra_window`,
        /// `pyrra_availability`, `pyrra_requests:rate5m`, `pyrra_errors:rate5m`), which its
        /// Grafana dashboards read: what Pyrra writes with `--generic-rules`.
        #[arg(long)]
        generic_rules: bool,
    },
    /// OpenSLO documents (`openslo/v1`: Service, SLO, SLI, AlertPolicy, AlertCondition,
    /// AlertNotificationTarget, DataSource; `openslo/v1alpha` SLOs as Sloth reads them), or
    /// directories of them: references resolve across the files; checked like `sloth`.
    Openslo {
        /// Files, or directories holding `.yml`/`.yaml` documents.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// The rules directory to write the sources into (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// Replace sources of the same name in the rules directory.
        #[arg(long)]
        force: bool,
    },
    /// An Alertmanager configuration (or a Kubernetes Secret holding `alertmanager.yaml`):
    /// receivers, routes, inhibitions, time intervals and templates, checked to route every
    /// label set as before. Inline secrets become files the output names.
    Alertmanager {
        /// The configuration file.
        input: PathBuf,
        /// The rules directory to write the source into (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// Replace `alertmanager.wb` in the rules directory.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum DiffFormat {
    Human,
    Markdown,
    Json,
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum FailOn {
    /// A threshold, `for`, severity or objective loosened.
    Loosened,
    /// An alert that pages and no longer does, or the reverse.
    PagingChange,
}

#[derive(Clone, Copy, ValueEnum)]
enum LintFormat {
    Human,
    Json,
    Github,
    Sarif,
}

#[derive(Args)]
struct Options {
    /// Directory holding the `.wb` sources.
    #[arg(default_value = "rules")]
    rules: PathBuf,
    /// Output directory.
    #[arg(long, default_value = "generated")]
    out: PathBuf,
    /// Write nothing; print a diff and exit 1 when the output is stale.
    #[arg(long)]
    check: bool,
    /// Directory of runbook templates replacing the built-in ones, by file name.
    #[arg(long)]
    templates: Option<PathBuf>,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Take over an output directory that another rules directory wrote.
    #[arg(long)]
    force: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Compile(options) => run_compile(&options, None),
        Command::Runbook(options) => run_compile(&options, Some("runbook/")),
        Command::Lint {
            rules,
            format,
            deny,
            base,
            base_dir,
        } => {
            let base = match (&base, &base_dir) {
                (_, Some(dir)) => Some(watchbook::diff::Base::Dir(dir)),
                (Some(reference), None) => Some(watchbook::diff::Base::Git(reference)),
                (None, None) => None,
            };
            run_lint(&rules, format, deny.is_some(), base)
        }
        Command::Explain { code, list } => explain(code.as_deref(), list),
        Command::Fmt { rules, check } => run_fmt(&rules, check),
        Command::Lsp { rules } => match watchbook::lsp::run(&rules, &today()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: the language server stopped: {e}");
                ExitCode::from(1)
            }
        },
        Command::Init { dir } => match watchbook::init::init(&dir) {
            Ok(files) => {
                for f in &files {
                    eprintln!("wrote {f}");
                }
                eprintln!(
                    "next: `watchbook compile {} --out generated`, then edit the sources",
                    dir.display()
                );
                ExitCode::SUCCESS
            }
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::from(1)
            }
        },
        Command::Diff {
            rules,
            base,
            base_dir,
            format,
            fail_on,
        } => run_diff(
            &rules,
            base.as_deref(),
            base_dir.as_deref(),
            format,
            &fail_on,
        ),
        Command::Import {
            kind: ImportKind::Prometheus { inputs, out, force },
        } => run_import(&inputs, &out, force),
        Command::Import {
            kind: ImportKind::Sloth { inputs, out, force },
        } => run_import_sloth(&inputs, &out, force),
        Command::Import {
            kind:
                ImportKind::Pyrra {
                    inputs,
                    out,
                    force,
                    generic_rules,
                },
        } => run_import_pyrra(&inputs, &out, force, generic_rules),
        Command::Import {
            kind: ImportKind::Openslo { inputs, out, force },
        } => run_import_openslo(&inputs, &out, force),
        Command::Import {
            kind: ImportKind::Alertmanager { input, out, force },
        } => run_import_alertmanager(&input, &out, force),
    }
}

fn run_import(inputs: &[PathBuf], out: &std::path::Path, force: bool) -> ExitCode {
    match watchbook::import::prometheus(inputs, out, force) {
        Ok(report) => {
            for f in &report.files {
                eprintln!(
                    "imported {} -> {}: {} group{}, {} alert rule{}, {} recording rule{}; {} lines of YAML, {} of source",
                    f.input,
                    out.join(&f.output).display(),
                    f.groups,
                    plural(f.groups),
                    f.alerts,
                    plural(f.alerts),
                    f.records,
                    plural(f.records),
                    f.yaml_lines,
                    f.wb_lines
                );
            }
            for s in &report.support {
                eprintln!("wrote {}", out.join(s).display());
            }
            for s in &report.skipped {
                eprintln!("skipped {s}: a `promtool test rules` file");
            }
            eprintln!(
                "round trip checked: `watchbook compile {}` gives back every imported rule",
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(diagnostics) => import_failed(&diagnostics),
    }
}

/// An import's errors; nothing was written.
fn import_failed(diagnostics: &[Diagnostic]) -> ExitCode {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    eprint!(
        "{}",
        render_human(diagnostics, &SourceMap::default(), color)
    );
    eprintln!("error: import failed; nothing was written");
    ExitCode::from(1)
}

/// What an SLO import wrote, a line per file.
fn print_slo_import(
    files: &[watchbook::import::SloFileReport],
    support: &[String],
    out: &std::path::Path,
) {
    for f in files {
        eprintln!(
            "imported {} -> {}: {} SLO{}, {} alert{}; {} lines of YAML, {} of source",
            f.input,
            out.join(&f.output).display(),
            f.slos,
            plural(f.slos),
            f.alerts,
            plural(f.alerts),
            f.yaml_lines,
            f.wb_lines
        );
    }
    for s in support {
        eprintln!("wrote {}", out.join(s).display());
    }
}

fn run_import_sloth(inputs: &[PathBuf], out: &std::path::Path, force: bool) -> ExitCode {
    match watchbook::import::sloth(inputs, out, force) {
        Ok(report) => {
            print_slo_import(&report.files, &report.support, out);
            if !report.severities_added.is_empty() {
                eprintln!(
                    "note: every watchbook alert has a severity; these alerts carry a `severity` label where Sloth's carry none:"
                );
                for s in &report.severities_added {
                    eprintln!("  {s}");
                }
            }
            eprintln!(
                "round trip checked: `watchbook compile {}` records each SLI and raises each alert as Sloth does",
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(diagnostics) => import_failed(&diagnostics),
    }
}

fn run_import_pyrra(
    inputs: &[PathBuf],
    out: &std::path::Path,
    force: bool,
    generic_rules: bool,
) -> ExitCode {
    match watchbook::import::pyrra(inputs, out, force, generic_rules) {
        Ok(report) => {
            print_slo_import(&report.files, &report.support, out);
            eprintln!(
                "round trip checked: `watchbook compile {}` records each objective and raises each alert as Pyrra does",
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(diagnostics) => import_failed(&diagnostics),
    }
}

fn run_import_openslo(inputs: &[PathBuf], out: &std::path::Path, force: bool) -> ExitCode {
    match watchbook::import::openslo(inputs, out, force) {
        Ok(report) => {
            print_slo_import(&report.files, &report.support, out);
            if !report.secrets.is_empty() {
                eprintln!("the receivers read their secrets from files; before deploying, write:");
                for (receiver, path) in &report.secrets {
                    eprintln!("  {path}  (receiver `{receiver}`)");
                }
            }
            eprintln!(
                "round trip checked: `watchbook compile {}` records each SLI and raises each alert as imported",
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(diagnostics) => import_failed(&diagnostics),
    }
}

fn run_import_alertmanager(
    input: &std::path::Path,
    out: &std::path::Path,
    force: bool,
) -> ExitCode {
    match watchbook::import::alertmanager(input, out, force) {
        Ok(r) => {
            eprintln!(
                "imported {} -> {}: {} receiver{}, {} route{}, {} inhibition{}, {} time interval{}; {} lines of YAML, {} of source",
                input.display(),
                out.join(&r.output).display(),
                r.receivers,
                plural(r.receivers),
                r.routes,
                plural(r.routes),
                r.inhibitions,
                plural(r.inhibitions),
                r.time_intervals,
                plural(r.time_intervals),
                r.yaml_lines,
                r.wb_lines
            );
            for t in &r.templates {
                eprintln!("copied template {}", out.join(t).display());
            }
            for s in &r.support {
                eprintln!("wrote {}", out.join(s).display());
            }
            for glob in &r.templates_missing {
                eprintln!(
                    "warning: no file matches the template glob `{glob}` here; copy its files into {} and name them in the `alertmanager` block's `templates`",
                    out.display()
                );
            }
            if !r.secrets.is_empty() {
                eprintln!(
                    "{} inline secret{} now read from files; the import did not copy the values. Before deploying, write:",
                    r.secrets.len(),
                    plural(r.secrets.len())
                );
                for s in &r.secrets {
                    eprintln!("  the value of `{}` to {}", s.was, s.file);
                }
            }
            eprintln!(
                "round trip checked: `watchbook compile {}` routes {} label sets as the original does, with the same receivers, inhibitions and time intervals",
                out.display(),
                r.label_sets
            );
            ExitCode::SUCCESS
        }
        Err(diagnostics) => import_failed(&diagnostics),
    }
}

fn report(diagnostics: &[Diagnostic], sources: &SourceMap, format: Format) {
    let text = match format {
        Format::Human => {
            let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            render_human(diagnostics, sources, color)
        }
        Format::Json => render_json(diagnostics, sources),
    };
    match format {
        Format::Human => eprint!("{text}"),
        Format::Json => print!("{text}"),
    }
}

/// Compiles and writes; with `only`, just the outputs under that prefix are compared, written
/// and removed.
fn run_compile(options: &Options, only: Option<&str>) -> ExitCode {
    let Options {
        rules,
        templates,
        format,
        ..
    } = options;
    let format = *format;
    let prepared = prepare(rules, templates.as_deref());
    let failed = |warnings: &[Diagnostic], diagnostics: Vec<Diagnostic>, sources: &SourceMap| {
        let mut all = warnings.to_vec();
        all.extend(diagnostics.iter().cloned());
        report(&all, sources, format);
        let errors = diagnostics.len();
        if matches!(format, Format::Human) {
            eprintln!(
                "error: compile failed with {errors} error{}; nothing was written",
                plural(errors)
            );
            eprintln!("{}", explain_hint(&diagnostics));
        }
        ExitCode::from(1)
    };
    let checked = match prepared.result {
        Ok(checked) => checked,
        Err(diagnostics) => return failed(&prepared.warnings, diagnostics, &prepared.sources),
    };
    // JSON is one document: the warnings go out with the errors, or alone at the end.
    let json = matches!(format, Format::Json);
    if !json && !prepared.warnings.is_empty() {
        report(&prepared.warnings, &prepared.sources, format);
    }
    let warnings_left: &[Diagnostic] = if json { &prepared.warnings } else { &[] };
    let written = write_output(options, checked, only, &prepared.sources, &|d| {
        failed(warnings_left, d, &prepared.sources)
    });
    if json && written.is_ok() {
        report(&prepared.warnings, &prepared.sources, format);
    }
    written.unwrap_or_else(|code| code)
}

/// Emits into the output as files are made, then switches the new tree in (or, with
/// `--check`, compares it), under the output's lock.
fn write_output(
    options: &Options,
    checked: watchbook::compile::Checked,
    only: Option<&str>,
    sources: &SourceMap,
    failed: &dyn Fn(Vec<Diagnostic>) -> ExitCode,
) -> Result<ExitCode, ExitCode> {
    let Options {
        rules,
        out,
        check,
        format,
        force,
        ..
    } = options;
    let fail = |errors: &[WriteError]| {
        let diagnostics: Vec<Diagnostic> = errors.iter().map(StageError::to_diagnostic).collect();
        report(&diagnostics, sources, *format);
        ExitCode::from(1)
    };
    let opened = if *check {
        Output::open_to_read(out)
    } else {
        Output::open(out)
    };
    let mut output = opened.map_err(|e| fail(&[e]))?;
    let planned = output.stream(rules, only, *force, *check).map(|streamer| {
        // This thread compares and stages files while the emitters make more on the pool's
        // threads; the queue is short, so that finished files do not pile up in memory. When
        // it is full, the emitter stages its file itself rather than wait.
        let (send, receive) = std::sync::mpsc::sync_channel::<Artifact>(32);
        let mut emitted = Ok(());
        let staging = &streamer;
        rayon::in_place_scope(|scope| {
            let emitted = &mut emitted;
            scope.spawn(move |_| {
                *emitted = checked.emit_to(sources, &|artifact| {
                    if let Err(std::sync::mpsc::TrySendError::Full(artifact)) =
                        send.try_send(artifact)
                    {
                        staging.put(artifact);
                    }
                });
            });
            receive.into_iter().for_each(|a| staging.put(a));
        });
        let plan = watchbook::timing::stage("plan", || streamer.finish());
        (emitted, plan)
    });
    let plan = match planned {
        Err(e) => return Err(fail(&[e])),
        Ok((Err(diagnostics), _)) => {
            output.discard();
            return Err(failed(diagnostics));
        }
        Ok((Ok(()), Err(e))) => {
            output.discard();
            return Err(fail(&[e]));
        }
        Ok((Ok(()), Ok(plan))) => plan,
    };
    if *check {
        if plan.is_empty() {
            if matches!(format, Format::Human) {
                eprintln!(
                    "`{}` is up to date ({} files)",
                    out.display(),
                    plan.unchanged
                );
            }
            return Ok(ExitCode::SUCCESS);
        }
        print!("{}", write::diff(out, &plan));
        eprintln!(
            "error: `{}` is stale: {} file{} would change and {} would be removed; run `watchbook compile`",
            out.display(),
            plan.files_changed(),
            plural(plan.files_changed()),
            plan.removals.len()
        );
        return Err(ExitCode::from(1));
    }
    let applied = watchbook::timing::stage("write", || output.apply(&plan));
    if !output.warnings.is_empty() {
        let warnings: Vec<Diagnostic> = output
            .warnings
            .iter()
            .map(StageError::to_diagnostic)
            .collect();
        report(&warnings, sources, *format);
    }
    applied.map_err(|e| fail(&[e]))?;
    if matches!(format, Format::Human) {
        eprintln!(
            "compiled {} into `{}`: {} written, {} unchanged, {} removed",
            rules.display(),
            output.shown().display(),
            plan.files_changed(),
            plan.unchanged,
            plan.removals.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Why a comparison with a base could not be made.
fn diff_failed(error: watchbook::diff::DiffError) -> ExitCode {
    use watchbook::diff::DiffError;
    match error {
        DiffError::Base(message) => eprintln!("error: {message}"),
        DiffError::Compile {
            side,
            sources,
            diagnostics,
        } => {
            let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            eprint!("{}", render_human(&diagnostics, &sources, color));
            eprintln!("error: the {side} does not compile, so there is nothing to compare");
        }
    }
    ExitCode::from(1)
}

fn run_diff(
    rules: &std::path::Path,
    base: Option<&str>,
    base_dir: Option<&std::path::Path>,
    format: DiffFormat,
    fail_on: &[FailOn],
) -> ExitCode {
    use watchbook::diff::{self, Base};
    let base = match (base, base_dir) {
        (_, Some(dir)) => Base::Dir(dir),
        (Some(reference), None) => Base::Git(reference),
        (None, None) => Base::Git("HEAD"),
    };
    let report = match diff::diff(rules, base) {
        Ok(report) => report,
        Err(e) => return diff_failed(e),
    };
    match format {
        DiffFormat::Human => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            print!("{}", diff::human(&report, color));
        }
        DiffFormat::Markdown => print!("{}", diff::markdown(&report)),
        DiffFormat::Json => match serde_json::to_string_pretty(&report) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(1);
            }
        },
    }
    let s = &report.summary;
    let failed = (fail_on.contains(&FailOn::Loosened) && s.loosened > 0)
        || (fail_on.contains(&FailOn::PagingChange) && s.paging_changes > 0);
    if failed {
        eprintln!(
            "error: the change loosens {} alert or SLO setting{} and changes paging for {} alert{}",
            s.loosened,
            plural(s.loosened),
            s.paging_changes,
            plural(s.paging_changes)
        );
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

fn run_lint(
    rules: &std::path::Path,
    format: LintFormat,
    deny_warnings: bool,
    base: Option<watchbook::diff::Base>,
) -> ExitCode {
    let today = std::env::var("WATCHBOOK_TODAY").unwrap_or_else(|_| today());
    let report = match watchbook::compile::lint_against(rules, &today, base) {
        Ok(report) => report,
        Err(e) => return diff_failed(e),
    };
    let (sources, found) = (&report.sources, &report.diagnostics);
    let text = match format {
        LintFormat::Human => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            render_human(found, sources, color)
        }
        LintFormat::Json => render_json(found, sources),
        LintFormat::Github => render_github(found, sources),
        LintFormat::Sarif => render_sarif(found, sources),
    };
    print!("{text}");
    let errors = found.iter().filter(|d| d.level == Level::Error).count();
    let warnings = found.len() - errors;
    if matches!(format, LintFormat::Human) {
        eprintln!(
            "lint: {errors} error{}, {warnings} warning{}",
            plural(errors),
            plural(warnings)
        );
    }
    if errors > 0 || (deny_warnings && warnings > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn run_fmt(rules: &std::path::Path, check: bool) -> ExitCode {
    let formatted = watchbook::fmt::format_dir(rules, check);
    if !formatted.diagnostics.is_empty() {
        report(&formatted.diagnostics, &formatted.sources, Format::Human);
    }
    for (path, diff) in &formatted.changed {
        if check {
            print!("{diff}");
        } else {
            eprintln!("formatted {}", path.display());
        }
    }
    let changed = formatted.changed.len();
    eprintln!(
        "{}: {changed} file{} {}, {} already formatted",
        rules.display(),
        plural(changed),
        if check { "would change" } else { "reformatted" },
        formatted.unchanged
    );
    if !formatted.diagnostics.is_empty() || (check && changed > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// As rustc ends: where to read more about the codes just printed.
fn explain_hint(diagnostics: &[watchbook::diagnostic::Diagnostic]) -> String {
    let mut codes: Vec<&str> = diagnostics.iter().map(|d| d.code).collect();
    codes.sort_unstable();
    codes.dedup();
    match codes.as_slice() {
        [] => String::new(),
        [one] => format!("for more about this error: `watchbook explain {one}`"),
        [first, rest @ ..] => format!(
            "for more about these errors: `watchbook explain {first}` (likewise {})",
            rest.join(", ")
        ),
    }
}

fn explain(code: Option<&str>, list: bool) -> ExitCode {
    if list {
        for e in watchbook::explain::all() {
            println!("{}  {}", e.code, e.title);
        }
        for lint in watchbook::lint::LINTS {
            println!("{}  lint `{}`", lint.code, lint.name);
        }
        return ExitCode::SUCCESS;
    }
    let Some(code) = code else {
        eprintln!("error: name a code (`watchbook explain E0101`), or list them with `--list`");
        return ExitCode::from(2);
    };
    if let Some(e) = watchbook::explain::find(code) {
        println!("{}: {}\n\n{}", e.code, e.title, e.text);
        return ExitCode::SUCCESS;
    }
    match watchbook::lint::find(code) {
        Some(lint) => {
            println!(
                "{} ({}): {}\n\n{}",
                lint.code,
                lint.name,
                match lint.level {
                    Level::Error => "error",
                    Level::Warning => "warning",
                },
                lint.doc()
            );
            ExitCode::SUCCESS
        }
        None => {
            eprintln!("error: `{code}` is not a diagnostic code or lint name; `watchbook explain --list` lists them");
            ExitCode::from(2)
        }
    }
}

/// Today's date, UTC, as YYYY-MM-DD (civil calendar from the Unix epoch).
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
