//! What a run optimises, once the pins are placed.
//!
//! `total`: the most pairs, then the highest total score: one call of the
//! assignment solver ([`assign`]).
//!
//! `fair`: the most pairs, then the highest lowest pair score (pins
//! included), then the highest total. The lowest score is found first: the
//! largest number of pairs is a plain bipartite b-matching
//! (Hopcroft–Karp with mentor capacities, no scores), so a binary search
//! over the distinct pair scores finds the highest threshold at which that
//! many pairs can still be formed using only pairs at or above it. The
//! assignment solver then runs once, as a black box, with the pairs below
//! the threshold forbidden: it returns the most pairs (the same number) and
//! the best total among them. Every step is exact and deterministic.
use std::collections::VecDeque;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::assign::assign;

/// What a run optimises after the number of pairs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// The highest total score.
    #[default]
    Total,
    /// The highest lowest pair score, then the highest total.
    Fair,
}

/// Solves the free part of a run. Rows are free mentees; `capacity[j]` is
/// how many mentor `j` may still take; `score(row, mentor)` is `None` where
/// the pair is impossible. `floor` is the lowest score among the pinned
/// pairs, which the fair objective need not beat. Returns (row, mentor)
/// pairs as [`assign`] does.
pub(crate) fn solve(
    objective: Objective,
    floor: Option<i64>,
    rows: usize,
    capacity: &[u32],
    score: impl Fn(usize, usize) -> Option<i64> + Sync,
) -> Vec<(usize, usize)> {
    match objective {
        Objective::Total => assign(rows, capacity, score),
        Objective::Fair => {
            let Some(t) = fair_threshold(floor, rows, capacity, &score) else {
                return Vec::new();
            };
            assign(rows, capacity, |i, j| score(i, j).filter(|&v| v >= t))
        }
    }
}

/// The pairs a row may take, in one block: row `i`'s (column, score) are
/// `pairs[start[i]..start[i + 1]]`.
pub(crate) struct Adjacency {
    start: Vec<usize>,
    pairs: Vec<(u32, i64)>,
}

impl Adjacency {
    pub(crate) fn new(
        rows: usize,
        cols: usize,
        score: impl Fn(usize, usize) -> Option<i64>,
    ) -> Self {
        let mut start = Vec::with_capacity(rows + 1);
        let mut pairs = Vec::new();
        for i in 0..rows {
            start.push(pairs.len());
            pairs.extend((0..cols).filter_map(|j| score(i, j).map(|s| (j as u32, s))));
        }
        start.push(pairs.len());
        Self { start, pairs }
    }

    fn row(&self, i: usize) -> &[(u32, i64)] {
        &self.pairs[self.start[i]..self.start[i + 1]]
    }

    fn rows(&self) -> usize {
        self.start.len() - 1
    }
}

/// The threshold the fair objective solves at: the highest score `t`
/// (at most `floor`, when some pair reaches it) such that as many pairs as
/// possible can still be formed from pairs scoring `t` or more. `None` when
/// no pair is possible.
pub(crate) fn fair_threshold(
    floor: Option<i64>,
    rows: usize,
    capacity: &[u32],
    score: &impl Fn(usize, usize) -> Option<i64>,
) -> Option<i64> {
    let adj = Adjacency::new(rows, capacity.len(), |i, j| {
        (capacity[j] > 0).then(|| score(i, j)).flatten()
    });
    // The distinct scores, ascending (scores are small whole numbers: a
    // bitmap over their spread).
    let lo = adj.pairs.iter().map(|p| p.1).min()?;
    let hi = adj.pairs.iter().map(|p| p.1).max()?;
    let mut seen = vec![false; (hi - lo + 1) as usize];
    for p in &adj.pairs {
        seen[(p.1 - lo) as usize] = true;
    }
    let mut values: Vec<i64> = (lo..=hi).filter(|v| seen[(v - lo) as usize]).collect();
    if let Some(floor) = floor {
        // Above the pins' lowest score the minimum cannot rise, only the
        // total can: solve at the pins' floor at most.
        values.truncate(values.partition_point(|&v| v <= floor).max(1));
    }
    let mut best = Matching::new(capacity, rows);
    best.grow(&adj, capacity, i64::MIN);
    let most = best.size;
    if most == 0 {
        return None;
    }
    // The most pairs are possible at values[lo]; find the last value where
    // they still are, each try starting from the last matching that did.
    let (mut lo, mut hi) = (0, values.len() - 1);
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        let t = values[mid];
        let mut trial = best.above(&adj, t);
        trial.grow(&adj, capacity, t);
        if trial.size == most {
            lo = mid;
            best = trial;
        } else {
            hi = mid - 1;
        }
    }
    Some(values[lo])
}

