//! `alertmanager { ... }`: Alertmanager's global settings, and the notification template
//! files the source brings, checked as Alertmanager parses them. Every `{{ template "x" }}`
//! a receiver or a template file calls must name a template that exists.

use super::error::ResolveError;
use super::integration;
use super::model::*;
use super::{names, Resolver};
use crate::go_template::names::{calls, defines};
use crate::parse::ast;
use crate::source::{FileId, Span};

/// The templates Alertmanager 0.25 (and 0.26's Teams) defines itself.
const ALERTMANAGER_TEMPLATES: [&str; 43] = [
    "__alertmanager",
    "__alertmanagerURL",
    "__subject",
    "__description",
    "__text_alert_list",
    "slack.default.title",
    "slack.default.username",
    "slack.default.fallback",
    "slack.default.callbackid",
    "slack.default.pretext",
    "slack.default.titlelink",
    "slack.default.iconemoji",
    "slack.default.iconurl",
    "slack.default.text",
    "slack.default.footer",
    "pagerduty.default.description",
    "pagerduty.default.client",
    "pagerduty.default.clientURL",
    "pagerduty.default.instances",
    "opsgenie.default.message",
    "opsgenie.default.description",
    "opsgenie.default.source",
    "wechat.default.message",
    "wechat.default.to_user",
    "wechat.default.to_party",
    "wechat.default.to_tag",
    "wechat.default.agent_id",
    "victorops.default.state_message",
    "victorops.default.entity_display_name",
    "victorops.default.monitoring_tool",
    "pushover.default.title",
    "pushover.default.message",
    "pushover.default.url",
    "sns.default.subject",
    "sns.default.message",
    "telegram.default.message",
    "discord.default.title",
    "discord.default.message",
    "webex.default.message",
    "email.default.subject",
    "email.default.html",
    "msteams.default.title",
    "msteams.default.text",
];

impl Resolver<'_> {
    /// The global settings; at most one `alertmanager` block.
    pub(super) fn alertmanager_global(
        &mut self,
        blocks: &[&ast::AlertmanagerBlock],
        templates: &[FileId],
    ) -> AlertmanagerGlobal {
        let mut global = AlertmanagerGlobal::default();
        let Some(block) = blocks.first() else {
            return global;
        };
        for extra in &blocks[1..] {
            self.errors.push(ResolveError::DuplicateName {
                kind: "alertmanager block",
                name: "alertmanager".into(),
                span: extra.span,
                first: block.span,
            });
        }
        for (key, value) in &block.settings {
            if let Some(v) = self.global_setting(key, value) {
                global.settings.insert(key.value.clone(), v);
            }
        }
        global.templates = templates
            .iter()
            .filter_map(|file| self.notification_template(*file))
            .collect();
        global
    }

    fn global_setting(&mut self, key: &ast::Ident, value: &ast::Text) -> Option<SettingValue> {
        if integration::GLOBAL_SECRETS.contains(&key.value.as_str()) {
            self.errors.push(ResolveError::InlineSecret {
                key: key.value.clone(),
                span: value.span,
            });
            return None;
        }
        let Some((_, kind, since)) = integration::GLOBAL_SETTINGS
            .iter()
            .find(|(k, _, _)| *k == key.value)
        else {
            self.errors.push(ResolveError::UnknownSetting {
                integration: "alertmanager",
                key: key.value.clone(),
                span: key.span,
                suggestion: names::suggest(
                    &key.value,
                    integration::GLOBAL_SETTINGS.iter().map(|(k, _, _)| *k),
                ),
            });
            return None;
        };
        self.newer(*since, format!("`{}`", key.value), key.span);
        self.setting_value(key, value, *kind)
    }

    /// A template file: it must parse as Alertmanager's templates do, and may not redefine
    /// ours.
    fn notification_template(&mut self, file: FileId) -> Option<NotificationTemplate> {
        let source = self.sources.file(file);
        let text = &source.text;
        if let Err(e) =
            crate::go_template::check::check(text, &crate::go_template::check::ALERTMANAGER, &[])
        {
            self.errors.push(ResolveError::BadTemplate {
                system: "Alertmanager",
                span: Span::new(file, e.offset, e.offset + e.len),
                message: e.message,
            });
            return None;
        }
        for defined in defines(text) {
            if defined.name.starts_with("watchbook.") {
                self.errors.push(ResolveError::ReservedTemplateName {
                    name: defined.name.to_string(),
                    span: Span::new(file, defined.offset, defined.offset + defined.len),
                });
            }
        }
        for call in calls(text) {
            let at = Span::new(file, call.offset, call.offset + call.len);
            self.template_calls.push((call.name.to_string(), at));
        }
        Some(NotificationTemplate {
            path: format!("templates/{}.tmpl", source.stem),
            text: text.clone(),
        })
    }

    /// Every template called exists: Alertmanager's, ours, or one a template file defines.
    pub(super) fn check_template_calls(&mut self, templates: &[NotificationTemplate]) {
        let theirs: Vec<&str> = templates
            .iter()
            .flat_map(|t| defines(&t.text).into_iter().map(|d| d.name))
            .collect();
        for (name, span) in std::mem::take(&mut self.template_calls) {
            let known = ALERTMANAGER_TEMPLATES.contains(&name.as_str())
                || GENERATED_TEMPLATES.contains(&name.as_str())
                || theirs.contains(&name.as_str());
            if !known {
                let all = ALERTMANAGER_TEMPLATES
                    .iter()
                    .chain(GENERATED_TEMPLATES.iter())
                    .copied()
                    .chain(theirs.iter().copied());
                self.errors.push(ResolveError::UnknownNotificationTemplate {
                    suggestion: names::suggest(&name, all),
                    name,
                    span,
                });
            }
        }
    }
}
