//! `watchbook init DIR`: a small project that compiles, lints clean, and whose output passes
//! promtool (rules and their unit tests) and amtool: a service, a query with thresholds, an
//! alert with its runbook and examples, receivers, routing and a dashboard.

use std::path::Path;

/// The files written, by name.
const FILES: [(&str, &str); 4] = [
    ("project.wb", include_str!("init/project.wb")),
    ("routing.wb", include_str!("init/routing.wb")),
    ("alerts.wb", include_str!("init/alerts.wb")),
    ("dashboards.wb", include_str!("init/dashboards.wb")),
];

/// Writes the starter sources into `dir`, which must not exist or be empty; returns the
/// files written. Nothing is overwritten.
pub fn init(dir: &Path) -> Result<Vec<String>, String> {
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?
            .next()
            .is_none();
        if !empty {
            return Err(format!(
                "`{}` is not empty; `init` only writes into a new or empty directory",
                dir.display()
            ));
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
    let mut written = Vec::new();
    for (name, text) in FILES {
        let path = dir.join(name);
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
        std::io::Write::write_all(&mut file, text.as_bytes())
            .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
        written.push(path.display().to_string());
    }
    Ok(written)
}
