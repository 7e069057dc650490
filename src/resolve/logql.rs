//! A syntax check for LogQL (Loki's query language): stream selectors, line filters, parsers,
//! label filters, formatting stages, range and vector aggregations. No evaluation.

/// A problem at a byte offset in the query.
#[derive(Debug, PartialEq)]
pub(crate) struct LogqlError {
    pub offset: usize,
    pub message: String,
}

const RANGE_FUNCTIONS: [&str; 15] = [
    "rate",
    "count_over_time",
    "bytes_rate",
    "bytes_over_time",
    "absent_over_time",
    "sum_over_time",
    "avg_over_time",
    "max_over_time",
    "min_over_time",
    "first_over_time",
    "last_over_time",
    "stdvar_over_time",
    "stddev_over_time",
    "quantile_over_time",
    "rate_counter",
];
const VECTOR_FUNCTIONS: [&str; 11] = [
    "sum",
    "avg",
    "min",
    "max",
    "count",
    "stddev",
    "stdvar",
    "topk",
    "bottomk",
    "sort",
    "sort_desc",
];
const PARSERS: [&str; 5] = ["json", "logfmt", "regexp", "pattern", "unpack"];
const STAGES: [&str; 6] = [
    "line_format",
    "label_format",
    "drop",
    "keep",
    "decolorize",
    "unwrap",
];

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Punct(&'static str),
    Str,
    Number,
    Word(String),
    End,
}

struct Lexer<'a> {
    text: &'a str,
    pos: usize,
}

const PUNCTS: [&str; 22] = [
    "|=", "|~", "!=", "!~", "=~", "==", ">=", "<=", "{", "}", "(", ")", "[", "]", ",", "|", "=",
    ">", "<", "+", "-", "*",
];

impl<'a> Lexer<'a> {
    fn skip_space(&mut self) {
        while let Some(c) = self.text[self.pos..].chars().next() {
            if c.is_whitespace() {
                self.pos += c.len_utf8();
            } else if c == '#' {
                self.pos += self.text[self.pos..]
                    .find('\n')
                    .unwrap_or(self.text.len() - self.pos);
            } else {
                break;
            }
        }
    }

    /// The next token and where it starts.
    fn next(&mut self) -> Result<(Tok, usize), LogqlError> {
        self.skip_space();
        let start = self.pos;
        let rest = &self.text[self.pos..];
        let Some(c) = rest.chars().next() else {
            return Ok((Tok::End, start));
        };
        if c == '"' || c == '`' {
            let mut escaped = false;
            for (i, ch) in rest.char_indices().skip(1) {
                if c == '"' && ch == '\\' && !escaped {
                    escaped = true;
                    continue;
                }
                if ch == c && !escaped {
                    self.pos += i + 1;
                    return Ok((Tok::Str, start));
                }
                escaped = false;
            }
            return Err(LogqlError {
                offset: start,
                message: "unterminated string".into(),
            });
        }
        if c.is_ascii_digit() {
            let len = rest
                .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '.'))
                .unwrap_or(rest.len());
            self.pos += len;
            return Ok((Tok::Number, start));
        }
        if c.is_alphabetic() || c == '_' {
            let len = rest
                .find(|ch: char| !(ch.is_alphanumeric() || ch == '_' || ch == '.'))
                .unwrap_or(rest.len());
            self.pos += len;
            return Ok((Tok::Word(rest[..len].to_string()), start));
        }
        for p in PUNCTS {
            if rest.starts_with(p) {
                self.pos += p.len();
                return Ok((Tok::Punct(p), start));
            }
        }
        for p in ["/", "%", "^"] {
            if rest.starts_with(p) {
                self.pos += 1;
                return Ok((Tok::Punct("*"), start));
            }
        }
        Err(LogqlError {
            offset: start,
            message: format!("unexpected `{c}`"),
        })
    }
}

struct Checker<'a> {
    lexer: Lexer<'a>,
    tok: Tok,
    at: usize,
}

type Check = Result<(), LogqlError>;

impl<'a> Checker<'a> {
    fn bump(&mut self) -> Check {
        let (tok, at) = self.lexer.next()?;
        self.tok = tok;
        self.at = at;
        Ok(())
    }

