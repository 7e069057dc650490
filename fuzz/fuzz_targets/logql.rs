//! The LogQL check (our limits, then our checker) on any text.
#![no_main]

libfuzzer_sys::fuzz_target!(|text: &str| {
    watchbook::fuzz::logql(text);
});
