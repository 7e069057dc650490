//! The formatter on any text: no panic, and a source that parses still parses once
//! formatted, and formats to itself.
#![no_main]

libfuzzer_sys::fuzz_target!(|text: &str| assert!(watchbook::fuzz::format(text)));
