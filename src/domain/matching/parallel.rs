//! Work over every (row, column) pair of a big cohort, split by rows
//! across the machine's cores.
use std::ops::Range;

/// Cohorts with fewer pairs than this run on the calling thread alone.
const PARALLEL_PAIRS: usize = 100_000;

/// At most this many threads, however many cores there are.
const MAX_THREADS: usize = 4;

/// `work` over `0..rows` in consecutive ranges, one per thread when there
/// are at least [`PARALLEL_PAIRS`] pairs (`rows × cols`), and the results
/// in row order. The calling thread takes the first range.
pub(crate) fn by_rows<T: Send>(
    rows: usize,
    cols: usize,
    work: impl Fn(Range<usize>) -> T + Sync,
) -> Vec<T> {
    let threads = if rows.saturating_mul(cols) < PARALLEL_PAIRS {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_THREADS))
    };
    let each = rows.div_ceil(threads).max(1);
    let ranges: Vec<Range<usize>> = (0..rows)
        .step_by(each)
        .map(|start| start..(start + each).min(rows))
        .collect();
    let Some((first, rest)) = ranges.split_first() else {
        return Vec::new();
    };
    let work = &work;
    std::thread::scope(|s| {
        let others: Vec<_> = rest
            .iter()
            .map(|range| {
                let range = range.clone();
                s.spawn(move || work(range))
            })
            .collect();
        let mut results = vec![work(first.clone())];
        results.extend(others.into_iter().map(|handle| {
            handle
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p))
        }));
        results
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_is_worked_once_in_order_small_or_big() {
        for (rows, cols) in [(0, 5), (1, 1), (7, 3), (1_000, 1_000), (1_001, 500)] {
            let parts = by_rows(rows, cols, |range| range.collect::<Vec<usize>>());
            let all: Vec<usize> = parts.into_iter().flatten().collect();
            assert_eq!(all, (0..rows).collect::<Vec<_>>(), "{rows} x {cols}");
        }
    }
}
