//! `watchbook lsp`: a language server over stdio. Diagnostics as you type (the compile's and
//! the lints'), go to definition and references for every declared name, hover (a threshold's
//! levels and the rules they generate), completion of keywords and names, and formatting
//! through `fmt`.

mod hover;
mod position;
mod symbols;
mod workspace;

use lsp_server::{Connection, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
    Notification as _, PublishDiagnostics,
};
use lsp_types::request::{
    Completion, Formatting, GotoDefinition, HoverRequest, References, Request as _,
};
use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionOptions, CompletionResponse, DiagnosticSeverity,
    GotoDefinitionResponse, Hover, HoverContents, HoverProviderCapability, Location, MarkupContent,
    MarkupKind, NumberOrString, OneOf, PublishDiagnosticsParams, ServerCapabilities,
    TextDocumentPositionParams, TextDocumentSyncCapability, TextDocumentSyncKind, TextEdit, Uri,
};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use symbols::Declared;
use workspace::Workspace;

/// The words that start declarations and fields, for completion.
const KEYWORDS: &[&str] = &[
    "absent",
    "absent_severity",
    "alert",
    "alert_style",
    "alertmanager",
    "annotation",
    "component",
    "dashboard",
    "description",
    "environment",
    "environments",
    "escalation",
    "example",
    "expr",
    "fires",
    "for",
    "grafana_url",
    "group",
    "import",
    "inhibit",
    "investigate",
    "keep_firing_for",
    "label",
    "labels",
    "logql",
    "objective",
    "page",
    "page_severity",
    "panel",
    "period",
    "policy",
    "project",
    "promql",
    "query",
    "quiet",
    "receiver",
    "record",
    "resolve",
    "response",
    "route",
    "route_test",
    "routing",
    "runbook_url",
    "section",
    "selector",
    "series",
    "service",
    "services",
    "severity",
    "sli",
    "slo",
    "slo_defaults",
    "step",
    "summary",
    "target",
    "team",
    "threshold",
    "ticket",
    "ticket_severity",
    "time_interval",
    "unit",
    "when",
    "windows",
];

/// Serves on stdin and stdout until the client says `exit`. `rules` is the rules directory;
/// `today` (YYYY-MM-DD) decides which lint suppressions have expired.
pub fn run(rules: &Path, today: &str) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let (connection, io) = Connection::stdio();
    let capabilities = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions::default()),
        document_formatting_provider: Some(OneOf::Left(true)),
        ..ServerCapabilities::default()
    };
    connection.initialize(serde_json::to_value(capabilities)?)?;
    let rules = std::path::absolute(rules)?;
    let mut server = Server {
        workspace: Workspace {
            rules,
            open: Default::default(),
            today: today.to_string(),
        },
        published: BTreeSet::new(),
    };
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request)? {
                    break;
                }
                let response = server.request(request);
                connection.sender.send(Message::Response(response))?;
            }
            Message::Notification(n) => {
                for out in server.notification(n) {
                    connection.sender.send(Message::Notification(out))?;
                }
            }
            Message::Response(_) => {}
        }
    }
    drop(connection);
    io.join()?;
    Ok(())
}

struct Server {
    workspace: Workspace,
    /// Files that have diagnostics on the client: cleared when they have none.
    published: BTreeSet<PathBuf>,
}

impl Server {
    fn notification(&mut self, n: Notification) -> Vec<Notification> {
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(n.params)
                {
                    if let Some(path) = position::path(&p.text_document.uri) {
                        self.workspace.open.insert(path, p.text_document.text);
                    }
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(n.params)
                {
                    let (Some(path), Some(change)) = (
                        position::path(&p.text_document.uri),
                        p.content_changes.into_iter().last(),
                    ) else {
                        return Vec::new();
                    };
                    self.workspace.open.insert(path, change.text);
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(n.params)
                {
                    if let Some(path) = position::path(&p.text_document.uri) {
                        self.workspace.open.remove(&path);
                    }
                }
            }
            DidSaveTextDocument::METHOD => {}
            _ => return Vec::new(),
        }
        self.publish()
    }

    /// Diagnostics for every file that has some, and empty lists for those that no longer do.
    fn publish(&mut self) -> Vec<Notification> {
        let mut analysis = self.workspace.analyze();
        // A diagnostic with no place in a file (no default receiver, say) is shown at the top
        // of every open document, so that it is seen.
        if !analysis.unplaced.is_empty() {
            for path in self.workspace.open.keys() {
                if !path.starts_with(&self.workspace.rules) {
                    continue;
                }
                let list = analysis.diagnostics.entry(path.clone()).or_default();
                list.extend(analysis.unplaced.iter().map(|d| (d.clone(), String::new())));
            }
        }
        let mut out = Vec::new();
        let mut now = BTreeSet::new();
        for (path, found) in &analysis.diagnostics {
            let Some(uri) = position::uri(path) else {
                continue;
            };
            let diagnostics = found
                .iter()
                .map(|(d, text)| protocol_diagnostic(d, text))
                .collect();
            out.push(publish(uri, diagnostics));
            now.insert(path.clone());
        }
        for path in self.published.difference(&now) {
            if let Some(uri) = position::uri(path) {
                out.push(publish(uri, Vec::new()));
            }
        }
        self.published = now;
        out
    }

