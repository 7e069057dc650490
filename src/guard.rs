//! The last line of defence against third-party code that panics on hostile input: the call
//! runs under `catch_unwind`, and its panic becomes an error the caller reports at the source,
//! instead of a crash with exit code 101. The default panic message is silenced for such calls
//! only; any other panic still prints.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    static GUARDED: Cell<bool> = const { Cell::new(false) };
}

static HOOK: Once = Once::new();

/// Runs `f`; a panic inside becomes `Err` with its message.
pub(crate) fn catch<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !GUARDED.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let was = GUARDED.with(|g| g.replace(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(was));
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string())
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn turns_a_panic_into_an_error() {
        assert_eq!(super::catch(|| 1), Ok(1));
        let err = super::catch(|| -> u8 { panic!("boom") }).unwrap_err();
        assert_eq!(err, "boom");
    }
}
