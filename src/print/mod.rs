//! Syntax trees back to source text, in the canonical layout: two-space indentation, one
//! field per line, a blank line between declarations. `import` writes its sources with it, so
//! that what it produces reads like what a person would write.

mod alert;
mod text;

pub(crate) use text::{is_name, raw, string};

use crate::parse::ast::*;

/// Text being written, with the current indentation.
pub(crate) struct Printer {
    out: String,
    depth: usize,
}

impl Printer {
    pub(crate) fn new() -> Printer {
        Printer {
            out: String::new(),
            depth: 0,
        }
    }

    pub(crate) fn finish(self) -> String {
        self.out
    }

    /// A line at the current indentation.
    pub(crate) fn line(&mut self, text: &str) {
        if text.is_empty() {
            self.out.push('\n');
            return;
        }
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// A comment line (`#` added to every line of `text`).
    pub(crate) fn comment(&mut self, text: &str) {
        for line in text.lines() {
            self.line(format!("# {line}").trim_end());
        }
    }

    /// `head {`, the body one level deeper, `}`; `head { field }` on one line when the body
    /// is one short line, and `head {}` when it is empty.
    pub(crate) fn block(&mut self, head: &str, body: impl FnOnce(&mut Printer)) {
        let mut inner = Printer {
            out: String::new(),
            depth: self.depth + 1,
        };
        body(&mut inner);
        let lines: Vec<&str> = inner.out.lines().collect();
        match lines.as_slice() {
            [] => self.line(&format!("{head} {{}}")),
            [one]
                if !one.trim_start().starts_with('#')
                    && !one.trim_end().ends_with('{')
                    && head.len() + one.trim().len() + 6 + self.depth * 2 <= 100 =>
            {
                self.line(&format!("{head} {{ {} }}", one.trim()));
            }
            _ => {
                self.line(&format!("{head} {{"));
                self.out.push_str(&inner.out);
                self.line("}");
            }
        }
    }

    /// `keyword `text`` with the text on its own lines when it has several.
    pub(crate) fn raw_field(&mut self, keyword: &str, text: &str) {
        if !text.contains('\n') {
            self.line(&format!("{keyword} {}", raw(text)));
            return;
        }
        let fence = text::fence(text);
        self.line(&format!("{keyword} {fence}"));
        self.depth += 1;
        for line in text.lines() {
            self.line(line.trim_end());
        }
        self.depth -= 1;
        self.line(&fence);
    }

    /// `labels { a = "b" }`, on one line when it fits, else one label a line.
    pub(crate) fn label_map(&mut self, keyword: &str, pairs: &[LabelPair]) {
        if pairs.is_empty() {
            return;
        }
        let items: Vec<String> = pairs
            .iter()
            .map(|p| format!("{} = {}", p.name.value, string(&p.value.value)))
            .collect();
        let one_line = format!("{keyword} {{ {} }}", items.join(", "));
        if one_line.len() + self.depth * 2 <= 100 {
            self.line(&one_line);
        } else {
            self.block(keyword, |p| {
                for item in &items {
                    p.line(item);
                }
            });
        }
    }

    pub(crate) fn declaration(&mut self, declaration: &Declaration) {
        match declaration {
            Declaration::Project(p) => self.project(p),
            Declaration::Severity(s) => self.severity(s),
            Declaration::Query(q) => self.query(q),
            Declaration::Threshold(t) => self.threshold(t),
            Declaration::Alert(a) => self.alert(a),
            Declaration::Record(r) => self.record(r),
            Declaration::Group(g) => self.group(g),
            // The other declarations are written by hand; `import` never produces them.
            _ => {}
        }
    }

    /// A whole file: its imports, then its declarations, a blank line apart.
    pub(crate) fn file(&mut self, ast: &SourceAst) {
        for import in &ast.imports {
            self.line(&format!("import {}", string(&import.value)));
        }
        // A one-line query stays with its threshold, a one-line threshold with its alert.
        let mut previous: Option<(&Declaration, bool)> = None;
        for (i, d) in ast.declarations.iter().enumerate() {
            let joined = matches!(
                (previous, d),
                (
                    Some((Declaration::Query(_), true)),
                    Declaration::Threshold(_)
                ) | (
                    Some((Declaration::Threshold(_), true)),
                    Declaration::Alert(_)
                )
            );
            if (i > 0 || !ast.imports.is_empty()) && !joined {
                self.line("");
            }
            let before = self.out.len();
            self.declaration(d);
            previous = Some((d, self.out[before..].lines().count() == 1));
        }
    }

    fn project(&mut self, p: &Project) {
        self.block(&format!("project {}", string(&p.name.value)), |pr| {
            if let Some(url) = &p.runbook_url {
                pr.line(&format!("runbook_url {}", string(&url.value)));
            }
            if let Some(d) = &p.scrape_interval {
                pr.line(&format!("scrape_interval {}", d.value));
            }
            if let Some(d) = &p.evaluation_interval {
                pr.line(&format!("evaluation_interval {}", d.value));
            }
            if let Some(v) = &p.prometheus_version {
                pr.line(&format!("prometheus_version {}", string(&v.value)));
            }
            if let Some(d) = &p.description {
                pr.line(&format!("description {}", string(&d.value)));
            }
        });
    }

    fn severity(&mut self, s: &Severity) {
        let mut fields = Vec::new();
        if let Some(r) = &s.response {
            fields.push(match &r.value {
                Response::Within(d) => format!("response {}", d.value),
                Response::BestEffort => "response best_effort".to_string(),
            });
        }
        if let Some(d) = &s.description {
            fields.push(format!("description {}", string(&d.value)));
        }
        if fields.is_empty() {
            self.line(&format!("severity {} {{}}", s.name.value));
        } else {
            self.line(&format!(
                "severity {} {{ {} }}",
                s.name.value,
                fields.join("  ")
            ));
        }
    }

    fn query(&mut self, q: &Query) {
        let mut head = format!("query {}", q.name.value);
        if let Some(t) = &q.title {
            head.push(' ');
            head.push_str(&string(&t.value));
        }
        self.block(&head, |p| {
            if let Some((language, text)) = &q.body {
                let keyword = match language {
                    QueryLanguage::PromQl => "promql",
                    QueryLanguage::LogQl => "logql",
                };
                p.raw_field(keyword, &text.value);
            }
            if let Some(u) = &q.unit {
                p.line(&format!("unit {}", u.value));
            }
            if let Some(t) = &q.topic {
                p.line(&format!("topic {}", string(&t.value)));
            }
            if let Some(d) = &q.description {
                p.line(&format!("description {}", string(&d.value)));
            }
        });
    }

    fn threshold(&mut self, t: &Threshold) {
        let mut head = format!("threshold {}", t.name.value);
        if let Some(q) = &t.query {
            head.push_str(&format!(" on {}", q.value));
        }
        self.block(&head, |p| {
            if let Some(m) = &t.metric {
                p.line(&format!("metric {}", string(&m.value)));
            }
            for b in &t.bounds {
                let level = match b.level.value {
                    Level::Target => "target",
                    Level::Warning => "warning",
                    Level::Critical => "critical",
                };
                let comparison = b.comparison.value.word();
                match &b.upper {
                    Some(u) => p.line(&format!(
                        "{level} {comparison} {} and {}",
                        b.value.value, u.value
                    )),
                    None => p.line(&format!("{level} {comparison} {}", b.value.value)),
                }
            }
            if let Some(d) = &t.description {
                p.line(&format!("description {}", string(&d.value)));
            }
        });
    }

    fn record(&mut self, r: &Record) {
        self.block(&format!("record {}", string(&r.name.value)), |p| {
            if let Some(g) = &r.group {
                p.line(&format!("group {}", g.value));
            }
            if let Some(e) = &r.expr {
                p.raw_field("expr", &e.value);
            }
            p.label_map("labels", &r.scope.labels);
            if let Some(d) = &r.description {
                p.line(&format!("description {}", string(&d.value)));
            }
        });
    }

    fn group(&mut self, g: &RuleGroup) {
        let mut head = format!("group {}", g.name.value);
        if let Some(t) = &g.title {
            head.push(' ');
            head.push_str(&string(&t.value));
        }
        self.block(&head, |p| {
            if let Some(i) = &g.interval {
                p.line(&format!("interval {}", i.value));
            }
            if let Some(l) = &g.limit {
                p.line(&format!("limit {}", l.value));
            }
            if let Some(o) = &g.query_offset {
                p.line(&format!("query_offset {}", o.value));
            }
            p.label_map("labels", &g.labels);
            if let Some(d) = &g.description {
                p.line(&format!("description {}", string(&d.value)));
            }
            for (i, rule) in g.rules.iter().enumerate() {
                let settings = g.interval.is_some()
                    || g.limit.is_some()
                    || g.query_offset.is_some()
                    || !g.labels.is_empty()
                    || g.description.is_some();
                if i > 0 || settings {
                    p.line("");
                }
                p.declaration(rule);
            }
        });
    }
}
