//! Turns pest's failure into words a person understands, and spots the usual culprits
//! (an unterminated string, an unclosed block) whose real cause lies before the failure point.

use super::error::ParseError;
use super::Rule;
use crate::source::{FileId, Span};
use pest::error::InputLocation;
use std::collections::BTreeSet;

pub(crate) fn translate(error: &pest::error::Error<Rule>, file: FileId, text: &str) -> ParseError {
    let pos = match error.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((p, _)) => p,
    };
    if let Some(unclosed) = unclosed_before(text, pos, file) {
        return unclosed;
    }
    let mut words: Vec<String> = Vec::new();
    let mut seen = BTreeSet::new();
    let mut push = |w: String| {
        if seen.insert(w.clone()) {
            words.push(w);
        }
    };
    if let pest::error::ErrorVariant::ParsingError { positives, .. } = &error.variant {
        // A rule with no words of its own adds nothing a reader can act on.
        for rule in positives {
            let word = describe(*rule);
            if word != "something else" {
                push(word);
            }
        }
    }
    if let Some(attempts) = error.parse_attempts() {
        // The literal tokens pest tried: the punctuation (`}`, `=`, ...) and the keywords
        // that open a block's fields (`query`, `thresholds`, ...), which no rule names.
        for token in attempts.expected_tokens() {
            let token = token.to_string();
            // `#` starts a comment, which is always possible and never the point.
            let punctuation = token.chars().all(|c| c.is_ascii_punctuation());
            let keyword = token.starts_with(|c: char| c.is_ascii_lowercase())
                && token.chars().all(|c| c.is_ascii_lowercase() || c == '_');
            if token != "#" && !token.contains("..") && (punctuation || keyword) {
                push(format!("`{token}`"));
            }
        }
    }
    // "end of file" reads best as the last alternative.
    if let Some(i) = words.iter().position(|w| w == "end of file") {
        let eof = words.remove(i);
        words.push(eof);
    }
    let found = found_at(text, pos);
    let help = duration_in_words(text, pos).or_else(|| misspelled_keyword(text, pos, &words));
    // Between declarations every keyword of the language fits: name the kind, not the list.
    if words.iter().any(|w| w == "`import`") {
        words.retain(|w| {
            !DECLARATIONS
                .iter()
                .any(|d| w.strip_prefix('`').and_then(|w| w.strip_suffix('`')) == Some(*d))
        });
        words.insert(
            0,
            "a declaration (`alert`, `query`, `threshold`, `service`...)".into(),
        );
    }
    let len = match found.as_str() {
        "end of file" => 0,
        _ => token_len(text, pos),
    };
    ParseError::Syntax {
        span: Span::new(file, pos, pos + len),
        expected: join_or(&words),
        found,
        help,
    }
}

