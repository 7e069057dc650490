//! Short random texts for tests that compare two ways of writing text: a fixed xorshift
//! sequence, so every run checks the same texts.

/// `count` texts of up to `max_len - 1` characters drawn from `pool`.
pub(crate) fn texts(pool: &[char], count: usize, max_len: usize) -> Vec<String> {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..count)
        .map(|_| {
            let len = (next() % max_len as u64) as usize;
            (0..len)
                .map(|_| pool[(next() % pool.len() as u64) as usize])
                .collect()
        })
        .collect()
}
