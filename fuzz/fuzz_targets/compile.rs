//! A whole compile of one source file, written into a fresh temp dir.
#![no_main]

libfuzzer_sys::fuzz_target!(|text: &str| {
    let Ok(tmp) = tempfile::tempdir() else { return };
    let rules = tmp.path().join("rules");
    if std::fs::create_dir(&rules).is_err() || std::fs::write(rules.join("main.wb"), text).is_err()
    {
        return;
    }
    watchbook::fuzz::compile_into(&rules, &tmp.path().join("out"));
});
