//! The assignment problem behind a run: rows (free mentees) to columns
//! (mentors) of given capacities, the most pairs first, then the best total
//! score.
//!
//! It is a min-cost flow: each row sends one unit to the sink either
//! through a column it may pair with (cost `max − score`) or straight, left
//! unmatched, at a cost higher than any set of pairs can differ by, so one
//! more pair always beats any gain in score. It is solved primal–dual (see
//! [`Flow`]) over candidate pairs only: each row's best columns and each
//! column's best rows. The node potentials the solve ends with are then a
//! proof of optimality over every possible pair: a flow is optimal when no
//! residual edge has a negative reduced cost, and the pairs left out carry
//! no flow, so each is checked once. When some fail the check, they become
//! candidates (every few rounds the candidates are also chosen again with
//! the columns' potentials as prices) and the solve goes on from the flow
//! and potentials it had; the candidates only grow, so it ends at the
//! optimum of the whole problem, at worst with every pair a candidate.
//!
//! The first solve scales the costs: it solves with them divided by 8 (or
//! 64, and so on, until their spread is small), where prices settle in few
//! phases, and refines that flow level by level down to the costs
//! themselves. The check over every pair and the choice of candidates are
//! split across the cores.
//!
//! Scores are small whole numbers, so every cost is exact. Ties are broken
//! in a fixed order, so the same input always gives the same pairs. The
//! dense LAPJV solve (the `lapjv` crate) this replaced is the reference the
//! tests hold it to. It needed a square matrix with a column per mentor
//! slot (32 MB of costs for 2,000 mentees, 128 MB for 4,000); this keeps a
//! few dozen pairs per mentee, and whole runs through the API now take
//! under half the time they did with it (README, Benchmarks).
use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::parallel;

/// Each row's best columns kept as candidates.
const ROW_CANDIDATES: usize = 12;
/// Each column's best rows, added so that no column is left without any.
const COLUMN_CANDIDATES: usize = 4;
/// Every this many rounds whose proof fails, the candidates are chosen
/// again with the last solve's prices (besides the pairs that failed it).
const RESELECT_EVERY: usize = 4;

