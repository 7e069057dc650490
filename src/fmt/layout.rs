//! The canonical layout: two spaces per open brace or bracket, one space between tokens
//! (none where the source wrote them together, as in `job="api"`), `{ a }` and `[a, b]`,
//! two spaces before a trailing comment, at most one blank line, none just inside a block,
//! one after every multi-line declaration. Line breaks stay where they are, so comments stay
//! where they stand. Multi-line backtick texts and blocks are placed relative to their line
//! (see `place`).

use super::lexer::{Kind, Token};

pub(super) fn layout(tokens: &[Token]) -> String {
    let lines = split_lines(tokens);
    let mut out = String::new();
    let mut depth: usize = 0;
    let mut blank_pending = false;
    let mut previous: Option<Previous> = None;
    for line in lines {
        if line.is_empty() {
            blank_pending = previous.is_some();
            continue;
        }
        let closes_first = matches!(line[0].kind, Kind::Punct('}' | ']' | ')'));
        let indent = depth.saturating_sub(usize::from(closes_first));
        let after_open = previous.is_some_and(|p| p.opened);
        // A blank line after a multi-line declaration; none just inside a block.
        let wanted = match previous {
            None => false,
            Some(p) if p.closed_top_level && !closes_first => true,
            Some(_) => blank_pending && !after_open && !closes_first,
        };
        if wanted {
            out.push('\n');
        }
        blank_pending = false;
        let text = join(&line, indent * 2);
        out.push_str(&" ".repeat(indent * 2));
        out.push_str(&text);
        out.push('\n');
        let before = depth;
        let mut opened_last = false;
        for t in &line {
            match t.kind {
                Kind::Punct('{' | '[' | '(') => {
                    depth += 1;
                    opened_last = true;
                }
                Kind::Punct('}' | ']' | ')') => {
                    depth = depth.saturating_sub(1);
                    opened_last = false;
                }
                Kind::Comment => {}
                _ => opened_last = false,
            }
        }
        previous = Some(Previous {
            opened: depth > before || opened_last,
            closed_top_level: depth == 0 && before > 0,
        });
    }
    out
}

#[derive(Clone, Copy)]
struct Previous {
    /// The line leaves a block open: no blank line may follow.
    opened: bool,
    /// The line ends a multi-line declaration.
    closed_top_level: bool,
}

/// The tokens of each source line (a line goes on past the line ends inside a multi-line
/// text).
fn split_lines<'a>(tokens: &[Token<'a>]) -> Vec<Vec<Token<'a>>> {
    let mut lines = Vec::new();
    let mut current: Vec<Token<'a>> = Vec::new();
    for t in tokens {
        if t.kind == Kind::Newline {
            lines.push(std::mem::take(&mut current));
        } else {
            current.push(*t);
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// One line's tokens with canonical spacing. `indent` is the line's indentation, which
/// places the multi-line texts on it.
fn join(line: &[Token], indent: usize) -> String {
    let mut out = String::new();
    for (i, t) in line.iter().enumerate() {
        // `at 20,0` is one token of the grammar: a comma written between two numbers stays
        // glued to both.
        let digits = |w: &Token| {
            w.kind == Kind::Word && !w.text.is_empty() && w.text.bytes().all(|b| b.is_ascii_digit())
        };
        let glued = |a: &Token, b: &Token| {
            digits(a) && b.kind == Kind::Punct(',') && !b.spaced
                || a.kind == Kind::Punct(',') && digits(b) && !b.spaced
        };
        let in_number_pair = i > 0
            && glued(&line[i - 1], t)
            && (t.kind == Kind::Punct(',') && line.get(i + 1).is_some_and(|n| glued(t, n))
                || i > 1 && glued(&line[i - 2], &line[i - 1]));
        if i > 0 && !in_number_pair && space_between(&line[i - 1], t) {
            out.push(' ');
            if t.kind == Kind::Comment {
                out.push(' ');
            }
        }
        match t.kind {
            Kind::Verbatim if t.text.contains('\n') => out.push_str(&place(t.text, indent)),
            Kind::Comment => out.push_str(t.text.trim_end()),
            _ => out.push_str(t.text),
        }
    }
    out
}

fn space_between(before: &Token, after: &Token) -> bool {
    match (before.kind, after.kind) {
        (_, Kind::Comment) => true,
        (Kind::Punct('[' | '('), _) => false,
        (_, Kind::Punct(']' | ')' | ',')) => false,
        (Kind::Punct('{'), Kind::Punct('}')) => false,
        (Kind::Punct(','), _) => true,
        (Kind::Punct('{'), _) | (_, Kind::Punct('{' | '}')) => true,
        (Kind::Punct('}'), _) => true,
        _ => after.spaced,
    }
}

/// A multi-line text in its canonical place: its lines two columns deeper than the line it
/// opens on (their relative indentation kept), its closing fence at that line's indentation.
/// The language reads such texts dedented, so the move keeps their meaning. A text whose
/// first line holds content stays as written: its lines count from that column.
fn place(text: &str, indent: usize) -> String {
    let mut lines = text.split('\n');
    let first = lines.next().unwrap_or_default();
    let rest: Vec<&str> = lines.collect();
    let fence_len = first.len() - first.trim_start_matches(['`', '"']).len();
    if !first[fence_len..].trim().is_empty() {
        return text.to_string();
    }
    let closing = rest.last().is_some_and(|l| {
        let t = l.trim_start();
        !t.is_empty() && t.trim_start_matches(['`', '"']).is_empty()
    });
    let body = if closing {
        &rest[..rest.len() - 1]
    } else {
        &rest[..]
    };
    let least = body
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .min()
        .unwrap_or(0);
    let mut out = first.trim_end().to_string();
    for line in body {
        out.push('\n');
        if line.trim().is_empty() {
            continue;
        }
        out.push_str(&" ".repeat(indent + 2));
        let spaces = line.len() - line.trim_start_matches(' ').len();
        out.push_str(line[least.min(spaces)..].trim_end());
    }
    if closing {
        out.push('\n');
        out.push_str(&" ".repeat(indent));
        out.push_str(rest[rest.len() - 1].trim_start());
    }
    out
}