    fn fail<T>(&self, message: impl Into<String>) -> Result<T, LogqlError> {
        Err(LogqlError {
            offset: self.at,
            message: message.into(),
        })
    }

    fn expect(&mut self, p: &'static str, what: &str) -> Check {
        if self.tok == Tok::Punct(p) {
            self.bump()
        } else {
            self.fail(format!("expected {what}"))
        }
    }

    fn is(&self, p: &str) -> bool {
        matches!(&self.tok, Tok::Punct(q) if *q == p)
    }

    fn word(&self) -> Option<&str> {
        match &self.tok {
            Tok::Word(w) => Some(w),
            _ => None,
        }
    }

    /// query := log | binary
    fn query(&mut self) -> Result<Kind, LogqlError> {
        let kind = if self.is("{") {
            self.log_query()?;
            Kind::Log
        } else {
            self.binary()?;
            Kind::Metric
        };
        if self.tok != Tok::End {
            return self.fail("unexpected text after the query");
        }
        Ok(kind)
    }

    /// binary := metric (op [bool] [on|ignoring (...) [group_left|group_right (...)]] metric)*
    fn binary(&mut self) -> Check {
        self.metric()?;
        while self.is("+")
            || self.is("-")
            || self.is("*")
            || self.is(">")
            || self.is("<")
            || self.is(">=")
            || self.is("<=")
            || self.is("==")
            || self.is("!=")
            || matches!(self.word(), Some("and" | "or" | "unless"))
        {
            self.bump()?;
            if self.word() == Some("bool") {
                self.bump()?;
            }
            if matches!(self.word(), Some("on" | "ignoring")) {
                self.bump()?;
                self.label_names()?;
                if matches!(self.word(), Some("group_left" | "group_right")) {
                    self.bump()?;
                    if self.is("(") {
                        self.label_names()?;
                    }
                }
            }
            self.metric()?;
        }
        Ok(())
    }

    /// `(a, b)`: label names.
    fn label_names(&mut self) -> Check {
        self.expect("(", "`(`")?;
        while let Some(_label) = self.word() {
            self.bump()?;
            if self.is(",") {
                self.bump()?;
            }
        }
        self.expect(")", "`)` or a label name")
    }

    fn metric(&mut self) -> Check {
        match self.tok.clone() {
            Tok::Number => self.bump(),
            Tok::Punct("(") => {
                self.bump()?;
                self.binary()?;
                self.expect(")", "`)`")
            }
            Tok::Word(w) if RANGE_FUNCTIONS.contains(&w.as_str()) => self.range_aggregation(&w),
            Tok::Word(w) if VECTOR_FUNCTIONS.contains(&w.as_str()) => self.vector_aggregation(),
            Tok::Word(w) => self.fail(format!("unknown function `{w}`")),
            Tok::Punct("{") => {
                self.fail("a log query needs a range aggregation such as `rate(...[5m])` here")
            }
            _ => self.fail("expected a metric query such as `rate({app=\"api\"}[5m])`"),
        }
    }

    fn range_aggregation(&mut self, name: &str) -> Check {
        self.bump()?;
        self.expect("(", "`(`")?;
        if name == "quantile_over_time" {
            if self.tok != Tok::Number {
                return self.fail("expected the quantile, such as `0.99`");
            }
            self.bump()?;
            self.expect(",", "`,`")?;
        }
        let parenthesised = self.is("(");
        if parenthesised {
            self.bump()?;
        }
        self.log_query()?;
        if parenthesised {
            self.expect(")", "`)`")?;
        }
        self.range()?;
        self.expect(")", "`)`")?;
        self.grouping()
    }

    fn range(&mut self) -> Check {
        if !self.is("[") {
            return self.fail("expected a range such as `[5m]`");
        }
        self.bump()?;
        if self.tok != Tok::Number {
            return self.fail("expected a duration such as `5m`");
        }
        self.bump()?;
        self.expect("]", "`]`")
    }