/// A fixed, scrambled order among equal scores.
fn tie_break(r: usize, c: usize) -> u32 {
    (((r as u64) << 32 | c as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as u32
}

/// Maximum-cardinality, then maximum-score assignment of rows to columns
/// where column `c` takes at most `capacity[c]` rows; `score(r, c)` is
/// `None` where the pair is impossible, and fits in 16 bits (as a run's
/// scores do). Returns (row, column) pairs by row.
pub(crate) fn assign(
    rows: usize,
    capacity: &[u32],
    score: impl Fn(usize, usize) -> Option<i64> + Sync,
) -> Vec<(usize, usize)> {
    assign_with::<ROW_CANDIDATES, COLUMN_CANDIDATES>(rows, capacity, score)
}

/// [`assign`] with `R` candidates per row and `C` per column (the tests
/// use few, to make the proof fail and the solve go on many times).
fn assign_with<const R: usize, const C: usize>(
    rows: usize,
    capacity: &[u32],
    score: impl Fn(usize, usize) -> Option<i64> + Sync,
) -> Vec<(usize, usize)> {
    let cols = capacity.len();
    let possible = Dense::new(rows, cols, |r, c| {
        if capacity[c] == 0 { None } else { score(r, c) }
    });
    let zero = vec![0; cols];
    let Some((mut candidates, costs)) = Candidates::best::<R, C>(rows, cols, &possible, &zero)
    else {
        return Vec::new();
    };
    let mut state = scaled_solve(&candidates, capacity, costs.unmatched);
    let mut round = 0;
    loop {
        round += 1;
        // The first round's solve is done; each later one starts from the
        // last one's flow and potentials.
        let flow = Flow::resume(&candidates, capacity, costs.unmatched, state);
        let missed = flow.violations(&costs, &possible);
        if missed.is_empty() {
            return flow.pairs();
        }
        // The pairs that failed the proof become candidates. Every few
        // rounds the candidates are also chosen again with the prices this
        // solve found (each column's potential), in case the proof keeps
        // failing on a few pairs at a time. The candidates only grow, so
        // this ends.
        let prices = (round % RESELECT_EVERY == 0).then(|| flow.column_potentials().to_vec());
        state = flow.into_state();
        if let Some(prices) = prices
            && let Some((again, _)) = Candidates::best::<R, C>(rows, cols, &possible, &prices)
        {
            candidates.merge(again);
        }
        candidates.add(missed);
    }
}

/// How many bits each coarser level of costs drops.
const LEVEL_BITS: u32 = 3;
/// Costs are made coarser until their spread is at most this.
const COARSEST_SPREAD: i64 = 16;

/// The first solve's start, by cost scaling: the candidates solved with
/// their costs divided by 2^k (rounded down), whose spread is small, so
/// the prices settle in few phases; that flow and its potentials, scaled
/// up, start the solve with costs divided by 2^(k−3), and so on down to the
/// costs themselves. Each level only moves the rows whose edges its finer
/// costs made cheaper than their place (see [`State::refine`]).
fn scaled_solve(candidates: &Candidates, capacity: &[u32], unmatched: i64) -> State {
    let spread = candidates
        .rows
        .iter()
        .flatten()
        .map(|&(_, cost)| cost)
        .max()
        .unwrap_or(0);
    let mut shift = 0;
    while spread >> shift > COARSEST_SPREAD {
        shift += LEVEL_BITS;
    }
    if shift == 0 {
        return Flow::solve(candidates, capacity, unmatched).into_state();
    }
    let coarse = candidates.scaled_down(shift);
    let mut state = Flow::solve(&coarse, capacity, unmatched >> shift).into_state();
    while shift > 0 {
        let finer_shift = shift - LEVEL_BITS;
        let finer = candidates.scaled_down(finer_shift);
        let finer_unmatched = unmatched >> finer_shift;
        state = state.refine(&finer, LEVEL_BITS, finer_unmatched);
        state = Flow::resume(&finer, capacity, finer_unmatched, state).into_state();
        shift = finer_shift;
    }
    state
}

/// Every pair's score in one block, row by row, [`Dense::NONE`] where the
/// pair is impossible: read once through the caller's function, then
/// scanned as plain memory by the choice of candidates and each proof.
struct Dense {
    cols: usize,
    cells: Vec<i16>,
}

impl Dense {
    const NONE: i16 = i16::MIN;

    /// Scores must fit in 16 bits (a run's do: see `solve`'s `Cell`).
    fn new(rows: usize, cols: usize, score: impl Fn(usize, usize) -> Option<i64> + Sync) -> Dense {
        let parts = parallel::by_rows(rows, cols, |part| {
            let mut cells = Vec::with_capacity(part.len() * cols);
            for r in part {
                cells.extend((0..cols).map(|c| {
                    match score(r, c) {
                        Some(s) => i16::try_from(s)
                            .ok()
                            .filter(|&s| s != Dense::NONE)
                            .expect("a pair's score fits in 16 bits"),
                        None => Dense::NONE,
                    }
                }));
            }
            cells
        });
        Dense {
            cols,
            cells: parts.concat(),
        }
    }

    /// Row `r`'s possible pairs as (column, score).
    fn row(&self, r: usize) -> impl Iterator<Item = (usize, i64)> + '_ {
        self.cells[r * self.cols..(r + 1) * self.cols]
            .iter()
            .enumerate()
            .filter(|&(_, &s)| s != Dense::NONE)
            .map(|(c, &s)| (c, i64::from(s)))
    }
}

/// Scores turned into costs to minimise.
struct Costs {
    /// The highest score of any possible pair: a pair's cost is
    /// `max − score`.
    max: i64,
    /// The cost of leaving a row unmatched: more than the costs of all the
    /// pairs an assignment can hold together.
    unmatched: i64,
}

impl Costs {
    fn cost(&self, score: i64) -> i64 {
        self.max - score
    }
}

/// A pair ranked for the candidates: (−score less the price, tie break,
/// the other side's index); lowest first.
type Entry = (i64, u32, u32);

/// The slot no entry fills.
const EMPTY: Entry = (i64::MAX, u32::MAX, u32::MAX);

/// Keeps `entry` in `kept` (sorted, lowest first) if it is among the
/// lowest `C`.
fn keep<const C: usize>(kept: &mut [Entry; C], entry: Entry) {
    if entry < kept[C - 1] {
        let at = kept.partition_point(|k| *k < entry);
        kept.copy_within(at..C - 1, at + 1);
        kept[at] = entry;
    }
}

/// The pairs the solve may use: row `r`'s (column, cost) in one block.
struct Candidates {
    rows: Vec<Vec<(u32, i64)>>,
}

impl Candidates {
    /// Each row's `R` best columns and each column's `C` best rows (ties
    /// in a fixed scrambled order), with the
    /// costs; `None` when no pair is possible. One pass over the pairs.
    fn best<const R: usize, const C: usize>(
        rows: usize,
        cols: usize,
        possible: &Dense,
        prices: &[i64],
    ) -> Option<(Candidates, Costs)> {
        // Highest score first, equal scores in a fixed scrambled order
        // (not by index, or every row would pick the same few columns
        // among its equals): entries are (−score, tie, index). Rows are
        // split across the cores, each part keeping its own best rows per
        // column, merged after.
        let parts = parallel::by_rows(rows, cols, |part| {
            let mut best_rows = vec![[EMPTY; C]; cols];
            let mut lists: Vec<Vec<Entry>> = Vec::with_capacity(part.len());
            let (mut min, mut max) = (i64::MAX, i64::MIN);
            let mut row: Vec<Entry> = Vec::with_capacity(cols);
            for r in part {
                row.clear();
                // The worst entry kept once the row has had R better ones:
                // nothing at or above it can make the cut (keys are unique,
                // so the kept set is exactly the best ones).
                let mut worst = EMPTY;
                for (c, s) in possible.row(r) {
                    (min, max) = (min.min(s), max.max(s));
                    let tie = tie_break(r, c);
                    let key = -s - prices[c];
                    keep(&mut best_rows[c], (key, tie, r as u32));
                    let entry = (key, tie, c as u32);
                    if entry < worst {
                        row.push(entry);
                        if row.len() == 2 * R {
                            row.select_nth_unstable(R - 1);
                            row.truncate(R);
                            worst = row[R - 1];
                        }
                    }
                }
                if row.len() > R {
                    row.select_nth_unstable(R - 1);
                    row.truncate(R);
                }
                lists.push(row.clone());
            }
            (lists, best_rows, min, max)
        });
        let mut best_rows = vec![[EMPTY; C]; cols];
        let mut lists: Vec<Vec<Entry>> = Vec::with_capacity(rows);
        let (mut min, mut max) = (i64::MAX, i64::MIN);
        for (part_lists, part_best, part_min, part_max) in parts {
            lists.extend(part_lists);
            (min, max) = (min.min(part_min), max.max(part_max));
            for (kept, theirs) in best_rows.iter_mut().zip(part_best) {
                for entry in theirs.into_iter().take_while(|k| *k != EMPTY) {
                    keep(kept, entry);
                }
            }
        }
        if min > max {
            return None;
        }
        for (c, kept) in best_rows.iter().enumerate() {
            for &(key, tie, r) in kept.iter().take_while(|k| **k != EMPTY) {
                let list = &mut lists[r as usize];
                if !list.iter().any(|&(_, _, col)| col as usize == c) {
                    list.push((key, tie, c as u32));
                }
            }
        }
        let costs = Costs {
            max,
            unmatched: (max - min) * (rows as i64 + 1) + 1,
        };
        let rows = lists
            .into_iter()
            .map(|mut list| {
                // Best first: the solve tries them in this order.
                list.sort_unstable();
                list.into_iter()
                    .map(|(key, _, c)| (c, costs.cost(-key - prices[c as usize])))
                    .collect()
            })
            .collect();
        Some((Candidates { rows }, costs))
    }

    /// The same pairs with each cost divided by 2^`shift`, rounded down.
    fn scaled_down(&self, shift: u32) -> Candidates {
        let rows = self
            .rows
            .iter()
            .map(|list| list.iter().map(|&(c, cost)| (c, cost >> shift)).collect());
        Candidates {
            rows: rows.collect(),
        }
    }

    /// Adds `other`'s pairs not held yet.
    fn merge(&mut self, other: Candidates) {
        for (r, list) in other.rows.into_iter().enumerate() {
            for (c, cost) in list {
                if !self.has(r, c as usize) {
                    self.rows[r].push((c, cost));
                }
            }
        }
    }

    fn add(&mut self, missed: Vec<(usize, u32, i64)>) {
        for (r, c, cost) in missed {
            if !self.has(r, c as usize) {
                self.rows[r].push((c, cost));
            }
        }
    }

    fn has(&self, r: usize, c: usize) -> bool {
        self.rows[r].iter().any(|&(col, _)| col as usize == c)
    }

    fn cost(&self, r: usize, c: usize) -> i64 {
        self.rows[r]
            .iter()
            .find(|&&(col, _)| col as usize == c)
            .map(|&(_, cost)| cost)
            .expect("a path's pair is a candidate")
    }
}

/// Where a row's unit of flow goes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    /// Not yet routed.
    Waiting,
    Column(u32),
    Unmatched,
}

