//! The `watchbook` command line.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use watchbook::compile::compile_with;
use watchbook::diagnostic::{render_human, render_json, Diagnostic, StageError};
use watchbook::source::SourceMap;
use watchbook::write;

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
        out,
        check,
        templates,
        format,
    } = options;
    let (check, format) = (*check, *format);
    let compilation = compile_with(rules, templates.as_deref());
    let artifacts = match compilation.result {
        Ok(artifacts) => {
            if !compilation.warnings.is_empty() || matches!(format, Format::Json) {
                report(&compilation.warnings, &compilation.sources, format);
            }
            artifacts
        }
        Err(diagnostics) => {
            let mut all = compilation.warnings.clone();
            all.extend(diagnostics.iter().cloned());
            report(&all, &compilation.sources, format);
            let errors = diagnostics.len();
            if matches!(format, Format::Human) {
                eprintln!(
                    "error: compile failed with {errors} error{}; nothing was written",
                    plural(errors)
                );
            }
            return ExitCode::from(1);
        }
    };
    let plan = match write::plan_only(out, &artifacts, only) {
        Ok(plan) => plan,
        Err(e) => {
            report(&[e.to_diagnostic()], &compilation.sources, format);
            return ExitCode::from(1);
        }
    };
    if check {
        if plan.is_empty() {
            if matches!(format, Format::Human) {
                eprintln!(
                    "`{}` is up to date ({} files)",
                    out.display(),
                    plan.unchanged
                );
            }
            return ExitCode::SUCCESS;
        }
        print!("{}", write::diff(out, &plan));
        eprintln!(
            "error: `{}` is stale: {} file{} would change and {} would be removed; run `watchbook compile`",
            out.display(),
            plan.changes.len(),
            plural(plan.changes.len()),
            plan.removals.len()
        );
        return ExitCode::from(1);
    }
    if let Err(e) = write::apply(out, &plan) {
        report(&[e.to_diagnostic()], &compilation.sources, format);
        return ExitCode::from(1);
    }
    if matches!(format, Format::Human) {
        eprintln!(
            "compiled {} into `{}`: {} written, {} unchanged, {} removed",
            rules.display(),
            out.display(),
            plan.changes.len(),
            plan.unchanged,
            plan.removals.len()
        );
    }
    ExitCode::SUCCESS
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
