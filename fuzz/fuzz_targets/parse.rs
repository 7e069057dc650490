//! The parser on any text.
#![no_main]

libfuzzer_sys::fuzz_target!(|text: &str| watchbook::fuzz::parse(text));