/// A flow's state, kept from one solve to the next (whose candidates only
/// add to the last one's).
struct State {
    place: Vec<Place>,
    /// Each column's rows, with the pair's cost.
    holders: Vec<Vec<(u32, i64)>>,
    /// The units each column sends on to the sink. A column holding fewer
    /// rows than that (after a row left it) waits for a unit: a deficit.
    out: Vec<u32>,
    /// Units the sink waits for (rows that left it).
    demand: usize,
    /// Node potentials: every residual edge u → v of cost c has a reduced
    /// cost `c + potential[u] − potential[v] ≥ 0`.
    potential: Vec<i64>,
}

impl State {
    /// A solve's state over costs divided by 2^`bits` more than `finer`'s,
    /// made a start for `finer` (whose cost of leaving a row unmatched is
    /// `unmatched`): the potentials multiplied by 2^`bits`, the costs the
    /// columns hold replaced, and each placed row's potential set to make
    /// its place cost nothing again. The columns' and the sink's edges keep
    /// a reduced cost of 0 or more (their costs are 0 or their rows'
    /// places); a row's other edges may fall below 0, which
    /// [`Flow::release_violated`] then mends by letting the row go.
    fn refine(mut self, finer: &Candidates, bits: u32, unmatched: i64) -> State {
        let rows = self.place.len();
        let sink = self.potential.len() - 1;
        for p in &mut self.potential {
            *p <<= bits;
        }
        for (c, held) in self.holders.iter_mut().enumerate() {
            for (r, cost) in held.iter_mut() {
                *cost = finer.cost(*r as usize, c);
            }
        }
        for r in 0..rows {
            match self.place[r] {
                Place::Column(c) => {
                    let c = c as usize;
                    self.potential[r] = self.potential[rows + c] - finer.cost(r, c);
                }
                Place::Unmatched => self.potential[r] = self.potential[sink] - unmatched,
                Place::Waiting => {}
            }
        }
        self
    }
}

