//! PromQL (and LogQL) laid out for reading in the runbook: lines longer than the page are broken at commas,
//! binary operators and brackets, and indented. Only whitespace outside string literals
//! changes, so the query shown is the query that runs.

/// The width of the runbook's code blocks, in characters.
pub(super) const WIDTH: usize = 80;

/// How far past the width a line may run before it is laid out again: a query a person wrote
/// a little wider (the seed's `topk(10, ...)` is 90) reads better as written.
const SLACK: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Word,
    Operator,
    Open,
    Close,
    Comma,
    /// A string literal or a comment: never broken.
    Opaque,
}

#[derive(Debug, Clone)]
struct Token<'a> {
    text: &'a str,
    kind: Kind,
    /// Whether the source had whitespace before it (kept as one space).
    space: bool,
}

#[derive(Debug)]
enum Node<'a> {
    Token(Token<'a>),
    Group {
        open: Token<'a>,
        inner: Vec<Node<'a>>,
        close: Token<'a>,
        /// The group's length on one line, measured once.
        len: usize,
    },
}

impl Node<'_> {
    fn space(&self) -> bool {
        match self {
            Node::Token(t) => t.space,
            Node::Group { open, .. } => open.space,
        }
    }

    fn len(&self) -> usize {
        match self {
            Node::Token(t) => t.text.len(),
            Node::Group { len, .. } => *len,
        }
    }
}

/// The length of `nodes` on one line (in bytes: queries are ASCII but for their strings).
fn flat_len(nodes: &[Node]) -> usize {
    nodes
        .iter()
        .enumerate()
        .map(|(i, n)| n.len() + usize::from(i > 0 && n.space()))
        .sum()
}

/// `text` with every line much longer than `width` broken up into lines of `width`; a query
/// that fits is left as its author wrote it.
pub(super) fn promql(text: &str, width: usize) -> String {
    let fits = |line: &str| line.chars().count() <= width + SLACK;
    if text.lines().all(fits) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.lines() {
        if fits(line) {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let nodes = tree(
            &mut tokens(line.trim_start()).into_iter().peekable(),
            None,
            0,
        );
        let mut lines = Vec::new();
        lay(&nodes, indent, width, &mut lines);
        for l in lines {
            out.push_str(&l);
            out.push('\n');
        }
    }
    if !text.ends_with('\n') {
        out.pop();
    }
    out
}

fn tokens(line: &str) -> Vec<Token<'_>> {
    let bytes = line.as_bytes();
    let mut out: Vec<Token> = Vec::new();
    let mut i = 0;
    let mut space = false;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let kind = match c {
            b' ' | b'\t' => {
                space = true;
                i += 1;
                continue;
            }
            b'#' => {
                i = bytes.len();
                Kind::Opaque
            }
            b'"' | b'\'' | b'`' => {
                i = crate::resolve::skip_string(bytes, i).min(bytes.len());
                Kind::Opaque
            }
            b'(' | b'{' | b'[' => {
                i += 1;
                Kind::Open
            }
            b')' | b'}' | b']' => {
                i += 1;
                Kind::Close
            }
            b',' => {
                i += 1;
                Kind::Comma
            }
            b'+' | b'-' | b'*' | b'/' | b'%' | b'^' | b'=' | b'!' | b'<' | b'>' => {
                i += 1;
                while i < bytes.len() && matches!(bytes[i], b'=' | b'~') {
                    i += 1;
                }
                Kind::Operator
            }
            _ => {
                // A name, number or duration; `1e-3` keeps its sign.
                while i < bytes.len() {
                    let b = bytes[i];
                    let exponent_sign = matches!(b, b'+' | b'-')
                        && matches!(bytes[i - 1], b'e' | b'E')
                        && bytes[start].is_ascii_digit();
                    if b.is_ascii_alphanumeric()
                        || matches!(b, b'_' | b':' | b'.' | b'@')
                        || b >= 0x80
                        || exponent_sign
                    {
                        i += 1;
                    } else {
                        break;
                    }
                }
                if i == start {
                    i += 1;
                }
                Kind::Word
            }
        };
        out.push(Token {
            text: &line[start..i],
            kind,
            space,
        });
        space = false;
    }
    out
}

/// How deep brackets are grouped; deeper ones stay plain tokens (a hostile query cannot run
/// the layout out of stack).
const MAX_DEPTH: usize = 32;

