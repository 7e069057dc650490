//! The PromQL check (our limits, then promql-parser) on any text.
#![no_main]

libfuzzer_sys::fuzz_target!(|text: &str| {
    watchbook::fuzz::promql(text);
});