/// A min-cost flow over the candidates: nodes are the rows, then the
/// columns, then the sink. Solved primal–dual: each phase finds the
/// shortest distances from every row still waiting (one Dijkstra, on
/// reduced costs) to the nearest node waiting for a unit (the sink, or a
/// column a row left), moves the potentials so that the shortest paths
/// cost nothing, and routes as many waiting rows as it can along such
/// paths. Scores are small whole numbers with many ties, so a phase routes
/// many rows at once; the prices rise by at least one per phase, which is
/// why the first solve starts on coarser costs ([`scaled_solve`]).
///
/// A later solve, over more candidates, starts from the last one's flow
/// and potentials: only the rows with a new candidate of negative reduced
/// cost leave their place (their column, or the sink, then waits for a
/// unit), so the potentials hold for every edge and only those rows are
/// routed again.
struct Flow<'a> {
    candidates: &'a Candidates,
    capacity: &'a [u32],
    unmatched: i64,
    state: State,
}

impl<'a> Flow<'a> {
    /// Solves from nothing.
    fn solve(candidates: &'a Candidates, capacity: &'a [u32], unmatched: i64) -> Flow<'a> {
        let rows = candidates.rows.len();
        let state = State {
            place: vec![Place::Waiting; rows],
            holders: capacity
                .iter()
                .map(|&c| Vec::with_capacity(c as usize))
                .collect(),
            out: vec![0; capacity.len()],
            demand: 0,
            potential: vec![0; rows + capacity.len() + 1],
        };
        let mut flow = Flow {
            candidates,
            capacity,
            unmatched,
            state,
        };
        flow.reduce_rows();
        flow.run();
        flow
    }

    /// Solves again from `state`, a solve over fewer candidates.
    fn resume(
        candidates: &'a Candidates,
        capacity: &'a [u32],
        unmatched: i64,
        state: State,
    ) -> Flow<'a> {
        let mut flow = Flow {
            candidates,
            capacity,
            unmatched,
            state,
        };
        flow.release_violated();
        flow.run();
        flow
    }

    fn into_state(self) -> State {
        self.state
    }

    /// Phases until every row is routed.
    fn run(&mut self) {
        let rows = self.rows();
        let mut search = Search::new(self.state.potential.len());
        let mut seen = vec![false; self.state.potential.len()];
        loop {
            let waiting: Vec<usize> = (0..rows)
                .filter(|&r| self.state.place[r] == Place::Waiting)
                .collect();
            if waiting.is_empty() {
                return;
            }
            self.shortest_distances(&waiting, &mut search);
            // Route rows along paths of reduced cost 0 until none is left
            // (each pass skips the dead ends of the pass).
            loop {
                seen.fill(false);
                let mut routed = false;
                for &r in &waiting {
                    if self.state.place[r] == Place::Waiting && self.route(r, &mut seen) {
                        routed = true;
                    }
                }
                if !routed {
                    break;
                }
            }
        }
    }

    fn rows(&self) -> usize {
        self.state.place.len()
    }

    fn sink(&self) -> usize {
        self.state.potential.len() - 1
    }

    fn reduced(&self, cost: i64, from: usize, to: usize) -> i64 {
        cost + self.state.potential[from] - self.state.potential[to]
    }

    /// Whether node `v` waits for a unit: the sink with demand, or a column
    /// holding fewer rows than it sends on.
    fn is_target(&self, v: usize) -> bool {
        let rows = self.rows();
        if v == self.sink() {
            self.state.demand > 0
        } else if v >= rows {
            let c = v - rows;
            (self.state.holders[c].len() as u32) < self.state.out[c]
        } else {
            false
        }
    }

    /// Each row's potential makes its cheapest candidates (cost less the
    /// column's potential) tight, every other edge of the row keeping a
    /// reduced cost of 0 or more, and the row takes the first of them with
    /// room, if any. The rows left waiting are the sink's demand.
    fn reduce_rows(&mut self) {
        let rows = self.rows();
        let state = &mut self.state;
        let (row_potential, others) = state.potential.split_at_mut(rows);
        for (r, list) in self.candidates.rows.iter().enumerate() {
            let price = |&(c, cost): &(u32, i64)| cost - others[c as usize];
            let Some(cheapest) = list.iter().map(price).min() else {
                state.demand += 1;
                continue;
            };
            row_potential[r] = -cheapest;
            let room = |c: u32| state.out[c as usize] < self.capacity[c as usize];
            let tight = list.iter().filter(|e| price(e) == cheapest);
            match tight.into_iter().find(|&&(c, _)| room(c)) {
                Some(&(c, cost)) => {
                    state.holders[c as usize].push((r as u32, cost));
                    state.out[c as usize] += 1;
                    state.place[r] = Place::Column(c);
                }
                None => state.demand += 1,
            }
        }
    }

    /// Before a later solve: every row with an edge of negative reduced
    /// cost (a new candidate better than its place) leaves its place and
    /// waits, its potential raised so that its edges cost 0 or more; its
    /// column (or the sink) then waits for a unit. Nothing else changes,
    /// so every residual edge keeps a reduced cost of 0 or more.
    fn release_violated(&mut self) {
        let rows = self.rows();
        let sink = self.sink();
        for r in 0..rows {
            let place = self.state.place[r];
            let mut highest = match place {
                Place::Unmatched => i64::MIN,
                _ => self.state.potential[sink] - self.unmatched,
            };
            for &(c, cost) in &self.candidates.rows[r] {
                if place != Place::Column(c) {
                    highest = highest.max(self.state.potential[rows + c as usize] - cost);
                }
            }
            if highest <= self.state.potential[r] {
                continue;
            }
            match place {
                Place::Column(c) => {
                    let held = &mut self.state.holders[c as usize];
                    if let Some(at) = held.iter().position(|&(h, _)| h as usize == r) {
                        held.swap_remove(at);
                    }
                }
                Place::Unmatched => self.state.demand += 1,
                Place::Waiting => {}
            }
            self.state.place[r] = Place::Waiting;
            // Its edge to the sink too, now that it has one.
            self.state.potential[r] = highest.max(self.state.potential[sink] - self.unmatched);
        }
    }

    fn column_potentials(&self) -> &[i64] {
        &self.state.potential[self.rows()..self.sink()]
    }

    /// The residual edges out of `u` as (node, cost): a row to its
    /// candidate columns (but the one it holds) and, unless left
    /// unmatched, to the sink; a column back to each row it holds and,
    /// with room left, to the sink; the sink back to each column that
    /// sends it units and each row left unmatched.
    fn edges(&self, u: usize, mut each: impl FnMut(usize, i64)) {
        let rows = self.rows();
        let state = &self.state;
        if u < rows {
            for &(c, cost) in &self.candidates.rows[u] {
                if state.place[u] != Place::Column(c) {
                    each(rows + c as usize, cost);
                }
            }
            if state.place[u] != Place::Unmatched {
                each(self.sink(), self.unmatched);
            }
        } else if u < self.sink() {
            let c = u - rows;
            for &(r, cost) in &state.holders[c] {
                each(r as usize, -cost);
            }
            if state.out[c] < self.capacity[c] {
                each(self.sink(), 0);
            }
        } else {
            for (c, &out) in state.out.iter().enumerate() {
                if out > 0 {
                    each(rows + c, 0);
                }
            }
            for (r, place) in state.place.iter().enumerate() {
                if *place == Place::Unmatched {
                    each(r, -self.unmatched);
                }
            }
        }
    }

    /// Dijkstra from every waiting row at once to the nearest node waiting
    /// for a unit, then the potentials of the nodes settled closer than it
    /// move by their distance less its; the others keep theirs. Reduced
    /// costs stay at 0 or more and every shortest path to a waiting node
    /// now has a reduced cost of 0.
    fn shortest_distances(&mut self, waiting: &[usize], search: &mut Search) {
        for &r in waiting {
            search.relax(r, 0);
        }
        let mut nearest = None;
        while let Some((d, u)) = search.next() {
            if self.is_target(u) {
                nearest = Some(d);
                break;
            }
            self.edges(u, |v, cost| search.relax(v, d + self.reduced(cost, u, v)));
        }
        // A node always waits for the units of the waiting rows (their
        // old flow reached them), so the search always finds one.
        let nearest = nearest.expect("a waiting row reaches a node waiting for a unit");
        for &v in &search.touched {
            if search.done[v] && search.dist[v] < nearest {
                self.state.potential[v] += search.dist[v] - nearest;
            }
        }
        search.reset();
    }

    /// Routes row `r` to a node waiting for a unit along edges of reduced
    /// cost 0, if such a path avoids every node `seen` (a depth-first
    /// search; the dead ends it meets stay marked). Returns whether it
    /// did.
    fn route(&mut self, r: usize, seen: &mut [bool]) -> bool {
        // The path so far, each node with the next edge to try.
        let mut path: Vec<(usize, usize)> = vec![(r, 0)];
        seen[r] = true;
        while let Some(&(u, next)) = path.last() {
            let mut step = None;
            let mut k = 0;
            self.edges(u, |v, cost| {
                if step.is_none()
                    && k >= next
                    && (!seen[v] || self.is_target(v))
                    && self.reduced(cost, u, v) == 0
                {
                    step = Some((k, v));
                }
                k += 1;
            });
            match step {
                None => {
                    path.pop();
                }
                Some((_, v)) if self.is_target(v) => {
                    path.push((v, 0));
                    self.augment(&path);
                    // The path's nodes have new edges now: not dead ends.
                    for &(u, _) in &path {
                        seen[u] = false;
                    }
                    return true;
                }
                Some((k, v)) => {
                    path.last_mut().expect("the path holds u").1 = k + 1;
                    seen[v] = true;
                    path.push((v, 0));
                }
            }
        }
        false
    }

    /// Moves one unit along `path`, from a waiting row to a node waiting
    /// for it.
    fn augment(&mut self, path: &[(usize, usize)]) {
        let rows = self.rows();
        let sink = self.sink();
        for pair in path.windows(2) {
            let (u, v) = (pair[0].0, pair[1].0);
            let state = &mut self.state;
            match (u < rows, v < rows) {
                // A row takes a column, or is left unmatched.
                (true, false) if v == sink => state.place[u] = Place::Unmatched,
                (true, false) => {
                    let c = v - rows;
                    let cost = self.candidates.cost(u, c);
                    state.place[u] = Place::Column(c as u32);
                    state.holders[c].push((u as u32, cost));
                }
                // The sink gives back an unmatched row's unit (the row's
                // next step places it).
                (false, true) if u == sink => {}
                // A column lets a row go.
                (false, true) => {
                    let held = &mut state.holders[u - rows];
                    if let Some(at) = held.iter().position(|&(r, _)| r as usize == v) {
                        held.swap_remove(at);
                    }
                }
                // A column sends one more unit to the sink, or one fewer.
                (false, false) if v == sink => state.out[u - rows] += 1,
                (false, false) => state.out[v - rows] -= 1,
                (true, true) => unreachable!("a row reaches a row only through a column"),
            }
        }
        let end = path.last().expect("a path ends somewhere").0;
        if end == sink {
            self.state.demand -= 1;
        }
    }

    /// The possible pairs outside the candidates with a negative reduced
    /// cost: none means the flow is optimal over every pair.
    fn violations(&self, costs: &Costs, possible: &Dense) -> Vec<(usize, u32, i64)> {
        let rows = self.rows();
        let cols = self.capacity.len();
        let parts = parallel::by_rows(rows, cols, |part| {
            let mut missed = Vec::new();
            for r in part {
                for (c, s) in possible.row(r) {
                    let cost = costs.cost(s);
                    if self.reduced(cost, r, rows + c) < 0 && !self.candidates.has(r, c) {
                        missed.push((r, c as u32, cost));
                    }
                }
            }
            missed
        });
        parts.concat()
    }

    fn pairs(&self) -> Vec<(usize, usize)> {
        self.state
            .place
            .iter()
            .enumerate()
            .filter_map(|(r, p)| match p {
                Place::Column(c) => Some((r, *c as usize)),
                _ => None,
            })
            .collect()
    }
}

