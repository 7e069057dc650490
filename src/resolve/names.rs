//! Symbol tables: who declared what where, who may see it (a file sees its own names and those
//! of the files it imports), and "did you mean" for names that do not exist.

use super::error::ResolveError;
use crate::parse::ast::Ident;
use crate::source::{FileId, SourceMap, Span};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

#[derive(Clone, Copy)]
pub(crate) struct Def {
    pub file: FileId,
    pub span: Span,
    pub index: usize,
}

#[derive(Clone)]
pub(crate) struct Names<'a> {
    sources: &'a SourceMap,
    tables: HashMap<&'static str, BTreeMap<String, Def>>,
    visible: HashMap<FileId, HashSet<FileId>>,
}

impl<'a> Names<'a> {
    pub(crate) fn new(sources: &'a SourceMap, imports: &[(FileId, Vec<FileId>)]) -> Self {
        let visible = imports
            .iter()
            .map(|(file, imported)| {
                let mut set: HashSet<FileId> = imported.iter().copied().collect();
                set.insert(*file);
                (*file, set)
            })
            .collect();
        Names {
            sources,
            tables: HashMap::new(),
            visible,
        }
    }

    pub(crate) fn declare(
        &mut self,
        kind: &'static str,
        name: &Ident,
        index: usize,
    ) -> Result<(), Box<ResolveError>> {
        let table = self.tables.entry(kind).or_default();
        if let Some(first) = table.get(&name.value) {
            return Err(Box::new(ResolveError::DuplicateName {
                kind,
                name: name.value.clone(),
                span: name.span,
                first: first.span,
            }));
        }
        table.insert(
            name.value.clone(),
            Def {
                file: name.span.file,
                span: name.span,
                index,
            },
        );
        Ok(())
    }

    pub(crate) fn lookup(
        &self,
        kind: &'static str,
        name: &Ident,
    ) -> Result<usize, Box<ResolveError>> {
        let from = name.span.file;
        let table = self.tables.get(kind);
        match table.and_then(|t| t.get(&name.value)) {
            Some(def) if self.is_visible(from, def.file) => Ok(def.index),
            Some(def) => Err(Box::new(ResolveError::NotImported {
                kind,
                name: name.value.clone(),
                span: name.span,
                declared_in: self.sources.file(def.file).display.clone(),
                import: relative(
                    &self.sources.file(from).path,
                    &self.sources.file(def.file).path,
                ),
            })),
            None => {
                let declared = || table.into_iter().flat_map(|t| t.keys().map(String::as_str));
                let suggestion = suggest(&name.value, declared());
                let mut known: Vec<String> = match suggestion {
                    Some(_) => Vec::new(),
                    None => declared().map(str::to_string).collect(),
                };
                known.sort();
                if known.len() > 12 {
                    known.clear();
                    known.push("...".into());
                }
                Err(Box::new(ResolveError::UnknownName {
                    kind,
                    name: name.value.clone(),
                    span: name.span,
                    suggestion,
                    known,
                    again: 0,
                }))
            }
        }
    }

    fn is_visible(&self, from: FileId, to: FileId) -> bool {
        from == to || self.visible.get(&from).is_some_and(|set| set.contains(&to))
    }
}

/// The closest candidate, if it is close enough to be a likely typo.
pub(crate) fn suggest<'s>(
    name: &str,
    candidates: impl IntoIterator<Item = &'s str>,
) -> Option<String> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c.to_string())
}

/// The path to write in `import "..."` in `from` to reach `to`.
fn relative(from: &Path, to: &Path) -> String {
    let base: Vec<Component> = from
        .parent()
        .map(|p| p.components().collect())
        .unwrap_or_default();
    let target: Vec<Component> = to.components().collect();
    let common = base.iter().zip(&target).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..base.len() {
        out.push("..");
    }
    for part in &target[common..] {
        out.push(part.as_os_str());
    }
    out.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let names = ["error_rate", "latency_p99", "cpu"];
        assert_eq!(suggest("eror_rate", names), Some("error_rate".into()));
        assert_eq!(suggest("memory", names), None);
    }

    #[test]
    fn import_paths_are_relative() {
        assert_eq!(
            relative(
                Path::new("rules/alerts/a.wb"),
                Path::new("rules/queries.wb")
            ),
            "../queries.wb"
        );
        assert_eq!(
            relative(Path::new("rules/a.wb"), Path::new("rules/b.wb")),
            "b.wb"
        );
    }
}
