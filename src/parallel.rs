//! Independent work spread over the machine's cores, results kept in input order so that
//! output never depends on scheduling.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

/// How many threads may run at once. Asked once: the standard library reads the cgroup's CPU
/// quota from several files each time, and a compile asks a few dozen times.
pub(crate) fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, NonZeroUsize::get))
}

/// `items.iter().map(f).collect()`, on up to as many threads as there are cores. Each thread
/// takes the next item when it is done with one, so that a thread slowed by other work (the
/// emitters run beside each other) leaves the rest to the others.
pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = cores();
    if threads < 2 || items.len() < 2 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            done.push((i, f(item)));
        }
        done
    };
    in_order(items.len(), on_every_core(threads.min(items.len()), &work))
}

/// Consumes `items`, calling `f` on each, on up to as many threads as there are cores.
pub(crate) fn map_owned<T: Send>(items: Vec<T>, f: impl Fn(T) + Sync) {
    map_into(items, f);
}

/// `items.into_iter().map(f).collect()`, on up to as many threads as there are cores, results
/// in input order: each item is dropped as soon as it is done with, so large items need not
/// all live at once. Threads take the next item as [`map`]'s do.
pub(crate) fn map_into<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let threads = cores();
    if threads < 2 || items.len() < 2 {
        return items.into_iter().map(f).collect();
    }
    let len = items.len();
    let queue = Mutex::new(items.into_iter().enumerate());
    let work = || {
        let mut done = Vec::new();
        loop {
            let taken = queue.lock().unwrap_or_else(|p| p.into_inner()).next();
            let Some((i, item)) = taken else { break };
            done.push((i, f(item)));
        }
        done
    };
    in_order(len, on_every_core(threads.min(len), &work))
}

/// Runs `work` on `threads` threads (this one among them), each returning what it did.
fn on_every_core<R: Send>(
    threads: usize,
    work: &(impl Fn() -> Vec<(usize, R)> + Sync),
) -> Vec<Vec<(usize, R)>> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut parts = vec![work()];
        for handle in handles {
            // A panic in a worker is a bug; surface it rather than lose results.
            match handle.join() {
                Ok(part) => parts.push(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        parts
    })
}

/// The results of `len` items, by item index, in input order.
fn in_order<R>(len: usize, parts: Vec<Vec<(usize, R)>>) -> Vec<R> {
    let mut slots: Vec<Option<R>> = (0..len).map(|_| None).collect();
    for (i, r) in parts.into_iter().flatten() {
        slots[i] = Some(r);
    }
    slots.into_iter().flatten().collect()
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