/// One Dijkstra's working state, reset after each.
struct Search {
    dist: Vec<i64>,
    done: Vec<bool>,
    touched: Vec<usize>,
    heap: BinaryHeap<Reverse<(i64, usize)>>,
}

impl Search {
    fn new(nodes: usize) -> Search {
        Search {
            dist: vec![i64::MAX; nodes],
            done: vec![false; nodes],
            touched: Vec::new(),
            heap: BinaryHeap::new(),
        }
    }

    fn relax(&mut self, v: usize, d: i64) {
        if d < self.dist[v] {
            if self.dist[v] == i64::MAX {
                self.touched.push(v);
            }
            self.dist[v] = d;
            self.heap.push(Reverse((d, v)));
        }
    }

    /// The nearest node not settled yet, settled.
    fn next(&mut self) -> Option<(i64, usize)> {
        while let Some(Reverse((d, u))) = self.heap.pop() {
            if !self.done[u] && d == self.dist[u] {
                self.done[u] = true;
                return Some((d, u));
            }
        }
        None
    }

    fn reset(&mut self) {
        for &v in &self.touched {
            self.dist[v] = i64::MAX;
            self.done[v] = false;
        }
        self.touched.clear();
        self.heap.clear();
    }
}

#[cfg(test)]
mod tests {
    use ndarray::Array2;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    use super::*;