/// The largest number of pairs of rows to columns where column `j` takes
/// at most `capacity[j]` rows and only the pairs `edge(i, j)` allows.
#[cfg(test)]
pub(crate) fn max_pairs(
    rows: usize,
    capacity: &[u32],
    edge: impl Fn(usize, usize) -> bool,
) -> usize {
    let adj = Adjacency::new(rows, capacity.len(), |i, j| edge(i, j).then_some(0));
    let mut m = Matching::new(capacity, rows);
    m.grow(&adj, capacity, 0);
    m.size
}

const UNSEEN: u32 = u32::MAX;

/// A b-matching: each row's column, each column's rows.
#[derive(Clone)]
struct Matching {
    col_of: Vec<Option<u32>>,
    holders: Vec<Vec<usize>>,
    size: usize,
}

impl Matching {
    fn new(capacity: &[u32], rows: usize) -> Self {
        Self {
            col_of: vec![None; rows],
            holders: capacity
                .iter()
                .map(|&c| Vec::with_capacity(c as usize))
                .collect(),
            size: 0,
        }
    }

    /// This matching without its pairs scoring below `t`.
    fn above(&self, adj: &Adjacency, t: i64) -> Matching {
        let mut m = self.clone();
        for i in 0..adj.rows() {
            let Some(j) = m.col_of[i] else { continue };
            let ok = adj.row(i).iter().any(|&(c, s)| c == j && s >= t);
            if !ok {
                m.col_of[i] = None;
                let h = &mut m.holders[j as usize];
                if let Some(pos) = h.iter().position(|&r| r == i) {
                    h.swap_remove(pos);
                }
                m.size -= 1;
            }
        }
        m
    }

    /// Grows the matching to a largest one using pairs scoring `t` or
    /// more: Hopcroft–Karp, a column's rows standing in for it in the
    /// layered search.
    fn grow(&mut self, adj: &Adjacency, capacity: &[u32], t: i64) {
        let rows = adj.rows();
        let room =
            |m: &Matching, j: u32| (m.holders[j as usize].len() as u32) < capacity[j as usize];
        // Greedy start.
        for i in 0..rows {
            if self.col_of[i].is_some() {
                continue;
            }
            if let Some(&(j, _)) = adj.row(i).iter().find(|&&(j, s)| s >= t && room(self, j)) {
                self.holders[j as usize].push(i);
                self.col_of[i] = Some(j);
                self.size += 1;
            }
        }
        let mut dist = vec![UNSEEN; rows];
        let mut next = vec![0usize; rows];
        let mut queue = VecDeque::new();
        loop {
            // Layers from the free rows, up to the first layer reaching a
            // column with room.
            for (i, (d, col)) in dist.iter_mut().zip(&self.col_of).enumerate() {
                *d = if col.is_none() {
                    queue.push_back(i);
                    0
                } else {
                    UNSEEN
                };
            }
            let mut found = UNSEEN;
            while let Some(i) = queue.pop_front() {
                if dist[i] >= found {
                    continue;
                }
                for &(j, s) in adj.row(i) {
                    if s < t || self.col_of[i] == Some(j) {
                        continue;
                    }
                    if room(self, j) {
                        found = found.min(dist[i] + 1);
                    } else {
                        for &k in &self.holders[j as usize] {
                            if dist[k] == UNSEEN {
                                dist[k] = dist[i] + 1;
                                queue.push_back(k);
                            }
                        }
                    }
                }
            }
            queue.clear();
            if found == UNSEEN {
                return;
            }
            next.fill(0);
            let mut grew = false;
            for i in 0..rows {
                if self.col_of[i].is_none()
                    && self.augment(i, adj, capacity, t, &mut dist, &mut next)
                {
                    self.size += 1;
                    grew = true;
                }
            }
            debug_assert!(grew, "a layer reached a column with room");
            if !grew {
                return;
            }
        }
    }

    /// An augmenting path from row `i` along the layers; on success every
    /// row on it moves and true is returned.
    fn augment(
        &mut self,
        i: usize,
        adj: &Adjacency,
        capacity: &[u32],
        t: i64,
        dist: &mut [u32],
        next: &mut [usize],
    ) -> bool {
        let row = adj.row(i);
        while next[i] < row.len() {
            let (j, s) = row[next[i]];
            next[i] += 1;
            if s < t || self.col_of[i] == Some(j) {
                continue;
            }
            let ju = j as usize;
            if (self.holders[ju].len() as u32) >= capacity[ju] {
                // Full: one of its rows one layer further must move on (it
                // leaves column j itself when it does).
                let mut moved = false;
                for h in 0..self.holders[ju].len() {
                    let k = self.holders[ju][h];
                    if dist[k] == dist[i] + 1 && self.augment(k, adj, capacity, t, dist, next) {
                        moved = true;
                        break;
                    }
                }
                if !moved {
                    continue;
                }
            }
            if let Some(old) = self.col_of[i] {
                let h = &mut self.holders[old as usize];
                if let Some(pos) = h.iter().position(|&r| r == i) {
                    h.swap_remove(pos);
                }
            }
            self.holders[ju].push(i);
            self.col_of[i] = Some(j);
            return true;
        }
        dist[i] = UNSEEN;
        false
    }
}