/// Brackets matched into groups; an unmatched one stays a plain token.
fn tree<'a>(
    tokens: &mut std::iter::Peekable<std::vec::IntoIter<Token<'a>>>,
    closing: Option<u8>,
    depth: usize,
) -> Vec<Node<'a>> {
    let mut out = Vec::new();
    while let Some(t) = tokens.peek() {
        if t.kind == Kind::Close && closing == Some(t.text.as_bytes()[0]) {
            return out;
        }
        let Some(t) = tokens.next() else { break };
        if t.kind != Kind::Open || depth >= MAX_DEPTH {
            out.push(Node::Token(t));
            continue;
        }
        let want = match t.text {
            "(" => b')',
            "{" => b'}',
            _ => b']',
        };
        let inner = tree(tokens, Some(want), depth + 1);
        match tokens.next() {
            Some(close) => {
                let len = t.text.len()
                    + flat_len(&inner)
                    + usize::from(close.space && !inner.is_empty())
                    + close.text.len();
                out.push(Node::Group {
                    open: t,
                    inner,
                    close,
                    len,
                });
            }
            None => {
                out.push(Node::Token(t));
                out.extend(inner);
            }
        }
    }
    out
}

fn flat(nodes: &[Node], out: &mut String) {
    for (i, node) in nodes.iter().enumerate() {
        if node.space() && i > 0 {
            out.push(' ');
        }
        match node {
            Node::Token(t) => out.push_str(t.text),
            Node::Group {
                open, inner, close, ..
            } => {
                out.push_str(open.text);
                flat(inner, out);
                if close.space && !inner.is_empty() {
                    out.push(' ');
                }
                out.push_str(close.text);
            }
        }
    }
}

fn flat_text(nodes: &[Node]) -> String {
    let mut s = String::with_capacity(flat_len(nodes));
    flat(nodes, &mut s);
    s
}

/// How tightly a binary operator binds (PromQL's precedence), `None` for other tokens.
fn precedence(t: &Token) -> Option<u8> {
    match (t.kind, t.text) {
        (Kind::Word, "or") => Some(1),
        (Kind::Word, "and" | "unless") => Some(2),
        (Kind::Operator, "==" | "!=" | "<=" | "<" | ">=" | ">") => Some(3),
        (Kind::Operator, "+" | "-") => Some(4),
        (Kind::Operator, "*" | "/" | "%") | (Kind::Word, "atan2") => Some(5),
        (Kind::Operator, "^") => Some(6),
        _ => None,
    }
}

/// Words that belong to the operator before them: `bool`, `on (...)`, `group_left (...)`.
fn is_modifier(node: &Node) -> bool {
    matches!(node, Node::Token(t) if t.kind == Kind::Word
        && matches!(t.text, "bool" | "on" | "ignoring" | "group_left" | "group_right"))
}

/// The indices of the top-level binary operators of the loosest precedence present.
fn binary_operators(nodes: &[Node]) -> Vec<usize> {
    let mut found: Vec<(usize, u8)> = Vec::new();
    let mut operand = false;
    for (i, node) in nodes.iter().enumerate() {
        match node {
            Node::Token(t) => match precedence(t) {
                // A sign after an operator, or at the start, is unary.
                Some(p) if operand => {
                    found.push((i, p));
                    operand = false;
                }
                Some(_) => operand = false,
                None => operand = !matches!(t.kind, Kind::Comma) && !is_modifier(node),
            },
            Node::Group { .. } => operand = true,
        }
    }
    let Some(loosest) = found.iter().map(|(_, p)| *p).min() else {
        return Vec::new();
    };
    found
        .into_iter()
        .filter(|(_, p)| *p == loosest)
        .map(|(i, _)| i)
        .collect()
}

fn pad(indent: usize, text: &str) -> String {
    let mut line = String::with_capacity(indent + text.len());
    line.extend(std::iter::repeat_n(' ', indent));
    line.push_str(text);
    line
}

/// `nodes` on one line, indented.
fn flat_line(nodes: &[Node], indent: usize) -> String {
    let mut line = String::with_capacity(indent + flat_len(nodes));
    line.extend(std::iter::repeat_n(' ', indent));
    flat(nodes, &mut line);
    line
}

/// Appends `nodes` to `lines`, laid out in lines of `width` (at least one line).
fn lay(nodes: &[Node], indent: usize, width: usize, lines: &mut Vec<String>) {
    if indent + flat_len(nodes) > width
        && (at_commas(nodes, indent, width, lines)
            || at_operators(nodes, indent, width, lines)
            || open_group(nodes, indent, width, lines))
    {
        return;
    }
    lines.push(flat_line(nodes, indent));
}

