//! A syntax check of Go's text/template as Prometheus parses alert labels and annotations:
//! balanced actions and control structures, strings, declared variables, the functions
//! Prometheus and Go define, and well-formed pipelines. A template that passes here is one
//! `promtool check rules` accepts; one that fails never reaches Prometheus.

/// A problem at a byte range of the template text.
#[derive(Debug, PartialEq)]
pub(crate) struct TemplateError {
    pub offset: usize,
    pub len: usize,
    pub message: String,
}

/// Go's built-in template functions.
const GO_FUNCTIONS: [&str; 19] = [
    "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf",
    "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne",
];

/// The functions Prometheus adds for alert templates (as of 2.42; `tmpl` is console-only).
const PROMETHEUS_FUNCTIONS: [&str; 26] = [
    "query",
    "first",
    "label",
    "value",
    "strvalue",
    "args",
    "reReplaceAll",
    "safeHtml",
    "match",
    "title",
    "toUpper",
    "toLower",
    "graphLink",
    "tableLink",
    "sortByLabel",
    "humanize",
    "humanize1024",
    "humanizeDuration",
    "humanizePercentage",
    "humanizeTimestamp",
    "toTime",
    "pathPrefix",
    "externalURL",
    "parseDuration",
    "stripPort",
    "stripDomain",
];

/// Whether `name` is one of the functions Prometheus adds to Go's templates.
pub(crate) fn is_prometheus_function(name: &str) -> bool {
    PROMETHEUS_FUNCTIONS.contains(&name)
}

/// Variables Prometheus defines before expanding an alert's template.
const PROMETHEUS_VARIABLES: [&str; 5] =
    ["$", "$labels", "$value", "$externalLabels", "$externalURL"];

/// The functions Alertmanager 0.25 adds for notification templates.
const ALERTMANAGER_FUNCTIONS: [&str; 8] = [
    "toUpper",
    "toLower",
    "title",
    "join",
    "match",
    "safeHtml",
    "reReplaceAll",
    "stringSlice",
];

/// Who parses the template: the functions and variables it provides beside Go's.
pub(crate) struct Dialect {
    functions: &'static [&'static str],
    variables: &'static [&'static str],
}

/// Prometheus' alert labels and annotations.
pub(crate) const PROMETHEUS: Dialect = Dialect {
    functions: &PROMETHEUS_FUNCTIONS,
    variables: &PROMETHEUS_VARIABLES,
};

/// Alertmanager's notification fields (`title`, `text`, `channel`...).
pub(crate) const ALERTMANAGER: Dialect = Dialect {
    functions: &ALERTMANAGER_FUNCTIONS,
    variables: &["$"],
};

/// Parentheses open at once inside one action.
const MAX_DEPTH: usize = 32;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Tok<'a> {
    Str,
    Number,
    Literal,
    Keyword(&'a str),
    Ident(&'a str),
    Variable(&'a str),
    /// `.`, `.Field`, `.A.B`, or a field chain after a term: `$x.Field`.
    Field,
    Open,
    Close,
    Pipe,
    Declare,
    Assign,
    Comma,
    End,
}

const KEYWORDS: [&str; 11] = [
    "if", "else", "end", "range", "with", "define", "template", "block", "break", "continue", "nil",
];

/// A control structure still open, with the variables declared inside it.
struct Block {
    keyword: &'static str,
    offset: usize,
    variables: Vec<String>,
    else_seen: bool,
}

/// Checks `text` as `dialect` parses it; `ours` are bare words replaced at compile time
/// (`threshold`, `for`).
pub(crate) fn check(text: &str, dialect: &Dialect, ours: &[&str]) -> Result<(), TemplateError> {
    // Text without an action is plain text: nothing to check, and no scope to build (most
    // labels and annotations of a large source are plain).
    if !text.contains("{{") {
        return Ok(());
    }
    let mut checker = Checker {
        text,
        ours,
        functions: dialect.functions,
        blocks: vec![Block {
            keyword: "",
            offset: 0,
            variables: dialect.variables.iter().map(|v| v.to_string()).collect(),
            else_seen: false,
        }],
    };
    let mut at = 0;
    while let Some(found) = text[at..].find("{{") {
        let open = at + found;
        at = checker.action(open)?;
    }
    if let Some(block) = checker.blocks.get(1..).and_then(|b| b.last()) {
        return Err(TemplateError {
            offset: block.offset,
            len: 2 + block.keyword.len(),
            message: format!("`{{{{ {} }}}}` has no `{{{{ end }}}}`", block.keyword),
        });
    }
    Ok(())
}

struct Checker<'a> {
    text: &'a str,
    ours: &'a [&'a str],
    functions: &'static [&'static str],
    blocks: Vec<Block>,
}