    fn vector_aggregation(&mut self) -> Check {
        let takes_parameter = matches!(self.word(), Some("topk" | "bottomk"));
        self.bump()?;
        self.grouping()?;
        self.expect("(", "`(`")?;
        if takes_parameter {
            if self.tok != Tok::Number {
                return self.fail("expected a number such as `10`");
            }
            self.bump()?;
            self.expect(",", "`,`")?;
        }
        self.metric()?;
        self.expect(")", "`)`")?;
        self.grouping()
    }

    fn grouping(&mut self) -> Check {
        if !matches!(self.word(), Some("by" | "without")) {
            return Ok(());
        }
        self.bump()?;
        self.expect("(", "`(` after `by`")?;
        while let Some(_label) = self.word() {
            self.bump()?;
            if self.is(",") {
                self.bump()?;
            }
        }
        self.expect(")", "`)` or a label name")
    }

    fn log_query(&mut self) -> Check {
        self.stream_selector()?;
        loop {
            if self.is("|=") || self.is("!=") || self.is("|~") || self.is("!~") {
                self.bump()?;
                self.filter_value()?;
                while self.word() == Some("or") {
                    self.bump()?;
                    self.filter_value()?;
                }
            } else if self.is("|") {
                self.bump()?;
                self.stage()?;
            } else {
                return Ok(());
            }
        }
    }

    fn filter_value(&mut self) -> Check {
        if self.word() == Some("ip") {
            self.bump()?;
            self.expect("(", "`(`")?;
            self.string()?;
            return self.expect(")", "`)`");
        }
        self.string()
    }

    fn string(&mut self) -> Check {
        if self.tok != Tok::Str {
            return self.fail("expected a string in quotes");
        }
        self.bump()
    }

    fn stream_selector(&mut self) -> Check {
        if !self.is("{") {
            return self.fail("expected a stream selector such as `{app=\"api\"}`");
        }
        self.bump()?;
        let mut matchers = 0;
        while self.word().is_some() {
            self.bump()?;
            if !(self.is("=") || self.is("!=") || self.is("=~") || self.is("!~")) {
                return self.fail("expected `=`, `!=`, `=~` or `!~`");
            }
            self.bump()?;
            self.string()?;
            matchers += 1;
            if self.is(",") {
                self.bump()?;
            }
        }
        if matchers == 0 {
            return self.fail("a stream selector needs at least one matcher");
        }
        self.expect("}", "`}` or a label matcher")
    }

    fn stage(&mut self) -> Check {
        let Some(word) = self.word().map(str::to_string) else {
            return self.fail("expected a parser such as `json`, a stage or a label filter");
        };
        if PARSERS.contains(&word.as_str()) {
            self.bump()?;
            if matches!(word.as_str(), "regexp" | "pattern") {
                return self.string();
            }
            // `json a="x", b` and `logfmt --strict` take optional parameters.
            while self.is("-") || self.word().is_some() || self.is(",") {
                if self.is("-") {
                    self.bump()?;
                    self.bump()?;
                    continue;
                }
                if self.word().is_some_and(|w| matches!(w, "and" | "or")) {
                    break;
                }
                self.bump()?;
                if self.is("=") {
                    self.bump()?;
                    self.string()?;
                }
                if self.is(",") {
                    self.bump()?;
                }
            }
            return Ok(());
        }
        if STAGES.contains(&word.as_str()) {
            self.bump()?;
            return match word.as_str() {
                "line_format" => self.string(),
                "decolorize" => Ok(()),
                "unwrap" => self.unwrap_target(),
                _ => self.label_list(word == "label_format"),
            };
        }
        self.label_filter()
    }

    fn unwrap_target(&mut self) -> Check {
        if self.word().is_none() {
            return self.fail("expected the label to unwrap");
        }
        self.bump()?;
        if self.is("(") {
            self.bump()?;
            if self.word().is_none() {
                return self.fail("expected a label name");
            }
            self.bump()?;
            self.expect(")", "`)`")?;
        }
        Ok(())
    }