    /// The dense solve this one replaced: LAPJV over one column per slot,
    /// with the same costs. Returns (pairs, total score).
    fn dense(
        rows: usize,
        capacity: &[u32],
        score: &dyn Fn(usize, usize) -> Option<i64>,
    ) -> (usize, i64) {
        let slots: Vec<usize> = (0..capacity.len())
            .flat_map(|c| std::iter::repeat_n(c, capacity[c] as usize))
            .collect();
        let s = |r: usize, k: usize| score(r, slots[k]);
        let cells = || (0..rows).flat_map(|r| (0..slots.len()).map(move |k| (r, k)));
        let Some((min, max)) =
            cells()
                .filter_map(|(r, k)| s(r, k))
                .fold(None, |acc, v| match acc {
                    None => Some((v, v)),
                    Some((lo, hi)) => Some((v.min(lo), v.max(hi))),
                })
        else {
            return (0, 0);
        };
        let n = rows.max(slots.len());
        let spread = max - min;
        let big = spread * n as i64 + 1;
        let mut costs = Array2::from_elem((n, n), (big + spread) as f64);
        for (r, k) in cells() {
            if let Some(v) = s(r, k) {
                costs[(r, k)] = (max - v) as f64;
            }
        }
        let (row_to_col, _) = lapjv::lapjv(&costs).expect("lapjv solves");
        let pairs: Vec<i64> = row_to_col
            .into_iter()
            .enumerate()
            .filter(|&(r, k)| r < rows && k < slots.len())
            .filter_map(|(r, k)| s(r, k))
            .collect();
        (pairs.len(), pairs.iter().sum())
    }

