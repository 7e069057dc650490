//! Entry points for fuzzers (`fuzz/` for cargo-fuzz, `tests/fuzz.rs` for the bounded run of the
//! test suite). Each takes arbitrary input and must return, whatever it is given: no panic, no
//! stack overflow, no hang.

use crate::source::FileId;
use std::path::Path;

/// The parser alone.
pub fn parse(text: &str) {
    let _ = crate::parse::parse(FileId(0), text);
}

/// The formatter on any text: whether it kept its promises. A source that parses still
/// parses once formatted, and formatting it again changes nothing. (Text that does not parse
/// is not formatted by `watchbook fmt`; it must merely not panic here.)
pub fn format(text: &str) -> bool {
    let Some(formatted) = crate::fmt::format(text) else {
        return true;
    };
    let (_, errors) = crate::parse::parse(FileId(0), text);
    if !errors.is_empty() {
        return true;
    }
    let (_, after) = crate::parse::parse(FileId(0), &formatted);
    after.is_empty() && crate::fmt::format(&formatted).as_deref() == Some(formatted.as_str())
}

/// The PromQL check (limits, then promql-parser); whether the query is accepted.
pub fn promql(text: &str) -> bool {
    crate::resolve::query_ok(false, text)
}

/// The LogQL check (limits, then our checker); whether the query is accepted.
pub fn logql(text: &str) -> bool {
    crate::resolve::query_ok(true, text)
}

/// A whole compile of `rules` written into `out`; whether it succeeded.
pub fn compile_into(rules: &Path, out: &Path) -> bool {
    let compilation = crate::compile::compile(rules);
    let Ok(artifacts) = compilation.result else {
        return false;
    };
    let Ok(mut output) = crate::write::Output::open(out) else {
        return false;
    };
    let Ok(plan) = output.plan(artifacts, rules, None, true, false) else {
        return false;
    };
    output.apply(&plan).is_ok()
}
