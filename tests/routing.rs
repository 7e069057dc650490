//! Routes written by hand (any matchers, nesting, `continue`, per-route timing, time
//! intervals), compiled from `tests/fixtures/routing`: amtool accepts the configuration and
//! routes every route test as the compiler's own walker does (the compile checks each test
//! against the walker, `route-tests.sh` against amtool). And the routing warnings, each with
//! its fixture and the rendered diagnostic.

mod common;

use common::{compile_command, root, text, tool};
use std::process::Command;

fn compiled(fixture: &str) -> (tempfile::TempDir, String) {
    let out = tempfile::tempdir().expect("tempdir");
    let result = compile_command(&root().join(fixture), &out.path().join("g"))
        .current_dir(root())
        .output()
        .expect("compile runs");
    assert!(result.status.success(), "{}", text(&result.stderr));
    (out, text(&result.stderr))
}

#[test]
fn written_routes_pass_amtool_and_every_route_test_routes_alike_in_amtool() {
    let (out, _) = compiled("tests/fixtures/routing");
    let config = out.path().join("g/alertmanager/alertmanager.yml");
    let Some(amtool) = tool("amtool") else { return };
    let check = Command::new(&amtool)
        .arg("check-config")
        .arg(&config)
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", text(&check.stdout));
    let script = out.path().join("g/alertmanager/route-tests.sh");
    let run = Command::new("sh").arg(&script).output().unwrap();
    assert!(
        run.status.success(),
        "{}{}",
        text(&run.stdout),
        text(&run.stderr)
    );
    let tests = std::fs::read_to_string(&script)
        .unwrap()
        .matches("--verify.receivers")
        .count();
    assert_eq!(tests, 7);
    // The configuration holds what the source wrote: regexes, nesting, continue, intervals.
    let yaml: yaml_serde::Value =
        yaml_serde::from_str(&std::fs::read_to_string(&config).unwrap()).unwrap();
    let routes = yaml["route"]["routes"].as_sequence().unwrap();
    assert_eq!(routes[0]["receiver"].as_str(), Some("audit-log"));
    assert_eq!(routes[0]["continue"].as_bool(), Some(true));
    assert_eq!(
        routes[1]["matchers"][0].as_str(),
        Some("environment=~\"dev|test\"")
    );
    let database = &routes[2];
    assert_eq!(database["routes"].as_sequence().unwrap().len(), 3);
    assert_eq!(
        database["routes"][2]["active_time_intervals"][0].as_str(),
        Some("office")
    );
    assert_eq!(yaml["route"]["group_by"][0].as_str(), Some("..."));
    let intervals = yaml["time_intervals"].as_sequence().unwrap();
    assert_eq!(intervals.len(), 2);
    assert_eq!(
        intervals[0]["time_intervals"][0]["location"].as_str(),
        Some("Europe/Berlin")
    );
}

#[test]
fn a_route_test_at_an_instant_fails_when_the_route_is_muted_then() {
    let out = tempfile::tempdir().unwrap();
    let result = compile_command(
        &root().join("tests/fixtures/errors/route_test_at_mismatch"),
        &out.path().join("g"),
    )
    .output()
    .unwrap();
    assert_eq!(result.status.code(), Some(1));
    let stderr = text(&result.stderr);
    assert!(
        stderr.contains("E0207") && stderr.contains("at 2026-01-11T10:00:00Z"),
        "{stderr}"
    );
}

/// Each warning fixture compiles (warnings do not stop it) and says what it should.
#[test]
fn routing_warnings_render_as_the_snapshots_show() {
    let dir = root().join("tests/fixtures/routing_warnings");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 3);
    for name in names {
        let fixture = format!("tests/fixtures/routing_warnings/{name}");
        let (_out, stderr) = compiled(&fixture);
        let code = match name.as_str() {
            "inhibition_never_applies" => "W0202",
            "inhibition_equal_missing" => "W0203",
            _ => "W0204",
        };
        assert!(stderr.contains(code), "{name}: {stderr}");
        // The last line names the temporary output directory.
        let shown: String = stderr
            .lines()
            .filter(|l| !l.starts_with("compiled "))
            .collect::<Vec<_>>()
            .join("\n")
            // Paths are shown relative to the checkout so the snapshot holds anywhere.
            .replace(&format!("{}/", root().display()), "");
        insta::assert_snapshot!(format!("routing_warning_{name}"), shown);
    }
}