    fn totals(
        pairs: &[(usize, usize)],
        score: &dyn Fn(usize, usize) -> Option<i64>,
    ) -> (usize, i64) {
        let total = pairs
            .iter()
            .map(|&(r, c)| score(r, c).expect("a possible pair"))
            .sum();
        (pairs.len(), total)
    }

    /// Random capacities below `capacities` and a table of scores (row by
    /// row), each pair possible with probability `density`, its score
    /// drawn by `score`.
    fn random_problem(
        rng: &mut StdRng,
        (rows, cols): (usize, usize),
        capacities: u32,
        density: f64,
        score: impl Fn(&mut StdRng) -> i64,
    ) -> (Vec<u32>, Vec<Option<i64>>) {
        let capacity = (0..cols).map(|_| rng.random_range(0..capacities)).collect();
        let table = (0..rows * cols)
            .map(|_| rng.random_bool(density).then(|| score(rng)))
            .collect();
        (capacity, table)
    }

    #[test]
    fn it_finds_the_dense_solvers_optimum_on_random_tied_problems() {
        let mut rng = StdRng::seed_from_u64(16);
        for round in 0..300 {
            let rows = rng.random_range(0..40);
            let cols = rng.random_range(0..25);
            // Few distinct scores (many ties) and some impossible pairs.
            let levels = rng.random_range(1..6);
            let density = rng.random_range(0.05..1.0);
            let (capacity, table) = random_problem(&mut rng, (rows, cols), 4, density, |rng| {
                rng.random_range(0..levels) * 7
            });
            let score = |r: usize, c: usize| table[r * cols + c];
            let pairs = assign(rows, &capacity, score);
            assert_optimal(round, rows, &capacity, &score, &pairs);
        }
    }