    fn label_list(&mut self, assignments: bool) -> Check {
        loop {
            if self.word().is_none() {
                return self.fail("expected a label name");
            }
            self.bump()?;
            if assignments || self.is("=") || self.is("!=") || self.is("=~") || self.is("!~") {
                if !(self.is("=") || self.is("!=") || self.is("=~") || self.is("!~")) {
                    return self.fail("expected `=`");
                }
                self.bump()?;
                if self.tok == Tok::Str || self.word().is_some() {
                    self.bump()?;
                } else {
                    return self.fail("expected a string or a label name");
                }
            }
            if !self.is(",") {
                return Ok(());
            }
            self.bump()?;
        }
    }

    fn label_filter(&mut self) -> Check {
        self.label_predicate()?;
        while self.is(",") || matches!(self.word(), Some("and" | "or")) {
            self.bump()?;
            self.label_predicate()?;
        }
        Ok(())
    }

    fn label_predicate(&mut self) -> Check {
        if self.is("(") {
            self.bump()?;
            self.label_filter()?;
            return self.expect(")", "`)`");
        }
        let Some(word) = self.word().map(str::to_string) else {
            return self.fail("expected a label filter such as `status >= 500`");
        };
        self.bump()?;
        let op = ["=", "!=", "=~", "!~", "==", ">", ">=", "<", "<="];
        if !op.iter().any(|o| self.is(o)) {
            return self.fail(format!(
                "expected a comparison after `{word}` (unknown parser or stage `{word}`?)"
            ));
        }
        self.bump()?;
        match self.tok {
            Tok::Str | Tok::Number => self.bump(),
            _ => self.fail("expected a string or a number"),
        }
    }
}

/// A log query returns lines; a metric query returns samples, as a rule needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Log,
    Metric,
}

/// Checks a LogQL query and says which kind it is.
pub(crate) fn check(text: &str) -> Result<Kind, LogqlError> {
    let mut checker = Checker {
        lexer: Lexer { text, pos: 0 },
        tok: Tok::End,
        at: 0,
    };
    checker.bump()?;
    checker.query()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_seed_queries() {
        for q in [
            r#"{namespace="octollm-prod"}"#,
            r#"{namespace="octollm-prod", service="orchestrator", level=~"error|warn"}"#,
            r#"{namespace="octollm-prod"} |= "database connection failed""#,
            r#"{namespace="octollm-prod"} != "health check""#,
            r#"{namespace="octollm-prod"} | json | status_code >= 500"#,
            r#"sum(rate({namespace="octollm-prod", level="error"}[1m])) by (service)"#,
            r#"topk(10, sum(count_over_time({namespace="octollm-prod", level="error"}[1h])) by (message))"#,
            r#"{namespace="octollm-prod"} | json | duration > 1.0"#,
            r#"{namespace="octollm-prod"} | json | trace_id="<PASTE_TRACE_ID>""#,
            r#"{label="value"} |~ "regex""#,
            r#"{app="api"} | logfmt | line_format "{{.msg}}" | label_format level=severity"#,
            r#"sum by (job) (quantile_over_time(0.99, {app="api"} | json | unwrap latency [5m]))"#,
            r#"(sum(rate({app="api"} |= "error" [5m])) / sum(rate({app="api"}[5m]))) > 0.05"#,
            r#"sum by (job) (rate({app="a"}[5m])) / on (job) group_left sum by (job) (rate({app="b"}[5m]))"#,
        ] {
            assert!(check(q).is_ok(), "{q}: {:?}", check(q));
        }
        assert_eq!(check(r#"{app="api"}"#), Ok(Kind::Log));
        assert_eq!(check(r#"rate({app="api"}[5m]) > 1"#), Ok(Kind::Metric));
    }

    #[test]
    fn rejects_broken_queries() {
        for (q, offset) in [
            (r#"namespace="prod""#, 0),
            (r#"{}"#, 1),
            (r#"{app="api"} | jsn"#, 17),
            (r#"rate({app="api"})"#, 16),
            (r#"rates({app="api"}[5m])"#, 0),
            (r#"{app="api} |= "x""#, 16),
        ] {
            let err = check(q).err().unwrap_or_else(|| panic!("accepted {q}"));
            assert_eq!(err.offset, offset, "{q}: {}", err.message);
        }
    }
}
