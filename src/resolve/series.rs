//! promtool's expanding notation for an example's input values (`0+10x30`, `1 _ 3`, `_x5`,
//! `stale`), checked as promtool reads it, so that an example that compiles is one promtool
//! can load: finite numbers where it computes with them, whole repeat counts, and counts
//! small enough that promtool does not spend minutes expanding them.

/// The largest repeat count accepted: far beyond any example, well before promtool stalls.
pub(crate) const MAX_REPEAT: u64 = 100_000;

/// Checks every item of `values`; the error names the first bad item and why.
pub(crate) fn check(values: &str) -> Result<(), String> {
    // Native histogram samples (`{{schema:0 sum:5}}`) are promtool's to read.
    if values.contains("{{") {
        return Ok(());
    }
    if values.trim().is_empty() {
        return Err("no values".into());
    }
    for item in values.split_whitespace() {
        item_ok(item).map_err(|why| format!("`{item}` {why}"))?;
    }
    Ok(())
}

fn item_ok(item: &str) -> Result<(), &'static str> {
    if item == "_" || item == "stale" {
        return Ok(());
    }
    let Some((start, count)) = item.rsplit_once('x') else {
        return single(item);
    };
    repeat(count)?;
    if start == "_" {
        return Ok(());
    }
    // `a+b` or `a-b`: the operator is the first sign after the first character.
    let split = start
        .char_indices()
        .skip(1)
        .find(|(i, c)| matches!(c, '+' | '-') && !matches!(start.as_bytes()[i - 1], b'e' | b'E'));
    match split {
        Some((i, _)) => {
            finite(&start[..i])?;
            finite(&start[i + 1..])
        }
        None => finite(start),
    }
}

/// A lone value: a number, or `Inf`/`NaN` with an optional sign.
fn single(item: &str) -> Result<(), &'static str> {
    let bare = item.trim_start_matches(['+', '-']);
    if matches!(bare, "Inf" | "NaN" | "inf" | "nan") {
        return Ok(());
    }
    finite(item)
}

fn finite(number: &str) -> Result<(), &'static str> {
    let digits = number.trim_start_matches(['+', '-']);
    if !digits.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return Err("is not a number");
    }
    match number.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(()),
        Ok(_) => Err("is out of range of a 64-bit float"),
        Err(_) => Err("is not a number"),
    }
}

fn repeat(count: &str) -> Result<(), &'static str> {
    match count.parse::<u64>() {
        Ok(n) if n <= MAX_REPEAT => Ok(()),
        Ok(_) => Err("repeats more than 100000 times"),
        Err(_) => Err("needs a whole number of repeats after `x`"),
    }
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn accepts_what_promtool_accepts() {
        for v in [
            "1 2 3",
            "1x3",
            "0+1x3",
            "-1-1x3",
            "Inf",
            "+Inf",
            "-Inf",
            "NaN",
            "_x3",
            "_",
            "stale",
            "1 _ 2",
            "0x10",
            "1e3x2",
            "1+1e308x3",
            ".5",
            "5.",
            "1e+3",
            "0+1e-3x10",
        ] {
            assert_eq!(check(v), Ok(()), "{v}");
        }
    }

    #[test]
    fn refuses_what_promtool_refuses() {
        for v in [
            "1e400",
            "1e400x10",
            "1+Infx3",
            "abc",
            "1+1x-3",
            "1+1x3.5",
            "1_000",
            "0+1e400x3",
            "0x1Fx3",
            "1+1x99999999999999999999",
            "",
        ] {
            assert!(check(v).is_err(), "{v}");
        }
    }
}
