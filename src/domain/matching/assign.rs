//! The assignment problem behind a run, solved with LAPJV.
use ndarray::Array2;

use super::MatchingError;

/// Maximum-cardinality, then maximum-score assignment of rows to columns;
/// `score(r, c)` is `None` where the pair is impossible. Returns
/// (row, column) pairs by row, impossible ones dropped.
///
/// Each possible pair is worth BIG + (score − min) and an impossible one 0,
/// with BIG larger than the widest score difference a whole assignment can
/// show, so one more pair always beats any gain in score. LAPJV minimises,
/// so the cost is the largest worth minus the worth: `max − score` for a
/// possible pair, `BIG + spread` for an impossible one and for the padding
/// that makes the matrix square. Costs are whole numbers far below 2^53, so
/// the floating-point solver works exactly.
pub(crate) fn assign(
    rows: usize,
    cols: usize,
    score: impl Fn(usize, usize) -> Option<i64>,
) -> Result<Vec<(usize, usize)>, MatchingError> {
    let cells = || (0..rows).flat_map(|r| (0..cols).map(move |c| (r, c)));
    let possible = cells().filter_map(|(r, c)| score(r, c));
    let Some((min, max)) = possible.fold(None, |acc, s| match acc {
        None => Some((s, s)),
        Some((lo, hi)) => Some((s.min(lo), s.max(hi))),
    }) else {
        return Ok(Vec::new());
    };
    let n = rows.max(cols);
    let spread = max - min;
    let big = spread * n as i64 + 1;
    let mut costs = Array2::from_elem((n, n), (big + spread) as f64);
    for (r, c) in cells() {
        if let Some(s) = score(r, c) {
            costs[(r, c)] = (max - s) as f64;
        }
    }
    let (row_to_col, _) = lapjv::lapjv(&costs).map_err(|e| MatchingError::Solver(e.to_string()))?;
    drop(costs);
    Ok(row_to_col
        .into_iter()
        .enumerate()
        .filter(|&(r, c)| r < rows && c < cols && score(r, c).is_some())
        .collect())
}