/// The tokens of one action, with their offsets.
struct Tokens<'a> {
    list: Vec<(Tok<'a>, usize, usize)>,
    pos: usize,
}

impl<'a> Tokens<'a> {
    fn peek(&self) -> (Tok<'a>, usize, usize) {
        self.list[self.pos.min(self.list.len() - 1)]
    }
    fn next(&mut self) -> (Tok<'a>, usize, usize) {
        let t = self.peek();
        self.pos += 1;
        t
    }
}

fn fail<T>(offset: usize, len: usize, message: impl Into<String>) -> Result<T, TemplateError> {
    Err(TemplateError {
        offset,
        len: len.max(1),
        message: message.into(),
    })
}

impl<'a> Checker<'a> {
    /// Checks the action opening at `open`; returns the offset after it.
    fn action(&mut self, open: usize) -> Result<usize, TemplateError> {
        let bytes = self.text.as_bytes();
        let mut i = open + 2;
        if bytes.get(i) == Some(&b'-') && bytes.get(i + 1).is_some_and(u8::is_ascii_whitespace) {
            i += 2;
        }
        // Go sees a comment only straight after `{{` or `{{- `.
        if self.text[i..].starts_with("/*") {
            let start = i;
            let Some(end) = self.text[start..].find("*/") else {
                return fail(open, 2, "unclosed comment");
            };
            let after = &self.text[start + end + 2..];
            let rest = after.trim_start_matches([' ', '\t', '\n', '\r']);
            let rest = rest.strip_prefix('-').unwrap_or(rest);
            if !rest.starts_with("}}") {
                return fail(open, 2, "comment ends before `}}`");
            }
            return Ok(self.text.len() - rest.len() + 2);
        }
        let (tokens, end) = self.lex(i, open)?;
        let mut tokens = Tokens {
            list: tokens,
            pos: 0,
        };
        self.statement(&mut tokens, open)?;
        Ok(end)
    }

