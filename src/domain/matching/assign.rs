//! The assignment problem behind a run, solved with LAPJV.
use ndarray::Array2;

use super::MatchingError;

/// Maximum-cardinality, then maximum-score assignment of rows to columns;
/// `scores[r * cols + c]` is `None` where the pair is impossible. Returns
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
    scores: &[Option<i64>],
) -> Result<Vec<(usize, usize)>, MatchingError> {
    let possible = scores.iter().flatten();
    let (Some(&min), Some(&max)) = (possible.clone().min(), possible.max()) else {
        return Ok(Vec::new());
    };
    let n = rows.max(cols);
    let spread = max - min;
    let big = spread * n as i64 + 1;
    let mut costs = Array2::from_elem((n, n), (big + spread) as f64);
    for r in 0..rows {
        for c in 0..cols {
            if let Some(s) = scores[r * cols + c] {
                costs[(r, c)] = (max - s) as f64;
            }
        }
    }
    let (row_to_col, _) = lapjv::lapjv(&costs).map_err(|e| MatchingError::Solver(e.to_string()))?;
    Ok(row_to_col
        .into_iter()
        .enumerate()
        .filter(|&(r, c)| r < rows && c < cols && scores[r * cols + c].is_some())
        .collect())
}
