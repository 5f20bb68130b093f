//! Work spread over the cores: a slice cut into contiguous chunks, one scoped thread per chunk,
//! each with its own state, results back in input order. Used where a plan of 1,000 services
//! spends its time: rendering services and `lstat`ing their files.

/// Threads for `n` jobs: one below `min` jobs (a thread costs more than it saves), else one
/// per core, at most 4.
pub fn threads_for(n: usize, min: usize) -> usize {
    // Asked once: it reads the affinity mask and cgroup files, and pick-up asks every tick.
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    match n < min {
        true => 1,
        false => *CORES
            .get_or_init(|| std::thread::available_parallelism().map_or(1, |c| c.get().min(4))),
    }
}

/// Runs `f` over `items` on `threads` threads; each chunk's state starts as `init()`. Returns
/// every chunk's outputs and final state, in input order (one chunk, on this thread, when
/// `threads` < 2). A panic in a worker is resumed here.
pub fn chunks<T, S, R>(
    items: &[T],
    threads: usize,
    init: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, &T) -> R + Sync,
) -> Vec<(Vec<R>, S)>
where
    T: Sync,
    S: Send,
    R: Send,
{
    let run = |part: &[T]| {
        let mut state = init();
        let out = part.iter().map(|t| f(&mut state, t)).collect();
        (out, state)
    };
    if threads < 2 || items.len() < 2 {
        return vec![run(items)];
    }
    let size = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(size)
            .map(|part| scope.spawn(|| run(part)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// [`chunks`] without per-chunk state: `f` over `items` on `threads` threads, in input order.
pub fn map<T: Sync, R: Send>(items: &[T], threads: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    chunks(items, threads, || (), |_, t| f(t))
        .into_iter()
        .flat_map(|(out, ())| out)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_keep_input_order_and_own_their_state() {
        let items: Vec<u32> = (0..101).collect();
        for threads in [1, 2, 3, 4] {
            let out = chunks(
                &items,
                threads,
                || 0u32,
                |n, i| {
                    *n += 1;
                    i * 2
                },
            );
            assert_eq!(out.len(), threads);
            let flat: Vec<u32> = out.iter().flat_map(|(r, _)| r.clone()).collect();
            assert_eq!(flat, items.iter().map(|i| i * 2).collect::<Vec<_>>());
            assert_eq!(out.iter().map(|(_, n)| n).sum::<u32>(), 101);
            assert_eq!(map(&items, threads, |i| i * 2), flat);
        }
    }
}
