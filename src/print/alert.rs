//! `alert NAME { ... }` with its variants.

use super::{string, Printer};
use crate::parse::ast::*;

impl Printer {
    pub(super) fn alert(&mut self, a: &Alert) {
        let name = if super::is_name(&a.name.value) {
            a.name.value.clone()
        } else {
            string(&a.name.value)
        };
        self.block(&format!("alert {name}"), |p| {
            if let Some(g) = &a.group {
                p.line(&format!("group {}", g.value));
            }
            p.condition(&a.body);
            if let Some(s) = &a.severity {
                p.line(&format!("severity {}", s.value));
            }
            p.label_map("labels", &a.scope.labels);
            p.texts(&a.body);
            match &a.runbook_url {
                Some(RunbookUrl::Url(url)) => {
                    p.line(&format!("runbook_url {}", string(&url.value)))
                }
                Some(RunbookUrl::None(_)) => p.line("runbook_url none"),
                None => {}
            }
            for v in &a.variants {
                p.block(&format!("severity {}", v.severity.value), |p| {
                    p.condition(&v.body);
                    p.label_map("labels", &v.body.labels);
                    p.texts(&v.body);
                });
            }
        });
    }

    /// Condition and timing, as an alert or a variant writes them.
    fn condition(&mut self, body: &RuleBody) {
        for w in &body.whens {
            let level = match w.level.value {
                Level::Target => "target",
                Level::Warning => "warning",
                Level::Critical => "critical",
            };
            match &w.for_ {
                Some(f) => self.line(&format!(
                    "when {} is {level} for {}",
                    w.threshold.value, f.value
                )),
                None => self.line(&format!("when {} is {level}", w.threshold.value)),
            }
        }
        if let Some(e) = &body.expr {
            self.raw_field("expr", &e.value);
        }
        if let Some(f) = &body.for_ {
            self.line(&format!("for {}", f.value));
        }
        if let Some(k) = &body.keep_firing_for {
            self.line(&format!("keep_firing_for {}", k.value));
        }
    }

    /// Summary, description and annotations.
    fn texts(&mut self, body: &RuleBody) {
        if let Some(s) = &body.summary {
            self.line(&format!("summary {}", string(&s.value)));
        }
        if let Some(d) = &body.description {
            self.line(&format!("description {}", string(&d.value)));
        }
        for a in &body.annotations {
            self.line(&format!(
                "annotation {} {}",
                a.name.value,
                string(&a.value.value)
            ));
        }
    }
}
