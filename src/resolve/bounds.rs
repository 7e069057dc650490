//! Limits on what a query's text may ask of the parsers behind it, checked by a flat scan
//! before any recursive parser runs: nesting depth, length, and every duration (range,
//! subquery, `offset`) within what Prometheus can hold. promql-parser recurses on nesting,
//! is quadratic in it, and panics on a range such as `[1e20]`; our LogQL checker recurses too.

use super::duration::{Duration, MAX_MILLIS};

/// Far beyond any real query (kubernetes-mixin's longest is under 2 KiB).
pub(crate) const MAX_QUERY_BYTES: usize = 16 * 1024;
/// Parentheses, brackets and braces open at once.
pub(crate) const MAX_NESTING: usize = 64;
/// Binary operators in one query: each is one level of the parsers' trees.
pub(crate) const MAX_OPERATORS: usize = 256;

/// Which strings and comments the scan must skip.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Dialect {
    PromQl,
    LogQl,
}

/// A limit broken at a byte offset of the query.
#[derive(Debug, PartialEq)]
pub(crate) struct BoundError {
    pub offset: usize,
    pub message: String,
}

fn error(offset: usize, message: String) -> Result<(), BoundError> {
    Err(BoundError { offset, message })
}

pub(crate) fn check(text: &str, dialect: Dialect) -> Result<(), BoundError> {
    if text.len() > MAX_QUERY_BYTES {
        return error(
            0,
            format!(
                "the query is {} bytes long; the limit is {MAX_QUERY_BYTES}",
                text.len()
            ),
        );
    }
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut operators = 0usize;
    let mut bracket: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'"' | b'`' => i = skip_string(bytes, i),
            b'\'' if dialect == Dialect::PromQl => i = skip_string(bytes, i),
            b'#' if dialect == Dialect::PromQl => {
                i = text[i..].find('\n').map_or(bytes.len(), |n| i + n)
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return error(i, format!("nested more than {MAX_NESTING} levels deep"));
                }
                if c == b'[' {
                    bracket = Some(i + 1);
                }
                i += 1;
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if c == b']' {
                    if let Some(start) = bracket.take() {
                        check_range(text, start, i)?;
                    }
                }
                i += 1;
            }
            _ if is_operator(c) => {
                operators += 1;
                if operators > MAX_OPERATORS {
                    return error(
                        i,
                        format!("more than {MAX_OPERATORS} operators in one query"),
                    );
                }
                // `==`, `!~`, `|=` are one operator.
                while i < bytes.len() && is_operator(bytes[i]) {
                    i += 1;
                }
            }
            b'@' => {
                let rest = &text[i + 1..];
                let at = i + 1 + rest.len() - rest.trim_start().len();
                let len = number_len(&bytes[at..]);
                if let Ok(seconds) = text[at..at + len].parse::<f64>() {
                    if !(seconds * 1000.0).is_finite() || (seconds * 1000.0).abs() > i64::MAX as f64
                    {
                        return error(
                            at,
                            format!("`{}` is out of range for `@`", &text[at..at + len]),
                        );
                    }
                }
                i = at.max(i + 1);
            }
            b'0'..=b'9' | b'.' if i == 0 || !is_word(bytes[i - 1]) => {
                let len = number_len(&bytes[i..]).max(1);
                let token = &text[i..i + len];
                if token.parse::<f64>().is_ok_and(f64::is_infinite) {
                    return error(i, format!("`{token}` is out of range of a 64-bit float"));
                }
                i += len;
            }
            _ if word_at(bytes, i, b"offset") => {
                let start = i + b"offset".len();
                let rest = &text[start..];
                let skipped = rest.len() - rest.trim_start().len();
                let value = rest.trim_start();
                let value = value.strip_prefix('-').unwrap_or(value);
                let len = value
                    .bytes()
                    .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+'))
                    .count();
                check_duration(&value[..len], start + skipped)?;
                i = start;
            }
            _ => i += 1,
        }
    }
    Ok(())
}