    fn request(&mut self, request: Request) -> Response {
        let id = request.id.clone();
        let result = match request.method.as_str() {
            GotoDefinition::METHOD => self.at(&request).map(|(_, name)| {
                let found: Vec<Location> = self
                    .declared()
                    .into_iter()
                    .filter(|(d, _)| d.name == name)
                    .filter_map(|(d, path)| self.location(&path, d.start, d.end))
                    .collect();
                serde_json::to_value(GotoDefinitionResponse::Array(found))
            }),
            References::METHOD => self.at(&request).map(|(_, name)| {
                let mut found = Vec::new();
                for path in self.workspace.sources() {
                    let Some(text) = self.workspace.text(&path) else {
                        continue;
                    };
                    for (start, end) in symbols::uses(&text, &name) {
                        found.extend(self.location(&path, start, end));
                    }
                }
                serde_json::to_value(found)
            }),
            HoverRequest::METHOD => self.at(&request).map(|(_, name)| {
                let declared: Vec<Declared> = self
                    .declared()
                    .into_iter()
                    .map(|(d, _)| d)
                    .filter(|d| d.name == name)
                    .collect();
                let model = self.workspace.model();
                let hover = hover::hover(&name, &declared, model.as_ref()).map(|text| Hover {
                    contents: HoverContents::Markup(MarkupContent {
                        kind: MarkupKind::Markdown,
                        value: text,
                    }),
                    range: None,
                });
                serde_json::to_value(hover)
            }),
            Completion::METHOD => Some(serde_json::to_value(CompletionResponse::Array(
                self.completions(),
            ))),
            Formatting::METHOD => {
                let params: Option<lsp_types::DocumentFormattingParams> =
                    serde_json::from_value(request.params).ok();
                params.map(|p| {
                    let edits = position::path(&p.text_document.uri)
                        .and_then(|path| self.workspace.text(&path))
                        .and_then(|text| {
                            let formatted = crate::fmt::format(&text)?;
                            (formatted != text).then(|| {
                                vec![TextEdit::new(
                                    position::range(&text, 0, text.len()),
                                    formatted,
                                )]
                            })
                        })
                        .unwrap_or_default();
                    serde_json::to_value(edits)
                })
            }
            _ => {
                return Response::new_err(
                    id,
                    lsp_server::ErrorCode::MethodNotFound as i32,
                    format!("`{}` is not supported", request.method),
                )
            }
        };
        match result {
            Some(Ok(value)) => Response::new_ok(id, value),
            _ => Response::new_ok(id, serde_json::Value::Null),
        }
    }

    /// The document and the name under the cursor of a position request.
    fn at(&self, request: &Request) -> Option<(PathBuf, String)> {
        let params: TextDocumentPositionParams = match serde_json::from_value::<
            lsp_types::TextDocumentPositionParams,
        >(request.params.clone())
        {
            Ok(p) => p,
            // References and completion wrap the position in more fields.
            Err(_) => serde_json::from_value(
                request
                    .params
                    .get("textDocument")
                    .map(|_| request.params.clone())?,
            )
            .ok()?,
        };
        let path = position::path(&params.text_document.uri)?;
        let text = self.workspace.text(&path)?;
        let at = position::offset(&text, params.position);
        let (start, end) = symbols::word_at(&text, at)?;
        Some((path, text[start..end].to_string()))
    }

    /// Every declaration of every source, with its file.
    fn declared(&self) -> Vec<(Declared, PathBuf)> {
        let mut out = Vec::new();
        for (i, path) in self.workspace.sources().into_iter().enumerate() {
            if let Some(text) = self.workspace.text(&path) {
                for d in symbols::declarations(i, &text) {
                    out.push((d, path.clone()));
                }
            }
        }
        out
    }

    fn location(&self, path: &Path, start: usize, end: usize) -> Option<Location> {
        let text = self.workspace.text(path)?;
        Some(Location::new(
            position::uri(path)?,
            position::range(&text, start, end),
        ))
    }

    fn completions(&self) -> Vec<CompletionItem> {
        let mut items: Vec<CompletionItem> = KEYWORDS
            .iter()
            .map(|k| CompletionItem {
                label: k.to_string(),
                kind: Some(CompletionItemKind::KEYWORD),
                ..CompletionItem::default()
            })
            .collect();
        let mut seen = BTreeSet::new();
        for (d, _) in self.declared() {
            if seen.insert((d.kind, d.name.clone())) {
                items.push(CompletionItem {
                    label: d.name.clone(),
                    kind: Some(CompletionItemKind::REFERENCE),
                    detail: Some(d.kind.to_string()),
                    ..CompletionItem::default()
                });
            }
        }
        items
    }
}

fn publish(uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>) -> Notification {
    Notification::new(
        PublishDiagnostics::METHOD.to_string(),
        PublishDiagnosticsParams::new(uri, diagnostics, None),
    )
}

fn protocol_diagnostic(d: &crate::diagnostic::Diagnostic, text: &str) -> lsp_types::Diagnostic {
    let range = d
        .span
        .map_or_else(Default::default, |s| position::range(text, s.start, s.end));
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    lsp_types::Diagnostic {
        range,
        severity: Some(match d.level {
            crate::diagnostic::Level::Error => DiagnosticSeverity::ERROR,
            crate::diagnostic::Level::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.to_string())),
        source: Some("watchbook".into()),
        message,
        ..lsp_types::Diagnostic::default()
    }
}