/// Words for each grammar rule that can be expected; never a rule name.
fn describe(rule: Rule) -> String {
    let word = match rule {
        Rule::EOI => "end of file",
        Rule::ident => "a name",
        Rule::label_name => "a label name",
        Rule::string => "a string in double quotes",
        Rule::raw => "text in backticks",
        Rule::duration => "a duration such as `5m`",
        Rule::negative => "a negative number",
        Rule::quantity => "a number such as `10%` or `30s`",
        Rule::ident_list => "a list such as `[a, b]`",
        Rule::string_list => "a list of strings such as `[\"a\", \"b\"]`",
        Rule::label_map => "labels such as `{ team = \"sre\" }`",
        Rule::matcher_set => "matchers such as `{ job = \"api\" }`",
        Rule::matcher | Rule::label_pair => "a label name",
        Rule::match_op => "`=`, `!=`, `=~` or `!~`",
        Rule::level => "`target`, `warning` or `critical`",
        Rule::comparison => {
            "`above`, `below`, `at_least`, `at_most`, `equal`, `not_equal` or `between`"
        }
        Rule::band => "`between`",
        Rule::raw_fence => "text in backticks",
        Rule::kw_group => "`group`",
        Rule::kw_none => "`none`",
        Rule::kw_label | Rule::label => "`label`",
        Rule::kw_annotation | Rule::annotation => "`annotation`",
        Rule::keep_firing_for => "`keep_firing_for`",
        Rule::variant => "`severity`",
        Rule::alert_runbook_url => "`runbook_url`",
        Rule::group_ref | Rule::rule_group => "`group`",
        Rule::group_interval_field => "`interval`",
        Rule::group_limit => "`limit`",
        Rule::query_offset => "`query_offset`",
        Rule::prometheus_version => "`prometheus_version`",
        Rule::best_effort => "`best_effort`",
        Rule::kw_import => "`import`",
        Rule::kw_project => "`project`",
        Rule::kw_environment => "`environment`",
        Rule::kw_environments => "`environments`",
        Rule::kw_service => "`service`",
        Rule::kw_services => "`services`",
        Rule::kw_severity => "`severity`",
        Rule::kw_query => "`query`",
        Rule::kw_threshold => "`threshold`",
        Rule::kw_alert => "`alert`",
        Rule::kw_record => "`record`",
        Rule::kw_all => "`all`",
        Rule::kw_on => "`on`",
        Rule::kw_is => "`is`",
        Rule::kw_at => "`at`",
        Rule::kw_for => "`for`",
        Rule::import => "`import`",
        Rule::project => "`project`",
        Rule::environment => "`environment`",
        Rule::service => "`service`",
        Rule::severity => "`severity`",
        Rule::query => "`query`",
        Rule::threshold => "`threshold`",
        Rule::alert => "`alert`",
        Rule::record => "`record`",
        Rule::receiver => "`receiver`",
        Rule::routing => "`routing`",
        Rule::team_decl => "`team`",
        Rule::inhibit => "`inhibit`",
        Rule::escalation => "`escalation`",
        Rule::route_test => "`route_test`",
        Rule::dashboard => "`dashboard`",
        Rule::component => "`component`",
        Rule::section => "`section`",
        Rule::scenario => "`scenario`",
        Rule::appendix => "`appendix`",
        Rule::slo => "`slo`",
        Rule::slo_defaults => "`slo_defaults`",
        Rule::policy => "`policy`",
        Rule::runbook_url => "`runbook_url`",
        Rule::scrape_interval => "`scrape_interval`",
        Rule::evaluation_interval => "`evaluation_interval`",
        Rule::namespace => "`namespace`",
        Rule::team => "`team`",
        Rule::selector => "`selector`",
        Rule::labels => "`labels`",
        Rule::environments => "`environments`",
        Rule::response => "`response`",
        Rule::promql => "`promql`",
        Rule::logql => "`logql`",
        Rule::unit => "`unit`",
        Rule::level_bound => "`target`, `warning` or `critical`",
        Rule::when => "`when`",
        Rule::expr => "`expr`",
        Rule::for_clause => "`for`",
        Rule::severity_ref => "`severity`",
        Rule::services => "`services`",
        Rule::summary => "`summary`",
        Rule::description => "`description`",
        Rule::investigate => "`investigate`",
        Rule::resolve => "`resolve`",
        Rule::causes => "`causes`",
        Rule::step => "`step`",
        Rule::run => "`run`",
        Rule::sql => "`sql`",
        Rule::note => "`note`",
        Rule::example => "`example`",
        Rule::series => "`series`",
        Rule::fires => "`fires`",
        Rule::quiet => "`quiet`",
        Rule::example_environment => "`environment`",
        _ => "something else",
    };
    word.to_string()
}

/// `5 minutes` where a duration was written: say how Prometheus spells it (`5m`).
fn duration_in_words(text: &str, pos: usize) -> Option<String> {
    let word = text[pos..pos + token_len(text, pos)].to_lowercase();
    let unit = match word.as_str() {
        "ms" | "millisecond" | "milliseconds" => "ms",
        "s" | "sec" | "secs" | "second" | "seconds" => "s",
        "min" | "mins" | "minute" | "minutes" => "m",
        "h" | "hr" | "hrs" | "hour" | "hours" => "h",
        "d" | "day" | "days" => "d",
        "w" | "week" | "weeks" => "w",
        _ => return None,
    };
    let before = text[..pos].trim_end();
    let digits = before.len() - before.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let number = &before[before.len() - digits..];
    (!number.is_empty())
        .then(|| format!("write durations without a space, in Prometheus' units: `{number}{unit}`"))
}

/// `alrt` where `alert` was expected: suggest the keyword.
fn misspelled_keyword(text: &str, pos: usize, expected: &[String]) -> Option<String> {
    let word = &text[pos..pos + token_len(text, pos)];
    if word.is_empty() || !word.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return None;
    }
    let keywords = expected
        .iter()
        .filter_map(|w| w.strip_prefix('`').and_then(|w| w.strip_suffix('`')))
        .filter(|w| w.chars().all(|c| c.is_ascii_alphabetic() || c == '_'));
    crate::resolve::suggest(word, keywords).map(|k| format!("did you mean `{k}`?"))
}

