//! `alertmanager { ... }`: Alertmanager's global settings and notification templates, and
//! the `key value` settings that receivers, targets and this block share.

use super::ast::*;
use super::{Builder, Rule};
use pest::iterators::Pair;

impl Builder {
    pub(super) fn alertmanager_block(&mut self, pair: Pair<Rule>) -> AlertmanagerBlock {
        let mut block = AlertmanagerBlock {
            span: self.span(&pair),
            settings: Vec::new(),
            templates: Vec::new(),
            description: None,
        };
        for field in pair.into_inner() {
            match field.as_rule() {
                Rule::kw_alertmanager => block.span = self.span(&field),
                Rule::setting => block.settings.extend(self.setting(field)),
                Rule::notification_templates => {
                    for list in field.into_inner() {
                        for s in list.into_inner() {
                            let path = self.string(s);
                            block.templates.push(path);
                        }
                    }
                }
                Rule::description => self.description(&mut block.description, field),
                _ => self.internal(&field, "this alertmanager field"),
            }
        }
        block
    }

    /// `key value`: the value a string, a word or a duration, as written.
    pub(super) fn setting(&mut self, pair: Pair<Rule>) -> Option<(Ident, Text)> {
        let parent = pair.clone();
        let mut parts = pair.into_inner();
        let key = self.next(&mut parts, &parent, "setting name")?;
        let value = self.next(&mut parts, &parent, "setting value")?;
        let key = self.ident(&key);
        let value = if value.as_rule() == Rule::string {
            self.string(value)
        } else {
            self.ident(&value)
        };
        Some((key, value))
    }
}
