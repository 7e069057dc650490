//! Declarations resolved on every core. A declaration resolves to what is its own (an
//! alert's rules, a query's parse), so a kind's declarations are split in runs, each resolved
//! by a resolver of its own (the same names, its own errors), and the runs joined in
//! declaration order: the results and errors are one resolver's, in the same order.

use super::Resolver;

impl<'a> Resolver<'a> {
    /// `items.iter().map(|item| resolve(self, item))`, on every core once there are `from`
    /// items or more (below that, threads would cost more than they save).
    pub(super) fn in_runs<T: Sync, R: Send>(
        &mut self,
        items: &[T],
        from: usize,
        resolve: impl Fn(&mut Resolver<'a>, &T) -> R + Sync,
    ) -> Vec<R> {
        if items.len() < from.max(2) {
            return items.iter().map(|item| resolve(self, item)).collect();
        }
        let base = self.fork();
        let done = crate::parallel::map(&super::runs(items.len()), |range| {
            let mut r = base.fork();
            let resolved: Vec<R> = items[range.clone()]
                .iter()
                .map(|item| resolve(&mut r, item))
                .collect();
            (resolved, r.errors)
        });
        let mut out = Vec::with_capacity(items.len());
        for (run, errors) in done {
            out.extend(run);
            self.errors.extend(errors);
        }
        out
    }
}