    /// The tokens up to `}}`; the offset after it.
    #[allow(clippy::type_complexity)]
    fn lex(
        &self,
        mut i: usize,
        open: usize,
    ) -> Result<(Vec<(Tok<'a>, usize, usize)>, usize), TemplateError> {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        loop {
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                // ` -}}` trims; the dash belongs to the delimiter.
                if bytes[i + 1..].starts_with(b"-}}") {
                    out.push((Tok::End, i + 1, 3));
                    return Ok((out, i + 4));
                }
                i += 1;
            }
            let Some(&c) = bytes.get(i) else {
                return fail(open, 2, "unclosed action: `{{` has no `}}`");
            };
            let start = i;
            let tok = match c {
                b'}' if bytes.get(i + 1) == Some(&b'}') => {
                    out.push((Tok::End, i, 2));
                    return Ok((out, i + 2));
                }
                b'"' | b'`' | b'\'' => {
                    i = string_end(bytes, i).ok_or(TemplateError {
                        offset: i,
                        len: 1,
                        message: "unterminated string".into(),
                    })?;
                    if c == b'\'' {
                        Tok::Literal
                    } else {
                        Tok::Str
                    }
                }
                b':' if bytes.get(i + 1) == Some(&b'=') => {
                    i += 2;
                    Tok::Declare
                }
                b'(' | b')' | b'|' | b',' | b'=' => {
                    i += 1;
                    match c {
                        b'(' => Tok::Open,
                        b')' => Tok::Close,
                        b'|' => Tok::Pipe,
                        b',' => Tok::Comma,
                        _ => Tok::Assign,
                    }
                }
                b'$' => {
                    i = word_end(bytes, i + 1);
                    Tok::Variable(&text[start..i])
                }
                b'.' if bytes.get(i + 1).is_none_or(|b| !b.is_ascii_digit()) => {
                    i = field_end(bytes, i);
                    Tok::Field
                }
                b'0'..=b'9' | b'+' | b'-' | b'.' => {
                    i += 1;
                    while i < bytes.len()
                        && (bytes[i].is_ascii_alphanumeric()
                            || matches!(bytes[i], b'.' | b'_')
                            || (matches!(bytes[i], b'+' | b'-')
                                && matches!(bytes[i - 1], b'e' | b'E' | b'p' | b'P')))
                    {
                        i += 1;
                    }
                    if text[start..i].parse::<f64>().is_ok_and(f64::is_infinite) {
                        return fail(
                            start,
                            i - start,
                            format!("illegal number `{}`", &text[start..i]),
                        );
                    }
                    Tok::Number
                }
                c if c.is_ascii_alphabetic() || c == b'_' => {
                    i = word_end(bytes, i);
                    let word = &text[start..i];
                    if word == "true" || word == "false" || word == "nil" {
                        Tok::Literal
                    } else if KEYWORDS.contains(&word) {
                        Tok::Keyword(word)
                    } else {
                        Tok::Ident(word)
                    }
                }
                _ if !text[i..].contains("}}") => {
                    return fail(open, 2, "unclosed action: `{{` has no `}}`");
                }
                _ => {
                    let len = text[i..].chars().next().map_or(1, char::len_utf8);
                    return fail(
                        i,
                        len,
                        format!("unexpected `{}` in action", &text[i..i + len]),
                    );
                }
            };
            out.push((tok, start, i - start));
            // A field chain straight after a term: `$labels.job`, `(x).Y`.
            if matches!(tok, Tok::Variable(_) | Tok::Close) && bytes.get(i) == Some(&b'.') {
                let end = field_end(bytes, i);
                out.push((Tok::Field, i, end - i));
                i = end;
            }
        }
    }

    fn statement(&mut self, t: &mut Tokens<'a>, open: usize) -> Result<(), TemplateError> {
        let (tok, at, len) = t.peek();
        match tok {
            Tok::Keyword(k @ ("if" | "with" | "range")) => {
                t.next();
                self.blocks.push(Block {
                    keyword: static_keyword(k),
                    offset: open,
                    variables: Vec::new(),
                    else_seen: false,
                });
                self.pipeline(t, k == "range", 0)?;
                self.end_of_action(t)
            }
            Tok::Keyword("else") => {
                t.next();
                let Some(block) = self
                    .blocks
                    .last_mut()
                    .filter(|b| matches!(b.keyword, "if" | "with" | "range") && !b.else_seen)
                else {
                    return fail(at, len, "`{{ else }}` outside `if`, `with` or `range`");
                };
                block.variables.clear();
                match t.peek().0 {
                    Tok::Keyword(k @ ("if" | "with")) if block.keyword != "range" => {
                        t.next();
                        block.keyword = static_keyword(k);
                        self.pipeline(t, false, 0)?;
                    }
                    _ => block.else_seen = true,
                }
                self.end_of_action(t)
            }
            Tok::Keyword("end") => {
                t.next();
                if self.blocks.len() < 2 {
                    return fail(at, len, "`{{ end }}` closes nothing");
                }
                self.blocks.pop();
                self.end_of_action(t)
            }
            Tok::Keyword(k @ ("define" | "block")) => {
                t.next();
                let (name, at, len) = t.next();
                if name != Tok::Str {
                    return fail(at, len, format!("`{k}` needs a template name in quotes"));
                }
                if k == "block" {
                    self.pipeline(t, false, 0)?;
                }
                self.blocks.push(Block {
                    keyword: static_keyword(k),
                    offset: open,
                    variables: Vec::new(),
                    else_seen: false,
                });
                self.end_of_action(t)
            }
            Tok::Keyword("template") => {
                t.next();
                let (name, at, len) = t.next();
                if name != Tok::Str {
                    return fail(at, len, "`template` needs a template name in quotes");
                }
                if t.peek().0 != Tok::End {
                    self.pipeline(t, false, 0)?;
                }
                self.end_of_action(t)
            }
            Tok::Keyword(k @ ("break" | "continue")) => {
                t.next();
                if !self.blocks.iter().any(|b| b.keyword == "range") {
                    return fail(at, len, format!("`{{{{ {k} }}}}` outside `range`"));
                }
                self.end_of_action(t)
            }
            _ => {
                self.pipeline(t, false, 0)?;
                self.end_of_action(t)
            }
        }
    }

    fn end_of_action(&self, t: &mut Tokens<'a>) -> Result<(), TemplateError> {
        match t.next() {
            (Tok::End, ..) => Ok(()),
            (_, at, len) => fail(
                at,
                len,
                format!("unexpected `{}` in action", &self.text[at..at + len]),
            ),
        }
    }

    /// `[$x :=] command (| command)*`; inside parentheses up to the `)`.
    fn pipeline(
        &mut self,
        t: &mut Tokens<'a>,
        range: bool,
        depth: usize,
    ) -> Result<(), TemplateError> {
        if depth > MAX_DEPTH {
            let (_, at, len) = t.peek();
            return fail(
                at,
                len,
                format!("parentheses nested more than {MAX_DEPTH} deep"),
            );
        }
        self.declaration(t, range)?;
        let mut stage = 0;
        loop {
            self.command(t, stage, depth)?;
            stage += 1;
            if t.peek().0 == Tok::Pipe {
                t.next();
            } else {
                return Ok(());
            }
        }
    }

    /// `$x :=`, `$x =`, or in a range `$i, $e :=`.
    fn declaration(&mut self, t: &mut Tokens<'a>, range: bool) -> Result<(), TemplateError> {
        let start = t.pos;
        let mut names = Vec::new();
        while let (Tok::Variable(name), ..) = t.peek() {
            t.next();
            names.push(name);
            if range && names.len() < 2 && t.peek().0 == Tok::Comma {
                t.next();
                continue;
            }
            break;
        }
        match t.peek() {
            (Tok::Declare, ..) if !names.is_empty() => {
                t.next();
                let scope = self.blocks.last_mut().map(|b| &mut b.variables);
                if let Some(scope) = scope {
                    scope.extend(names.iter().map(|n| n.to_string()));
                }
                Ok(())
            }
            (Tok::Assign, at, _) if names.len() == 1 => {
                t.next();
                self.known_variable(names[0], at.saturating_sub(names[0].len() + 1))
            }
            _ => {
                t.pos = start;
                Ok(())
            }
        }
    }

    fn known_variable(&self, name: &str, at: usize) -> Result<(), TemplateError> {
        if self
            .blocks
            .iter()
            .any(|b| b.variables.iter().any(|v| v == name))
        {
            Ok(())
        } else {
            fail(at, name.len(), format!("undefined variable `{name}`"))
        }
    }

    /// One command: operands up to `|`, `)` or the end of the action.
    fn command(
        &mut self,
        t: &mut Tokens<'a>,
        stage: usize,
        depth: usize,
    ) -> Result<(), TemplateError> {
        let mut operands = 0;
        let mut first_callable = false;
        let (_, first_at, first_len) = t.peek();
        let first_index = t.pos.min(t.list.len() - 1);
        loop {
            let (tok, at, len) = t.peek();
            let callable = match tok {
                Tok::End | Tok::Pipe | Tok::Close => break,
                Tok::Str | Tok::Number | Tok::Literal => false,
                Tok::Ident(name) => {
                    if !self.is_function(name) {
                        return fail(at, len, format!("function `{name}` is not defined"));
                    }
                    true
                }
                Tok::Variable(name) => {
                    self.known_variable(name, at)?;
                    t.list.get(t.pos + 1).is_some_and(|n| n.0 == Tok::Field)
                }
                Tok::Field => true,
                Tok::Open => {
                    t.next();
                    self.pipeline(t, false, depth + 1)?;
                    match t.peek() {
                        (Tok::Close, ..) => {}
                        (_, at, len) => return fail(at, len, "unclosed `(`"),
                    }
                    false
                }
                Tok::Keyword(k) => return fail(at, len, format!("unexpected `{k}` in a command")),
                Tok::Declare | Tok::Assign | Tok::Comma => {
                    return fail(
                        at,
                        len,
                        format!("unexpected `{}`", &self.text[at..at + len]),
                    )
                }
            };
            t.next();
            // A field chain after a variable or parentheses belongs to that operand.
            if matches!(tok, Tok::Variable(_) | Tok::Open) && t.peek().0 == Tok::Field {
                t.next();
            }
            if operands == 0 {
                first_callable = callable;
            }
            operands += 1;
        }
        if operands == 0 {
            return fail(first_at, first_len, "missing value for command");
        }
        if operands > 1 && !first_callable {
            return fail(
                first_at,
                first_len,
                format!(
                    "`{}` is not a function and takes no arguments",
                    &self.text[first_at..first_at + first_len]
                ),
            );
        }
        let value = matches!(t.list[first_index].0, Tok::Str | Tok::Number | Tok::Literal)
            || &self.text[first_at..first_at + first_len] == ".";
        if stage > 0 && value {
            return fail(
                first_at,
                first_len,
                "a value cannot follow `|`: only a function can",
            );
        }
        Ok(())
    }

    fn is_function(&self, name: &str) -> bool {
        GO_FUNCTIONS.contains(&name) || self.functions.contains(&name) || self.ours.contains(&name)
    }
}

