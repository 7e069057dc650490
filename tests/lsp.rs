//! `watchbook lsp`, driven over stdio as an editor drives it: initialize; open a document with
//! an error and receive its diagnostics, then fix it and see them cleared; go to a
//! threshold's definition; find a severity's references; hover a threshold; complete; format.

mod common;

use common::{copy_dir, root};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

struct Client {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next_id: u64,
}

impl Client {
    fn start(rules: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_watchbook"))
            .args(["lsp", rules.to_str().unwrap()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the server starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Client {
            child,
            stdin,
            stdout,
            next_id: 1,
        }
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn receive(&mut self) -> Value {
        let mut length = 0;
        loop {
            let mut line = String::new();
            assert!(
                self.stdout.read_line(&mut line).unwrap() > 0,
                "the server hung up"
            );
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(n) = line.strip_prefix("Content-Length: ") {
                length = n.parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        self.stdout.read_exact(&mut body).unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    /// Sends a request and returns its result, setting aside notifications that come first.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.receive();
            if message["id"] == json!(id) {
                assert!(message.get("error").is_none(), "{message}");
                return message["result"].clone();
            }
        }
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        loop {
            let message = self.receive();
            if message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"] == uri
            {
                return message["params"]["diagnostics"].as_array().unwrap().clone();
            }
        }
    }
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// Line and character of the first `needle` in `text`, plus `skip` characters.
fn at(text: &str, needle: &str, skip: usize) -> Value {
    let offset = text.find(needle).unwrap_or_else(|| panic!("{needle}")) + skip;
    let line = text[..offset].matches('\n').count();
    let character = offset - text[..offset].rfind('\n').map_or(0, |n| n + 1);
    json!({"line": line, "character": character})
}

#[test]
fn an_editor_session() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules");
    copy_dir(&root().join("rules"), &rules);
    let mut client = Client::start(&rules);
    let init = client.request("initialize", json!({"capabilities": {}}));
    let caps = &init["capabilities"];
    for cap in [
        "definitionProvider",
        "referencesProvider",
        "hoverProvider",
        "documentFormattingProvider",
    ] {
        assert_eq!(caps[cap], json!(true), "{cap}: {init}");
    }
    client.notify("initialized", json!({}));

    // A typo in a threshold name, as typed: the compile's error, at its place.
    let file = rules.join("alerts/services.wb");
    let text = std::fs::read_to_string(&file).unwrap();
    let (name, typo) = ("error_rate", "error_rat");
    assert!(
        text.contains(&format!("when {name} is")),
        "the fixture uses `{name}`"
    );
    let broken = text.replacen(&format!("when {name} is"), &format!("when {typo} is"), 1);
    let doc = uri(&file);
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": doc, "languageId": "watchbook", "version": 1, "text": broken}}),
    );
    let diagnostics = client.diagnostics(&doc);
    let unknown = diagnostics
        .iter()
        .find(|d| d["code"] == "E0101")
        .unwrap_or_else(|| panic!("{diagnostics:?}"));
    assert_eq!(
        unknown["range"]["start"],
        at(&broken, &format!("when {typo}"), 5)
    );
    assert!(unknown["message"].as_str().unwrap().contains(typo));

    // Fixed: the file's diagnostics are cleared.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": doc, "version": 2}, "contentChanges": [{"text": text}]}),
    );
    let diagnostics = client.diagnostics(&doc);
    assert!(
        diagnostics.iter().all(|d| d["severity"] != 1),
        "{diagnostics:?}"
    );

    // Go to definition: from the use in the alert to the threshold (and query) declaring it.
    let position = at(&text, &format!("when {name}"), 6);
    let found = client.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": doc}, "position": position}),
    );
    let targets = found.as_array().unwrap();
    assert!(!targets.is_empty(), "{found}");
    for target in targets {
        let path = target["uri"]
            .as_str()
            .unwrap()
            .trim_start_matches("file://");
        let declaring = std::fs::read_to_string(path).unwrap();
        let start = &target["range"]["start"];
        let line = declaring
            .lines()
            .nth(start["line"].as_u64().unwrap() as usize)
            .unwrap();
        let word = &line[start["character"].as_u64().unwrap() as usize..];
        assert!(word.starts_with(name), "{line}");
        assert!(
            line.trim_start().starts_with("threshold") || line.trim_start().starts_with("query"),
            "{line}"
        );
    }

    // References: every use, across files.
    let refs = client.request(
        "textDocument/references",
        json!({"textDocument": {"uri": doc}, "position": position, "context": {"includeDeclaration": true}}),
    );
    assert!(refs.as_array().unwrap().len() >= 3, "{refs}");

    // Hover: the threshold's levels and the rules it generates.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": doc}, "position": position}),
    );
    let shown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(shown.contains(&format!("threshold `{name}`")), "{hover}");
    assert!(shown.contains("critical"), "{shown}");
    assert!(shown.contains("```promql"), "{shown}");

    // Completion offers keywords and declared names.
    let items = client.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": doc}, "position": {"line": 0, "character": 0}}),
    );
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert!(
        labels.contains(&"threshold") && labels.contains(&name),
        "{labels:?}"
    );

    // Formatting goes through `fmt`: a badly indented document comes back in layout.
    let messy = text.replacen("\n  ", "\n      ", 3);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": doc, "version": 3}, "contentChanges": [{"text": messy}]}),
    );
    let edits = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": doc}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(edits[0]["newText"].as_str(), Some(text.as_str()), "{edits}");

    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    let status = client.child.wait().unwrap();
    assert!(status.success());
}

/// The TextMate grammar for editors is valid JSON, and each of its patterns compiles.
#[test]
fn the_syntax_grammar_is_well_formed() {
    let text = std::fs::read_to_string(root().join("editors/watchbook.tmLanguage.json")).unwrap();
    let grammar: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(grammar["scopeName"], "source.watchbook");
    let mut patterns = 0;
    for (_, rule) in grammar["repository"].as_object().unwrap() {
        for key in ["match", "begin"] {
            if let Some(p) = rule[key].as_str() {
                // Oniguruma's back-references (`\1`) aside, the patterns are plain regexes.
                regex_syntax::Parser::new()
                    .parse(p)
                    .unwrap_or_else(|e| panic!("{p}: {e}"));
                patterns += 1;
            }
        }
    }
    assert!(patterns >= 7, "{patterns}");
}

/// A diagnostic with no place in any file is shown at the top of the open document.
#[test]
fn a_diagnostic_without_a_place_reaches_the_editor() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules");
    std::fs::create_dir_all(&rules).unwrap();
    let file = rules.join("main.wb");
    let text = "severity critical { response 15m notify [r] }\nreceiver r { webhook { url \"http://alerts.example.com/hook\" } }\n";
    std::fs::write(&file, text).unwrap();
    let mut client = Client::start(&rules);
    client.request("initialize", json!({"capabilities": {}}));
    client.notify("initialized", json!({}));
    let doc = uri(&file);
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": doc, "languageId": "watchbook", "version": 1, "text": text}}),
    );
    let diagnostics = client.diagnostics(&doc);
    let missing = diagnostics
        .iter()
        .find(|d| d["code"] == "E0126")
        .unwrap_or_else(|| panic!("{diagnostics:?}"));
    assert_eq!(
        missing["range"]["start"],
        json!({"line": 0, "character": 0})
    );
    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    assert!(client.child.wait().unwrap().success());
}