/// One item of a list per line, each followed by its comma; false when there is no list.
fn at_commas(nodes: &[Node], indent: usize, width: usize, lines: &mut Vec<String>) -> bool {
    let is_comma = |n: &Node| matches!(n, Node::Token(t) if t.kind == Kind::Comma);
    if !nodes.iter().any(is_comma) {
        return false;
    }
    let count = nodes.split(is_comma).count();
    for (i, part) in nodes.split(is_comma).enumerate() {
        lay(part, indent, width, lines);
        if i + 1 < count {
            if let Some(last) = lines.last_mut() {
                last.push(',');
            }
        }
    }
    true
}

/// Operands on lines of their own, the operator (with its matching modifiers) between them.
/// A short operand stays beside its operator: `100 * sum(...)`, `(...) > 10`. False when
/// there is nothing to put on lines of its own.
fn at_operators(nodes: &[Node], indent: usize, width: usize, lines: &mut Vec<String>) -> bool {
    let short = |operand: &[Node]| flat_len(operand) <= 12;
    let mut units: Vec<(usize, usize, usize)> = Vec::new();
    let (mut unit, mut operand) = (0, 0);
    for op in binary_operators(nodes) {
        let mut end = op + 1;
        while end < nodes.len() {
            let grouping = matches!(nodes[end], Node::Group { .. })
                && end > op + 1
                && matches!(&nodes[end - 1], Node::Token(t)
                    if matches!(t.text, "on" | "ignoring" | "group_left" | "group_right"));
            if is_modifier(&nodes[end]) || grouping {
                end += 1;
            } else {
                break;
            }
        }
        if !short(&nodes[operand..op]) {
            units.push((unit, op, end));
            unit = end;
        }
        operand = end;
    }
    let last = &nodes[unit..];
    let mut suffix = None;
    if short(last) {
        // One operand with short ones around it: nothing to put on lines of their own.
        let Some((start, op, _)) = units.pop() else {
            return false;
        };
        suffix = Some((&nodes[op..], start));
    } else if units.is_empty() {
        return false;
    }
    for &(start, op, end) in &units {
        lay(&nodes[start..op], indent, width, lines);
        lines.push(flat_line(&nodes[op..end], indent));
    }
    match suffix {
        Some((tail, start)) => {
            let op = nodes.len() - tail.len();
            lay(&nodes[start..op], indent, width, lines);
            if let Some(line) = lines.last_mut() {
                line.push(' ');
                flat(tail, line);
            }
        }
        None => lay(last, indent, width, lines),
    }
    true
}

