//! Independent work spread over the machine's cores, results kept in input order so that
//! output never depends on scheduling.

use std::num::NonZeroUsize;

/// `items.iter().map(f).collect()`, on up to as many threads as there are cores.
pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    if threads < 2 || items.len() < 2 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let f = &f;
        let handles: Vec<_> = items
            .chunks(chunk)
            .skip(1)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        let mut out: Vec<R> = items[..chunk.min(items.len())].iter().map(f).collect();
        for handle in handles {
            // A panic in a worker is a bug; surface it rather than lose results.
            match handle.join() {
                Ok(part) => out.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
}

/// Consumes `items`, calling `f` on each, on up to as many threads as there are cores.
pub(crate) fn map_owned<T: Send>(items: Vec<T>, f: impl Fn(T) + Sync) {
    map_into(items, f);
}

/// `items.into_iter().map(f).collect()`, on up to as many threads as there are cores, results
/// in input order: each item is dropped as soon as it is done with, so large items need not
/// all live at once.
pub(crate) fn map_into<T: Send, R: Send>(mut items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    if threads < 2 || items.len() < 2 {
        return items.into_iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let mut parts = Vec::new();
    while items.len() > chunk {
        let rest = items.split_off(chunk);
        parts.push(std::mem::replace(&mut items, rest));
    }
    parts.push(items);
    let mut parts = parts.into_iter();
    let first = parts.next().unwrap_or_default();
    std::thread::scope(|scope| {
        let f = &f;
        let handles: Vec<_> = parts
            .map(|part| scope.spawn(move || part.into_iter().map(f).collect::<Vec<R>>()))
            .collect();
        let mut out: Vec<R> = first.into_iter().map(f).collect();
        for handle in handles {
            match handle.join() {
                Ok(part) => out.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_input_order() {
        let items: Vec<u32> = (0..101).collect();
        assert_eq!(
            super::map(&items, |x| x * 2),
            items.iter().map(|x| x * 2).collect::<Vec<_>>()
        );
        for n in [0, 1, 2, 3, 7, 100, 101] {
            let items: Vec<u32> = (0..n).collect();
            let owned = super::map_into(items.clone(), |x| x * 2);
            assert_eq!(owned, items.iter().map(|x| x * 2).collect::<Vec<_>>());
        }
    }
}
