//! Text from the source, made inert for markdown, HTML and mdBook. Every runbook value goes
//! through one of these, by context:
//! - [`prose`]: one line of text. Markdown and HTML characters are escaped, backtick code
//!   spans the author wrote are kept, and placeholders such as `<pod>` become code spans so
//!   that they show literally. Line breaks become spaces: no heading or list can be injected.
//! - [`cell`]: prose for a table cell, where `|` is escaped even inside code.
//! - [`code_span`] and [`fence`]: commands and queries, verbatim, in a code span or block whose
//!   backtick fence is longer than any run of backticks in the text, so it cannot be closed
//!   from inside.
//! - [`block`]: markdown the author wrote as markdown (`section` prose): kept, but raw HTML
//!   tags are escaped outside code.
//!
//! In every context `{{#` is escaped, so that mdBook's `{{#include FILE}}` can never read a
//! file at build time.

/// Escapes one line of prose.
pub(crate) fn prose(text: &str) -> String {
    inline(text, false)
}

/// Escapes prose for a table cell.
pub(crate) fn cell(text: &str) -> String {
    inline(text, true)
}

/// A URL as the target of a markdown link: only `http(s)` (anything else becomes `#`), with
/// the characters that would end or break the link percent-encoded.
pub(crate) fn link_target(url: &str) -> String {
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return "#".to_string();
    }
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            ' ' | '(' | ')' | '<' | '>' | '[' | ']' | '"' | '\\' | '`' | '{' | '}' => {
                for b in c.to_string().bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Text as an inline code span.
pub(crate) fn code_span(text: &str) -> String {
    let text = mdbook_inert(&one_line(text));
    let ticks = "`".repeat(longest_run(&text, '`') + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{text}{pad}{ticks}")
}

/// Text as a fenced code block tagged `language`, every line indented by `indent` spaces.
pub(crate) fn fence(text: &str, language: &str, indent: usize) -> String {
    let text = mdbook_inert(&text.replace("\r\n", "\n").replace('\r', "\n"));
    let text = text.trim_matches('\n');
    let ticks = "`".repeat(longest_run(text, '`').max(2) + 1);
    let language: String = language
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+'))
        .collect();
    let pad = " ".repeat(indent);
    let mut out = format!("{pad}{ticks}{language}\n");
    for line in text.lines() {
        if !line.is_empty() {
            out.push_str(&pad);
        }
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&pad);
    out.push_str(&ticks);
    out
}

/// Markdown written as markdown: raw HTML is escaped outside code, line ends normalised.
pub(crate) fn block(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(text.len());
    let mut fenced: Option<String> = None;
    for line in text.split_inclusive('\n') {
        match (&fenced, fence_marker(line)) {
            (Some(open), Some(run))
                if run.starts_with(&open[..1]) && run.len() >= open.len() && line.trim() == run =>
            {
                fenced = None;
                out.push_str(&mdbook_inert(line));
            }
            (Some(_), _) => out.push_str(&mdbook_inert(line)),
            (None, Some(run)) => {
                fenced = Some(run);
                out.push_str(&mdbook_inert(line));
            }
            (None, None) => out.push_str(&html_inert(line)),
        }
    }
    out
}

/// The fence a line opens or closes (three or more backticks or tildes), if any.
fn fence_marker(line: &str) -> Option<String> {
    let trimmed = line.trim_start();
    let first = trimmed.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let run: String = trimmed.chars().take_while(|c| *c == first).collect();
    (run.len() >= 3).then_some(run)
}

/// `{{#` (mdBook's include and friends) escaped the way mdBook reads it: shown, not run.
fn mdbook_inert(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("{{") {
        let after = rest[at + 2..].trim_start();
        out.push_str(&rest[..at]);
        if after.starts_with('#') && !out.ends_with('\\') {
            out.push('\\');
        }
        out.push_str("{{");
        rest = &rest[at + 2..];
    }
    out.push_str(rest);
    out
}

/// A line of markdown with its HTML tags (`<script`, `<img`, `</div`, `<!--`) escaped outside
/// code spans. Autolinks (`<https://...>`) stay.
fn html_inert(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '`' => {
                let run = chars[i..].iter().take_while(|c| **c == '`').count();
                match find_run(&chars, i + run, run) {
                    Some(end) => {
                        let span: String = chars[i..end + run].iter().collect();
                        out.push_str(&mdbook_inert(&span));
                        i = end + run;
                    }
                    None => {
                        out.extend(&chars[i..i + run]);
                        i += run;
                    }
                }
            }
            '<' => {
                let rest: String = chars[i + 1..].iter().take(8).collect();
                let autolink = rest.starts_with("http://")
                    || rest.starts_with("https://")
                    || rest.starts_with("mailto:");
                out.push_str(if autolink { "<" } else { "\\<" });
                i += 1;
            }
            '{' if chars.get(i + 1) == Some(&'{') => {
                let after: String = chars[i + 2..].iter().collect();
                if after.trim_start().starts_with('#') {
                    out.push('\\');
                }
                out.push_str("{{");
                i += 2;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Prose on one line, code spans kept, placeholders as code, everything else escaped.
fn inline(text: &str, table: bool) -> String {
    if needs_no_escape(text, table) {
        return text.to_string();
    }
    escaped(text, table)
}

/// Text that [`escaped`] would give back unchanged: none of the characters it escapes or
/// replaces, and no mark at its start that would begin a block (most prose, names and
/// numbers in a runbook: they skip the escaping pass).
fn needs_no_escape(text: &str, table: bool) -> bool {
    let bytes = text.as_bytes();
    let starts_block = !table
        && bytes
            .first()
            .is_some_and(|b| b.is_ascii_digit() || b"#>-+=".contains(b));
    !starts_block
        && bytes
            .iter()
            .all(|b| !b.is_ascii_control() && !b"`<\\*_[]|~{}&".contains(b))
        && (text.is_ascii() || !text.chars().any(char::is_control))
}

/// Prose escaped character by character.
fn escaped(text: &str, table: bool) -> String {
    let text = one_line(text);
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            let run = chars[i..].iter().take_while(|c| **c == '`').count();
            if let Some(end) = find_run(&chars, i + run, run) {
                let span: String = chars[i..end + run].iter().collect();
                let span = mdbook_inert(&span);
                out.push_str(&if table {
                    span.replace('|', "\\|")
                } else {
                    span
                });
                i = end + run;
                continue;
            }
            for _ in 0..run {
                out.push_str("\\`");
            }
            i += run;
            continue;
        }
        if c == '<' {
            if let Some(len) = placeholder(&chars[i..]) {
                let word: String = chars[i..i + len].iter().collect();
                out.push_str(&code_span(&word));
                i += len;
                continue;
            }
        }
        // `#`, `>`, `-`, `+` and `=` make headings, quotes, lists and rules only at the
        // start of a line, which prose (on one line) has only at its very start.
        // A table cell holds inline content only.
        let at_start = i == 0 && !table;
        let entity = c == '&' && is_entity(&chars[i + 1..]);
        // `<` opens a tag, comment or instruction only before a letter, `/`, `!` or `?`.
        let tag = c == '<'
            && chars
                .get(i + 1)
                .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?'));
        if matches!(c, '\\' | '*' | '_' | '[' | ']' | '|' | '~' | '{' | '}')
            || entity
            || tag
            || (at_start && matches!(c, '#' | '>' | '-' | '+' | '=' | '<'))
            || (!table && at_start_of_number_list(&chars, i))
        {
            out.push('\\');
        }
        out.push(c);
        i += 1;
    }
    out
}

/// `&amp;`, `&#60;`: text that HTML would read as a character reference.
fn is_entity(rest: &[char]) -> bool {
    let name = rest
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == '#')
        .count();
    name > 0 && rest.get(name) == Some(&';')
}

/// `1.` or `1)` at the start of the text would begin a list: the mark is escaped.
fn at_start_of_number_list(chars: &[char], i: usize) -> bool {
    matches!(chars[i], '.' | ')') && i > 0 && chars[..i].iter().all(char::is_ascii_digit)
}

/// The length of a placeholder such as `<pod>` or `<PASTE_TRACE_ID>` at the start.
fn placeholder(chars: &[char]) -> Option<usize> {
    let word = chars[1..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
        .count();
    let first_ok = chars
        .get(1)
        .is_some_and(|c| c.is_ascii_alphabetic() || *c == '_');
    (word > 0 && first_ok && chars.get(1 + word) == Some(&'>')).then_some(word + 2)
}

/// The start of the next run of exactly `len` backticks from `from`.
fn find_run(chars: &[char], from: usize, len: usize) -> Option<usize> {
    let mut i = from;
    while i < chars.len() {
        if chars[i] == '`' {
            let run = chars[i..].iter().take_while(|c| **c == '`').count();
            if run == len {
                return Some(i);
            }
            i += run;
        } else {
            i += 1;
        }
    }
    None
}

fn longest_run(text: &str, c: char) -> usize {
    let mut longest = 0;
    let mut current = 0;
    for ch in text.chars() {
        if ch == c {
            current += 1;
            longest = longest.max(current);
        } else {
            current = 0;
        }
    }
    longest
}

fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {

    #[test]
    fn link_targets_stay_inside_the_link() {
        assert_eq!(
            link_target("https://g.example/d/a b?viewPanel=(3)"),
            "https://g.example/d/a%20b?viewPanel=%283%29"
        );
        assert_eq!(link_target("javascript:alert(1)"), "#");
    }
    use super::*;

    /// The shortcut for text with nothing to escape gives what escaping gives.
    #[test]
    fn text_skipping_the_escape_pass_is_what_escaping_gives() {
        const POOL: [char; 24] = [
            'a', ' ', '1', '.', ')', '#', '>', '-', '+', '=', '<', '`', '\\', '*', '_', '[', '|',
            '{', '&', ';', '\n', '\u{85}', 'ü', ':',
        ];
        for text in crate::random_text::texts(&POOL, 100_000, 9) {
            for table in [false, true] {
                assert_eq!(inline(&text, table), escaped(&text, table), "{text:?}");
            }
        }
    }

    #[test]
    fn prose_is_inert() {
        assert_eq!(
            prose("Pod <namespace>/<pod> is down"),
            "Pod `<namespace>`/`<pod>` is down"
        );
        // A tag-shaped word reads as a placeholder: shown literally, in code.
        assert_eq!(
            prose("<script>alert(1)</script>"),
            "`<script>`alert(1)\\</script>"
        );
        assert_eq!(
            prose("<img src=x onerror=alert(1)>"),
            "\\<img src=x onerror=alert(1)>"
        );
        assert_eq!(prose("Q&A &lt;b&gt;"), "Q&A \\&lt;b\\&gt;");
        assert_eq!(prose("a\n## heading"), "a ## heading");
        assert_eq!(prose("## heading"), "\\## heading");
        assert_eq!(
            prose("run `kubectl get pods` now"),
            "run `kubectl get pods` now"
        );
        assert_eq!(
            prose("[x](javascript:alert(1))"),
            "\\[x\\](javascript:alert(1))"
        );
        assert_eq!(
            prose("{{#include /etc/passwd}}"),
            "\\{\\{#include /etc/passwd\\}\\}"
        );
        assert_eq!(prose("1. not a list"), "1\\. not a list");
        assert_eq!(prose("- not a list"), "\\- not a list");
        assert_eq!(prose("error rate >10%"), "error rate >10%");
        assert_eq!(prose("> quote"), "\\> quote");
    }

    #[test]
    fn cells_cannot_split_rows() {
        assert_eq!(cell("a|b\r\nc"), "a\\|b  c");
        assert_eq!(cell("< 30s"), "< 30s");
        assert_eq!(cell("> 10%"), "> 10%");
        assert_eq!(cell("`x|y`"), "`x\\|y`");
    }

    #[test]
    fn code_cannot_be_closed_from_inside() {
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`x`"), "`` `x` ``");
        let block = fence("echo ```\n```\n<script>", "sh", 0);
        assert!(
            block.starts_with("````sh\n") && block.ends_with("\n````"),
            "{block}"
        );
        assert_eq!(
            fence("a\nb", "promql", 3),
            "   ```promql\n   a\n   b\n   ```"
        );
        assert_eq!(fence("x", "sh\n# x", 0), "```shx\nx\n```");
        assert!(fence("{{#include /etc/passwd}}", "", 0).contains("\\{{#include"));
    }

    #[test]
    fn blocks_keep_markdown_but_not_html() {
        let text = "### Steps\r\n\r\n- <b>bold</b> and `<b>code</b>` and <https://x.example>\n\n```html\n<script>x</script>\n```\n";
        assert_eq!(
            block(text),
            "### Steps\n\n- \\<b>bold\\</b> and `<b>code</b>` and <https://x.example>\n\n```html\n<script>x</script>\n```\n"
        );
        assert!(block("{{#include x}}").starts_with("\\{{#include"));
    }
}