fn join_or(words: &[String]) -> String {
    match words {
        [] => "something else".to_string(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn found_at(text: &str, pos: usize) -> String {
    let rest = text.get(pos..).unwrap_or("");
    match rest.chars().next() {
        None => "end of file".to_string(),
        Some('\n') | Some('\r') => "end of line".to_string(),
        Some(_) => {
            // A word of megabytes would fill the terminal: show its start.
            let word = &rest[..token_len(text, pos)];
            match word.char_indices().nth(40) {
                Some((cut, _)) => format!("`{}…`", &word[..cut]),
                None => format!("`{word}`"),
            }
        }
    }
}

/// Length of the word (or single character) at `pos`, for the carets.
fn token_len(text: &str, pos: usize) -> usize {
    let rest = text.get(pos..).unwrap_or("");
    let word: usize = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .map(char::len_utf8)
        .sum();
    if word > 0 {
        word
    } else {
        rest.chars().next().map_or(0, char::len_utf8)
    }
}

/// Scans up to the failure point for a string, backtick text or block that was opened and
/// never closed: the failure is then only a symptom, and the opening is what to show.
fn unclosed_before(text: &str, pos: usize, file: FileId) -> Option<ParseError> {
    let mut braces: Vec<usize> = Vec::new();
    // The blocks open where parsing failed.
    let mut open_at_pos: Option<Vec<usize>> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if i >= pos && open_at_pos.is_none() {
            open_at_pos = Some(braces.clone());
        }
        match c {
            '#' => {
                while chars.peek().is_some_and(|(_, c)| *c != '\n') {
                    chars.next();
                }
            }
            '"' if text[i..].starts_with("\"\"\"") => {
                // A markdown block: skip to its closing quotes.
                chars.next();
                chars.next();
                match text[i + 3..].find("\"\"\"") {
                    Some(end) => {
                        let close = i + 3 + end + 3;
                        while chars.peek().is_some_and(|(j, _)| *j < close) {
                            chars.next();
                        }
                    }
                    None if i <= pos => {
                        return Some(ParseError::UnterminatedString {
                            span: Span::new(file, i, i + 3),
                        })
                    }
                    None => return None,
                }
            }
            '"' => loop {
                match chars.next() {
                    Some((_, '\\')) => {
                        chars.next();
                    }
                    Some((_, '"')) => break,
                    Some((_, '\n')) | None if i <= pos => {
                        return Some(ParseError::UnterminatedString {
                            span: Span::new(file, i, i + 1),
                        })
                    }
                    Some((_, '\n')) | None => return None,
                    Some(_) => {}
                }
            },
            '`' => loop {
                match chars.next() {
                    Some((_, '`')) => break,
                    None if i <= pos => {
                        return Some(ParseError::UnterminatedRaw {
                            span: Span::new(file, i, i + 1),
                        })
                    }
                    None => return None,
                    Some(_) => {}
                }
            },
            '{' => braces.push(i),
            '}' => {
                braces.pop();
            }
            _ => {}
        }
    }
    // Both places are shown when near; otherwise every line between would be printed.
    let far = |open: usize, end: usize| {
        let lines = text[open..end.min(text.len())].matches('\n').count();
        (lines > 6).then(|| text[..end.min(text.len())].matches('\n').count() + 1)
    };
    let at_end = text[pos.min(text.len())..].trim().is_empty();
    if let (Some(&open), true) = (braces.last(), at_end) {
        let end = text.trim_end().len();
        return Some(ParseError::UnclosedBlock {
            open: Span::new(file, open, open + 1),
            end: Span::new(file, text.len(), text.len()),
            next: None,
            far: far(open, end),
        });
    }
    // A declaration keyword at the start of a line, met inside a block: the block before it
    // was left open, which is what to show rather than the keyword.
    let open = open_at_pos.unwrap_or(braces);
    let line_start = pos == 0 || text[..pos.min(text.len())].ends_with('\n');
    let word: String = text[pos.min(text.len())..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    match open.last() {
        Some(&open) if line_start && DECLARATIONS.contains(&word.as_str()) => {
            Some(ParseError::UnclosedBlock {
                open: Span::new(file, open, open + 1),
                end: Span::new(file, pos, pos + word.len()),
                far: far(open, pos),
                next: Some(word),
            })
        }
        _ => None,
    }
}

/// Keywords that begin a top-level declaration.
const DECLARATIONS: [&str; 28] = [
    "import",
    "project",
    "environment",
    "service",
    "severity",
    "query",
    "threshold",
    "alert",
    "record",
    "group",
    "target",
    "alertmanager",
    "receiver",
    "routing",
    "route",
    "time_interval",
    "team",
    "inhibit",
    "escalation",
    "route_test",
    "dashboard",
    "component",
    "section",
    "scenario",
    "appendix",
    "slo",
    "slo_defaults",
    "policy",
];