fn static_keyword(k: &str) -> &'static str {
    KEYWORDS.iter().find(|w| **w == k).copied().unwrap_or("")
}

fn word_end(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
        i += 1;
    }
    i
}

/// The end of `.A.B.C` starting at the first `.`.
fn field_end(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i) == Some(&b'.') {
        i = word_end(bytes, i + 1);
    }
    i
}

/// The offset after a quoted string or char starting at `start`; `None` when unterminated.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote != b'`' => i += 2,
            b'\n' if quote != b'`' => return None,
            b if b == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(t: &str) {
        assert_eq!(check(t, &PROMETHEUS, &["threshold", "for"]), Ok(()), "{t}");
    }

    fn bad(t: &str) -> String {
        check(t, &PROMETHEUS, &["threshold"])
            .err()
            .unwrap_or_else(|| panic!("accepted {t}"))
            .message
    }

    #[test]
    fn accepts_what_prometheus_users_write() {
        ok("Instance {{ $labels.instance }} down for {{ for }} above {{ threshold }}");
        ok("{{ $value | humanizePercentage }} of {{ .Labels.job }}");
        ok("{{ with query \"up\" }}{{ . | first | value | humanize }}{{ end }}");
        ok("{{ range $i, $e := query \"up\" }}{{ $e.Labels.job }}{{ else }}none{{ end }}");
        ok("{{- if gt $value 0.5 -}} high {{- else if lt $value 0.1 }} low {{ end }}");
        ok("{{ printf \"%.2f\" $value }} {{/* a comment */}} {{- /* trimmed */ -}}");
        ok("{{ $x := 1 }}{{ $x = 2 }}{{ $x }} {{ (printf \"%s}}\" \"a\") }}");
        ok("{{ range query \"x\" }}{{ if true }}{{ break }}{{ end }}{{ end }}");
        ok("plain text, no actions; single { braces }");
        ok("{{ $value | $labels }} {{ (.A).B }} {{ define \"x\" }}a{{ end }}{{ template \"x\" }}");
    }

    #[test]
    fn alertmanager_has_its_own_functions() {
        let text = "{{ .CommonLabels.alertname | toUpper }} {{ range .Alerts }}{{ .Annotations.summary }}{{ end }}";
        assert_eq!(check(text, &ALERTMANAGER, &[]), Ok(()));
        assert!(check("{{ $value | humanize }}", &ALERTMANAGER, &[]).is_err());
        assert!(check("{{ .X | trimSpace }}", &ALERTMANAGER, &[]).is_err());
    }

    #[test]
    fn refuses_what_prometheus_refuses() {
        assert!(bad("{{ threshold }").contains("unclosed action"));
        assert!(bad("{{ .Foo").contains("unclosed action"));
        assert!(bad("{{ range $x }}").contains("undefined variable"));
        assert!(bad("{{ range $labels }} x").contains("no `{{ end }}`"));
        assert!(bad("{{ end }}").contains("closes nothing"));
        assert!(bad("{{ humanise $value }}").contains("function `humanise`"));
        assert!(bad("{{ tmpl \"x\" }}").contains("function `tmpl`"));
        assert!(bad("{{ }}").contains("missing value"));
        assert!(bad("{{ \"a\" 1 }}").contains("not a function"));
        assert!(bad("{{ $value | 1 }}").contains("only a function"));
        assert!(bad("{{ \"unterminated }}").contains("unterminated"));
        assert!(bad("{{ else }}").contains("outside"));
        assert!(bad("{{ break }}").contains("outside `range`"));
        assert!(
            bad(&format!("{{{{ {}x{} }}}}", "(".repeat(40), ")".repeat(40))).contains("nested")
        );
        assert!(bad("{{ /* x */ }}").contains("unexpected `/`"));
        assert!(bad("{{ 1e400 }}").contains("illegal number"));
        assert!(
            bad("{{ $x := 1 }}{{ if true }}{{ $y := 2 }}{{ end }}{{ $y }}")
                .contains("undefined variable `$y`")
        );
    }
}