    /// `pairs` place each row once at most, fill no column past its
    /// capacity, and have the dense solver's number of pairs and total.
    fn assert_optimal(
        round: usize,
        rows: usize,
        capacity: &[u32],
        score: &dyn Fn(usize, usize) -> Option<i64>,
        pairs: &[(usize, usize)],
    ) {
        let mut load = vec![0u32; capacity.len()];
        let mut seen = vec![false; rows];
        for &(r, c) in pairs {
            assert!(!seen[r], "round {round}: row {r} placed twice");
            seen[r] = true;
            load[c] += 1;
            assert!(
                load[c] <= capacity[c],
                "round {round}: column {c} over capacity"
            );
        }
        assert_eq!(
            totals(pairs, score),
            dense(rows, capacity, score),
            "round {round}"
        );
    }

    #[test]
    fn choosing_the_candidates_again_and_again_still_ends_at_the_optimum() {
        // One candidate per row and per column: almost every solve fails
        // its proof, round after round, and every fourth round the
        // candidates are chosen again with its prices.
        let mut rng = StdRng::seed_from_u64(61);
        for round in 0..150 {
            let rows = rng.random_range(1..30);
            let cols = rng.random_range(1..15);
            let (capacity, table) = random_problem(&mut rng, (rows, cols), 3, 0.7, |rng| {
                rng.random_range(0..4) * 5
            });
            let score = |r: usize, c: usize| table[r * cols + c];
            let pairs = assign_with::<1, 1>(rows, &capacity, score);
            assert_optimal(round, rows, &capacity, &score, &pairs);
        }
    }

    #[test]
    fn wide_scores_solved_level_by_level_still_end_at_the_optimum() {
        // Spreads of 20, 200 and 4,000: one to three coarser levels before
        // the costs themselves, some rounds with few candidates as well.
        let mut rng = StdRng::seed_from_u64(616);
        for round in 0..200 {
            let rows = rng.random_range(1..40);
            let cols = rng.random_range(1..20);
            let spread = [20, 200, 4_000][round % 3];
            let density = rng.random_range(0.1..1.0);
            let (capacity, table) = random_problem(&mut rng, (rows, cols), 4, density, |rng| {
                rng.random_range(0..=spread)
            });
            let score = |r: usize, c: usize| table[r * cols + c];
            let pairs = match round % 2 {
                0 => assign(rows, &capacity, score),
                _ => assign_with::<2, 1>(rows, &capacity, score),
            };
            assert_optimal(round, rows, &capacity, &score, &pairs);
        }
    }

    #[test]
    fn pairs_outside_the_first_candidates_are_found_when_they_are_needed() {
        // Every row prefers column 0 (capacity 1); the rest are worth less
        // and only reachable beyond each row's first candidates.
        let rows = 30;
        let capacity = vec![1u32; 31];
        let score = |r: usize, c: usize| Some(if c == 0 { 100 } else { (r + c) as i64 % 5 });
        let pairs = assign(rows, &capacity, score);
        assert_eq!(pairs.len(), rows);
        assert_optimal(0, rows, &capacity, &score, &pairs);
    }

    #[test]
    fn no_possible_pair_gives_no_pairs() {
        assert!(assign(3, &[2, 1], |_, _| None).is_empty());
        assert!(assign(3, &[0, 0], |_, _| Some(5)).is_empty());
        assert!(assign(0, &[], |_, _| Some(5)).is_empty());
    }
}
