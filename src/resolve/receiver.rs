//! Receivers and their integrations: settings checked against what Alertmanager takes, typed,
//! gated by release, secrets only from files.

use super::error::ResolveError;
use super::integration::{self, Spec, Type};
use super::model::*;
use super::{names, url, Resolver};
use crate::parse::ast;

impl Resolver<'_> {
    pub(super) fn receiver(&mut self, r: &ast::Receiver, global: &Settings) -> Receiver {
        let integrations = r
            .integrations
            .iter()
            .filter_map(|i| self.integration(i, global))
            .collect();
        Receiver {
            name: r.name.value.clone(),
            span: r.name.span,
            integrations,
            description: r.description.as_ref().map(|d| d.value.clone()),
        }
    }

    fn integration(&mut self, i: &ast::Integration, global: &Settings) -> Option<Integration> {
        let Some(spec) = integration::spec(&i.kind.value) else {
            self.errors.push(ResolveError::UnknownIntegration {
                name: i.kind.value.clone(),
                span: i.kind.span,
                suggestion: names::suggest(&i.kind.value, integration::names()),
            });
            return None;
        };
        self.newer(
            spec.since,
            format!("the {} integration", spec.name),
            i.kind.span,
        );
        let mut settings = Settings::new();
        let mut inline = false;
        for (key, value) in &i.settings {
            if spec.is_secret(&key.value) {
                inline = true;
                self.errors.push(ResolveError::InlineSecret {
                    key: key.value.clone(),
                    span: value.span,
                });
                continue;
            }
            let Some(kind) = spec.type_of(&key.value) else {
                self.errors.push(ResolveError::UnknownSetting {
                    integration: spec.name,
                    key: key.value.clone(),
                    span: key.span,
                    suggestion: names::suggest(&key.value, spec.all_settings()),
                });
                continue;
            };
            if let Some((_, needs)) = spec.newer.iter().find(|(k, _)| *k == key.value) {
                self.newer(*needs, format!("{} `{}`", spec.name, key.value), key.span);
            }
            if let Some(v) = self.setting_value(key, value, kind) {
                settings.insert(key.value.clone(), v);
            }
        }
        if !inline {
            self.required(spec, &settings, global, i.kind.span);
        }
        Some(Integration {
            kind: spec.kind,
            settings,
        })
    }

    /// Each requirement met by a setting, or by the global one standing in for it. An empty
    /// value is as good as none: Alertmanager refuses an empty `to`.
    fn required(
        &mut self,
        spec: &Spec,
        settings: &Settings,
        global: &Settings,
        span: crate::source::Span,
    ) {
        let set = |s: &Settings, k: &str| s.get(k).is_some_and(|v| !v.text().trim().is_empty());
        for need in spec.required {
            let met = need.any_of.iter().any(|k| set(settings, k))
                || need.global.iter().any(|k| set(global, k));
            if !met {
                self.errors.push(ResolveError::MissingSetting {
                    integration: spec.name,
                    needed: need.words,
                    span,
                });
            }
        }
    }

    /// An error when the output's Alertmanager predates `needs`.
    pub(super) fn newer(
        &mut self,
        needs: super::version::Version,
        feature: String,
        span: crate::source::Span,
    ) {
        if self.alertmanager < needs {
            self.errors.push(ResolveError::NewerFeature {
                feature,
                system: "Alertmanager",
                needs: needs.to_string(),
                have: self.alertmanager.to_string(),
                span,
            });
        }
    }

    /// A setting's value, checked against its type; a template must parse, calling only
    /// templates that exist, and a URL must hold no credentials.
    pub(super) fn setting_value(
        &mut self,
        key: &ast::Ident,
        value: &ast::Text,
        kind: Type,
    ) -> Option<SettingValue> {
        if kind == Type::Template {
            use crate::go_template::check::{check, ALERTMANAGER};
            if let Err(e) = check(&value.value, &ALERTMANAGER, &[]) {
                self.errors.push(ResolveError::BadTemplate {
                    system: "Alertmanager",
                    span: value.span.sub(1 + e.offset, e.len),
                    message: e.message,
                });
                return None;
            }
            for call in crate::go_template::names::calls(&value.value) {
                self.template_calls.push((
                    call.name.to_string(),
                    value.span.sub(1 + call.offset, call.len),
                ));
            }
        }
        match integration::typed(kind, &value.value) {
            Err(_) if kind == Type::SecretFile => {
                self.errors.push(ResolveError::SecretNotAPath {
                    key: key.value.clone(),
                    span: value.span,
                });
                None
            }
            Err(expected) => {
                self.errors.push(ResolveError::BadSetting {
                    key: key.value.clone(),
                    value: value.value.clone(),
                    expected,
                    span: value.span,
                });
                None
            }
            Ok(_) if kind == Type::Url && url::has_credentials(&value.value) => {
                self.errors.push(ResolveError::CredentialsInUrl {
                    key: key.value.clone(),
                    span: value.span,
                });
                None
            }
            Ok(v) => Some(v),
        }
    }
}