/// `[5m]`, `[1h:30s]`, `[90]`: each part must be a duration Prometheus can hold.
fn check_range(text: &str, start: usize, end: usize) -> Result<(), BoundError> {
    let mut at = start;
    for part in text[start..end].split(':') {
        let offset = at + (part.len() - part.trim_start().len());
        check_duration(part.trim(), offset)?;
        at += part.len() + 1;
    }
    Ok(())
}

/// A duration or a number of seconds; other text (an expression) is left to the parser.
fn check_duration(text: &str, offset: usize) -> Result<(), BoundError> {
    if text.is_empty() {
        return Ok(());
    }
    let too_long = || {
        error(
            offset,
            format!("`{text}` is longer than the 292 years Prometheus can hold"),
        )
    };
    match text.parse::<f64>() {
        Ok(seconds) if !seconds.is_finite() || seconds.abs() * 1000.0 > MAX_MILLIS as f64 => {
            too_long()
        }
        Ok(_) => Ok(()),
        Err(_) => match Duration::parse(text) {
            Err(super::duration::DurationError::Overflow) => too_long(),
            _ => Ok(()),
        },
    }
}

fn is_operator(c: u8) -> bool {
    matches!(
        c,
        b'+' | b'-' | b'*' | b'/' | b'%' | b'^' | b'<' | b'>' | b'=' | b'!' | b'|' | b'~'
    )
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b':'
}

/// The length of the number (or duration) at the start of `bytes`, sign included:
/// `-1.5e+10`, `0x1f`, `5m`.
fn number_len(bytes: &[u8]) -> usize {
    let mut i = usize::from(matches!(bytes.first(), Some(b'-' | b'+')));
    while i < bytes.len() {
        let b = bytes[i];
        let exponent_sign =
            matches!(b, b'+' | b'-') && i > 0 && matches!(bytes[i - 1], b'e' | b'E');
        if b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || exponent_sign {
            i += 1;
        } else {
            break;
        }
    }
    i
}

/// Whether the keyword `word` stands at `i` as a whole word.
fn word_at(bytes: &[u8], i: usize, word: &[u8]) -> bool {
    bytes[i..].starts_with(word)
        && (i == 0 || !is_word(bytes[i - 1]))
        && bytes.get(i + word.len()).is_none_or(|b| !is_word(*b))
}

/// The index just past the string literal starting at `start` (or the end of the text).
pub(crate) fn skip_string(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        if bytes[i] == b'\\' && quote != b'`' {
            i += 2;
            continue;
        }
        if bytes[i] == quote {
            return i + 1;
        }
        i += 1;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_queries() {
        for q in [
            r#"sum by (job) (rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(x[5m] offset 1h))"#,
            "max_over_time(up[1h:30s]) > 0",
            "x[90]",
            "x @ 1609746000 > 1.5e3",
            "http_2xx_total offset 5m",
            r#"{job="a(((("}"#,
        ] {
            assert_eq!(check(q, Dialect::PromQl), Ok(()), "{q}");
        }
    }

    #[test]
    fn rejects_what_would_hurt_a_parser() {
        let deep = "sum(".repeat(20_000) + "x" + &")".repeat(20_000);
        assert_eq!(check(&deep, Dialect::PromQl).unwrap_err().offset, 0);
        let nested = "(".repeat(65) + "x" + &")".repeat(65);
        assert_eq!(check(&nested, Dialect::PromQl).unwrap_err().offset, 64);
        for q in [
            "x[1e20]",
            "x[584554049y]",
            "x offset 500000y",
            "x[5m:1e400]",
            "x offset -1e30",
            "x @ 1e20",
            "rate(x[5m] @ -1e300)",
            "topk(1e400, x)",
            "x > 1e309",
        ] {
            assert!(check(q, Dialect::PromQl).is_err(), "{q}");
        }
        let chain = vec!["x"; 300].join(" + ");
        assert!(check(&chain, Dialect::PromQl).is_err());
        let logql = "(".repeat(40_000);
        assert!(check(&logql, Dialect::LogQl).is_err());
    }
}
