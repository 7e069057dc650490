//! Every file the compiler has read, so that a span can be shown as `file:line:col`.

use std::path::{Path, PathBuf};

/// Index of a file in the [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub(crate) u32);

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub(crate) fn new(file: FileId, start: usize, end: usize) -> Self {
        Span { file, start, end }
    }

    /// A span covering `len` bytes from `offset` inside this span.
    pub(crate) fn sub(self, offset: usize, len: usize) -> Span {
        let start = (self.start + offset).min(self.end);
        Span::new(self.file, start, (start + len).min(self.end.max(start)))
    }
}

/// A value together with where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub(crate) fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

/// One source file as read.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as shown to the user (relative to the working directory when possible).
    pub display: String,
    /// The path on disk.
    pub path: PathBuf,
    /// The path relative to the rules directory, without extension: names the generated files.
    pub stem: String,
    /// The text; non-UTF-8 files are stored lossily so that their error can be shown.
    pub text: String,
}

/// All files read during one compile.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
    by_path: std::collections::HashMap<std::path::PathBuf, FileId>,
}

impl SourceMap {
    pub(crate) fn add(&mut self, file: SourceFile) -> FileId {
        let id = FileId(self.files.len() as u32);
        self.by_path.insert(file.path.clone(), id);
        self.files.push(file);
        id
    }

    /// Every file's id, in the order read.
    pub fn ids(&self) -> impl Iterator<Item = FileId> {
        (0..self.files.len() as u32).map(FileId)
    }

    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub(crate) fn find(&self, path: &Path) -> Option<FileId> {
        self.by_path.get(path).copied()
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, id: FileId, offset: usize) -> (usize, usize) {
        let text = &self.file(id).text;
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = text[line_start..offset].chars().count() + 1;
        (line, col)
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let mut map = SourceMap::default();
        let id = map.add(SourceFile {
            display: "a.wb".into(),
            path: "a.wb".into(),
            stem: "a".into(),
            text: "one\nzwölf x".into(),
        });
        let x = map.file(id).text.find('x').unwrap();
        assert_eq!(map.line_col(id, x), (2, 7));
        assert_eq!(map.line_col(id, 0), (1, 1));
    }
}