/// The longest bracketed group opened: its contents indented on the lines between; false
/// when there is none.
fn open_group(nodes: &[Node], indent: usize, width: usize, lines: &mut Vec<String>) -> bool {
    let Some((at, _)) = nodes
        .iter()
        .enumerate()
        .filter_map(|(i, n)| match n {
            Node::Group { open, inner, .. } if open.text != "[" && !inner.is_empty() => {
                Some((i, n.len()))
            }
            _ => None,
        })
        .max_by_key(|(i, len)| (*len, std::cmp::Reverse(*i)))
    else {
        return false;
    };
    let Node::Group {
        open, inner, close, ..
    } = &nodes[at]
    else {
        return false;
    };
    let mut head = flat_text(&nodes[..at]);
    if open.space && at > 0 {
        head.push(' ');
    }
    head.push_str(open.text);
    let mut tail = close.text.to_string();
    let rest = &nodes[at + 1..];
    if !rest.is_empty() {
        let after = flat_text(rest);
        if rest[0].space() {
            tail.push(' ');
        }
        tail.push_str(&after);
    }
    lines.push(pad(indent, &head));
    lay(inner, indent + 2, width, lines);
    lines.push(pad(indent, &tail));
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text with whitespace outside string literals removed: what PromQL reads.
    fn meaning(text: &str) -> String {
        tokens(text)
            .iter()
            .map(|t| t.text)
            .collect::<Vec<_>>()
            .join("\u{1}")
    }

    fn same_query(a: &str, b: &str) {
        let a_all: String = a.lines().collect::<Vec<_>>().join(" ");
        let b_all: String = b.lines().collect::<Vec<_>>().join(" ");
        assert_eq!(meaning(&a_all), meaning(&b_all));
        let parsed = |q: &str| promql_parser::parser::parse(q).map(|e| e.to_string());
        assert_eq!(parsed(a).unwrap(), parsed(b).unwrap());
    }

    const QUERIES: [&str; 6] = [
        r#"(100 * sum by (job) (rate(http_requests_total{status=~"5..", job=~"orchestrator|reflex-layer|planner-arm|executor-arm|judge-arm", namespace="octollm-prod"}[5m])) / sum by (job) (rate(http_requests_total{job=~"orchestrator|reflex-layer|planner-arm|executor-arm|judge-arm", namespace="octollm-prod"}[5m]))) > 10"#,
        r#"100 * sum by (job) (rate(cache_hits_total{namespace=~"octollm-.*"}[5m])) / (sum by (job) (rate(cache_hits_total{namespace=~"octollm-.*"}[5m])) + sum by (job) (rate(cache_misses_total{namespace=~"octollm-.*"}[5m])))"#,
        r#"histogram_quantile(0.95, sum(rate(http_request_duration_seconds_bucket{namespace=~"octollm.*", job="orchestrator"}[5m])) by (job, le)) > 1e-3 * -2"#,
        r#"increase(kube_pod_container_status_restarts_total{namespace="octollm-prod", container!~"istio-proxy|linkerd-proxy"}[10m]) * on (namespace, pod) group_left (node) kube_pod_info{namespace="octollm-prod"} > 3"#,
        r#"max(slo:sli_error:ratio_rate5m{sloth_id="a-very-long-service-level-objective-id", sloth_service="octollm"} > (14.4 * 0.01)) without (sloth_window) and max(slo:sli_error:ratio_rate1h{sloth_id="x"} > bool 0.144) without (sloth_window) or vector(0)"#,
        "sum(rate(x{a=`raw, (not a group`}[5m] offset -1h)) by (a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s)",
    ];

    #[test]
    fn long_queries_fit_and_keep_their_meaning() {
        for q in QUERIES {
            let laid = promql(q, WIDTH);
            same_query(q, &laid);
            for line in laid.lines() {
                // Only a single selector matcher or string may still overflow.
                assert!(
                    line.chars().count() <= WIDTH || !line.trim().contains(' '),
                    "{line}\n---\n{laid}"
                );
            }
        }
    }

    #[test]
    fn reads_like_a_person_wrote_it() {
        let expected = [
            r#"100 * sum by (job) (rate(cache_hits_total{namespace=~"octollm-.*"}[5m]))"#,
            "/",
            "(",
            r#"  sum by (job) (rate(cache_hits_total{namespace=~"octollm-.*"}[5m]))"#,
            "  +",
            r#"  sum by (job) (rate(cache_misses_total{namespace=~"octollm-.*"}[5m]))"#,
            ")",
        ];
        assert_eq!(promql(QUERIES[1], WIDTH), expected.join("\n"));
    }

    /// Any text, however hostile: no panic, and only whitespace changes.
    #[test]
    fn any_text_keeps_its_tokens() {
        const PIECES: [&str; 24] = [
            "(",
            ")",
            "{",
            "}",
            "[",
            "]",
            ",",
            " ",
            "\"",
            "'",
            "`",
            "\\",
            "é",
            "1e-3",
            "-",
            "sum",
            " by ",
            "and",
            ">",
            "=~",
            "metric_name_that_is_long",
            "#c",
            "\t",
            "ü\\",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..(seed % 160) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push_str(PIECES[(seed % PIECES.len() as u64) as usize]);
            }
            let laid = promql(&text, 40);
            let joined = |t: &str| meaning(&t.lines().collect::<Vec<_>>().join(" "));
            assert!(joined(&text) == joined(&laid), "{text:?}\n{laid}");
        }
        let deep = format!("{}x{}", "(".repeat(5000), ")".repeat(5000));
        let laid = promql(&deep, WIDTH);
        assert!(laid.lines().count() > 1);
        assert!(meaning(&laid.lines().collect::<Vec<_>>().join(" ")) == meaning(&deep));
    }

    #[test]
    fn short_lines_and_the_authors_layout_stay() {
        let q = "sum(rate(x[5m]))\n  /\nsum(rate(y[5m]))";
        assert_eq!(promql(q, WIDTH), q);
        let seed = r#"topk(10, sum(count_over_time({namespace="octollm-prod", level="error"}[1h])) by (message))"#;
        assert_eq!(promql(seed, WIDTH), seed);
        let mixed = format!("(\n  {}\n) > 0", "a".repeat(100));
        assert_eq!(promql(&mixed, WIDTH), mixed);
    }
}
