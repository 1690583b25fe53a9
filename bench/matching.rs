//! Benchmarks of the matching engine on deterministic, realistic cohorts.
//!
//! `cargo bench --bench matching` measures:
//! - `run_matching/150`: a real cycle, 50 mentors (capacity 1–3) and 100
//!   mentees;
//! - `run_matching/2000x1000_cap2` and `run_matching/4000x2000_cap2`: mentees
//!   × mentors of capacity 2, so the assignment is square (one column per
//!   mentor slot);
//! - `lapjv/2000x2000_engine_costs`: the solver alone on the cost matrix the
//!   engine builds for the 2000 × 1000 cohort (the engine's own `assign` is
//!   private, so the matrix is rebuilt here from the public `check_pair` and
//!   `score_pair` with the same transform);
//! - `lapjv/2000x2000_random`: the solver alone on uniform random integer
//!   costs of the same size;
//! - `pairs/2000x1000_rules_and_scores`: the hard rules and the explained
//!   score of every mentee × mentor pair (2,000,000) with the public
//!   `check_pair` and `score_pair`, for comparison: a run scores pairs on
//!   its allocation-free fast path and explains only the proposed ones.
//!
//! - `objective/total_2000x1000_cap2` and `objective/fair_2000x1000_cap2`:
//!   the same 2000 × 1000 cohort run with each objective (`fair`: the most
//!   pairs, then the highest lowest score, then the highest total), side
//!   by side.
//!
//! With `WLA_BENCH_DUMP_COSTS=/path` set, the engine cost matrix is also
//! written there (2000 × 2000 little-endian f64, row-major) so another
//! solver can be timed on exactly the same input (see bench/README.md).
use std::cell::OnceCell;
use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use ndarray::Array2;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use uuid::Uuid;
use wla_mentorship::domain::application::{
    ApplicationRole, ApplicationStatus, CareerStage, LibraryType, MatchingPreference, MeetingMode,
};
use wla_mentorship::domain::matching::{
    Candidate, Objective, RunParams, WeightTable, check_pair, run_matching, score_pair,
};

const INTERESTS: [&str; 30] = [
    "instruction",
    "outreach",
    "reference",
    "cataloging",
    "youth services",
    "collection development",
    "digital literacy",
    "management",
    "archives",
    "data services",
    "equity and inclusion",
    "programming",
    "technical services",
    "grant writing",
    "community engagement",
    "information literacy",
    "metadata",
    "open access",
    "scholarly communication",
    "readers advisory",
    "makerspaces",
    "early literacy",
    "teen services",
    "systems",
    "preservation",
    "leadership",
    "assessment",
    "accessibility",
    "law librarianship",
    "health sciences",
];

const REGIONS: [&str; 8] = [
    "Puget Sound",
    "Olympic Peninsula",
    "Southwest Washington",
    "North Cascades",
    "Central Washington",
    "Eastern Washington",
    "Columbia Basin",
    "Palouse",
];

const IDENTITY_TAGS: [&str; 8] = [
    "first-generation",
    "bipoc",
    "lgbtq+",
    "disabled",
    "veteran",
    "rural",
    "immigrant",
    "parent",
];

const TOWNS: [&str; 40] = [
    "Seattle",
    "Tacoma",
    "Spokane",
    "Vancouver",
    "Bellevue",
    "Everett",
    "Olympia",
    "Bellingham",
    "Yakima",
    "Kennewick",
    "Renton",
    "Kent",
    "Redmond",
    "Kirkland",
    "Pasco",
    "Richland",
    "Wenatchee",
    "Walla Walla",
    "Pullman",
    "Ellensburg",
    "Port Angeles",
    "Aberdeen",
    "Longview",
    "Mount Vernon",
    "Anacortes",
    "Bremerton",
    "Puyallup",
    "Lacey",
    "Moses Lake",
    "Centralia",
    "Chelan",
    "Omak",
    "Colville",
    "Sequim",
    "Shelton",
    "Lynden",
    "Ferndale",
    "Issaquah",
    "Tumwater",
    "Cheney",
];

const EMPLOYER_KINDS: [&str; 5] = [
    "Public Library",
    "County Library District",
    "College Library",
    "School District",
    "Historical Society",
];

/// Weighted choice: `items` pairs a value with its weight.
fn pick<T: Copy>(rng: &mut StdRng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut r = rng.random_range(0..total);
    for &(item, w) in items {
        if r < w {
            return item;
        }
        r -= w;
    }
    items[items.len() - 1].0
}

/// `n` distinct indices below `len`, skewed towards the low (popular) ones.
fn skewed_distinct(rng: &mut StdRng, n: usize, len: usize) -> Vec<usize> {
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let i = rng.random_range(0..len).min(rng.random_range(0..len));
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

struct Generator {
    rng: StdRng,
    employers: Vec<String>,
}

impl Generator {
    fn new(seed: u64) -> Self {
        let employers = TOWNS
            .iter()
            .flat_map(|t| EMPLOYER_KINDS.iter().map(move |k| format!("{t} {k}")))
            .collect();
        Self {
            rng: StdRng::seed_from_u64(seed),
            employers,
        }
    }

    fn library_types(&mut self, max: usize) -> Vec<LibraryType> {
        use LibraryType::*;
        let weights = [
            (Public, 30),
            (Academic, 25),
            (School, 15),
            (Special, 8),
            (Government, 5),
            (Medical, 5),
            (Archives, 5),
            (Law, 4),
            (Tribal, 2),
            (Other, 1),
        ];
        let n = self.rng.random_range(1..=max);
        let mut out: Vec<LibraryType> = Vec::with_capacity(n);
        while out.len() < n {
            let t = pick(&mut self.rng, &weights);
            if !out.contains(&t) {
                out.push(t);
            }
        }
        out
    }

    fn candidate(&mut self, role: ApplicationRole, capacity: u32) -> Candidate {
        use CareerStage::*;
        let mentor = role == ApplicationRole::Mentor;
        let library_types = self.library_types(if mentor { 3 } else { 2 });
        let n_interests = self.rng.random_range(2..=6);
        let interests = skewed_distinct(&mut self.rng, n_interests, INTERESTS.len())
            .into_iter()
            .map(|i| INTERESTS[i].to_owned())
            .collect();
        let career_stage = if mentor {
            pick(
                &mut self.rng,
                &[
                    (Senior, 35),
                    (MidCareer, 50),
                    (EarlyCareer, 10),
                    (CareerChanger, 5),
                ],
            )
        } else {
            pick(
                &mut self.rng,
                &[
                    (Student, 45),
                    (EarlyCareer, 35),
                    (CareerChanger, 15),
                    (MidCareer, 5),
                ],
            )
        };
        let region = REGIONS[skewed_distinct(&mut self.rng, 1, REGIONS.len())[0]].to_owned();
        let meeting_modes = pick(
            &mut self.rng,
            &[(0u8, 65), (1, 25), (2, 10)], // online, both, in person
        );
        let meeting_modes = match meeting_modes {
            0 => vec![MeetingMode::Online],
            1 => vec![MeetingMode::Online, MeetingMode::InPerson],
            _ => vec![MeetingMode::InPerson],
        };
        let matching_preference = pick(
            &mut self.rng,
            &[
                (MatchingPreference::Career, 40),
                (MatchingPreference::Both, 25),
                (MatchingPreference::None, 25),
                (MatchingPreference::Identity, 10),
            ],
        );
        let identity_consent = self.rng.random_bool(0.3);
        let identity_tags = if identity_consent || self.rng.random_bool(0.1) {
            let n = self.rng.random_range(1..=2);
            skewed_distinct(&mut self.rng, n, IDENTITY_TAGS.len())
                .into_iter()
                .map(|i| IDENTITY_TAGS[i].to_owned())
                .collect()
        } else {
            Vec::new()
        };
        let employer = if mentor || self.rng.random_bool(0.75) {
            let i = skewed_distinct(&mut self.rng, 1, self.employers.len())[0];
            self.employers[i].clone()
        } else {
            String::new()
        };
        Candidate {
            application_id: Uuid::from_u128(self.rng.random()),
            member_id: Uuid::from_u128(self.rng.random()),
            role,
            status: ApplicationStatus::Accepted,
            library_types,
            interests,
            career_stage,
            region,
            meeting_modes,
            matching_preference,
            identity_tags,
            identity_consent,
            employer,
            capacity,
            mentee_stages: Vec::new(),
        }
    }

    /// `mentors` mentors (capacity from `capacity`) then `mentees` mentees.
    fn cohort(
        &mut self,
        mentors: usize,
        mentees: usize,
        capacity: impl Fn(&mut StdRng) -> u32,
    ) -> Vec<Candidate> {
        let mut out = Vec::with_capacity(mentors + mentees);
        for _ in 0..mentors {
            let cap = capacity(&mut self.rng);
            out.push(self.candidate(ApplicationRole::Mentor, cap));
        }
        for _ in 0..mentees {
            out.push(self.candidate(ApplicationRole::Mentee, 0));
        }
        out
    }
}

/// A real cycle: 50 mentors taking 1–3 mentees, 100 mentees.
fn cycle_150() -> Vec<Candidate> {
    Generator::new(150).cohort(50, 100, |rng| pick(rng, &[(1, 30), (2, 45), (3, 25)]))
}

fn cohort_cap2(mentees: usize, mentors: usize) -> Vec<Candidate> {
    Generator::new((mentees * 10_000 + mentors) as u64).cohort(mentors, mentees, |_| 2)
}

/// The cost matrix the engine hands LAPJV for a cohort without pins: rows
/// are mentees, columns mentor slots, both in application id order;
/// possible pairs cost `max − score`, impossible ones and padding
/// `BIG + spread` (see `assign` in src/domain/matching/assign.rs).
fn engine_costs(cohort: &[Candidate]) -> Array2<f64> {
    let params = RunParams::default();
    let table = WeightTable::default();
    let mut sorted: Vec<&Candidate> = cohort.iter().collect();
    sorted.sort_by_key(|c| c.application_id);
    let of =
        |role| -> Vec<&Candidate> { sorted.iter().copied().filter(|c| c.role == role).collect() };
    let (mentors, mentees) = (of(ApplicationRole::Mentor), of(ApplicationRole::Mentee));
    let slots: Vec<&Candidate> = mentors
        .iter()
        .flat_map(|m| std::iter::repeat_n(*m, m.capacity as usize))
        .collect();
    let scores: Vec<Vec<Option<i64>>> = mentees
        .iter()
        .map(|e| {
            slots
                .iter()
                .map(|m| {
                    check_pair(m, e, &params)
                        .ok()
                        .map(|()| score_pair(m, e, &table).0)
                })
                .collect()
        })
        .collect();
    let possible = scores.iter().flatten().flatten();
    let min = *possible.clone().min().expect("some pair is possible");
    let max = *possible.max().expect("some pair is possible");
    let n = mentees.len().max(slots.len());
    let spread = max - min;
    let big = spread * n as i64 + 1;
    let mut costs = Array2::from_elem((n, n), (big + spread) as f64);
    for (r, row) in scores.iter().enumerate() {
        for (c, s) in row.iter().enumerate() {
            if let Some(s) = s {
                costs[(r, c)] = (max - s) as f64;
            }
        }
    }
    costs
}

fn random_costs(n: usize, seed: u64) -> Array2<f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    Array2::from_shape_fn((n, n), |_| f64::from(rng.random_range(0..1000u32)))
}

fn dump(costs: &Array2<f64>, path: &str) {
    let bytes: Vec<u8> = costs.iter().flat_map(|x| x.to_le_bytes()).collect();
    std::fs::write(path, bytes).expect("writing the cost matrix");
}

// Inputs are built on first use (`OnceCell`), so a filtered run such as
// `-- run_matching/150` builds only what it measures and its peak memory is
// that benchmark's own.

fn bench_run_matching(c: &mut Criterion) {
    let params = RunParams::default();
    let mut group = c.benchmark_group("run_matching");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));

    let small = OnceCell::new();
    group.measurement_time(Duration::from_secs(3));
    group.bench_function("150", |b| {
        let cohort = small.get_or_init(cycle_150);
        b.iter(|| run_matching(black_box(cohort), black_box(&params)).unwrap())
    });

    // One iteration takes seconds: time ten of them, one per sample.
    group.sampling_mode(SamplingMode::Flat);
    let mid = OnceCell::new();
    group.measurement_time(Duration::from_secs(25));
    group.bench_function("2000x1000_cap2", |b| {
        let cohort = mid.get_or_init(|| cohort_cap2(2000, 1000));
        b.iter(|| run_matching(black_box(cohort), black_box(&params)).unwrap())
    });
    drop(mid);

    let big = OnceCell::new();
    group.measurement_time(Duration::from_secs(90));
    group.bench_function("4000x2000_cap2", |b| {
        let cohort = big.get_or_init(|| cohort_cap2(4000, 2000));
        b.iter(|| run_matching(black_box(cohort), black_box(&params)).unwrap())
    });
    group.finish();
}

fn bench_lapjv(c: &mut Criterion) {
    let mut group = c.benchmark_group("lapjv");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(15));

    let costs = OnceCell::new();
    group.bench_function("2000x2000_engine_costs", |b| {
        let costs = costs.get_or_init(|| {
            let costs = engine_costs(&cohort_cap2(2000, 1000));
            if let Ok(path) = std::env::var("WLA_BENCH_DUMP_COSTS") {
                dump(&costs, &path);
            }
            costs
        });
        b.iter(|| lapjv::lapjv(black_box(costs)).unwrap())
    });
    drop(costs);

    let random = OnceCell::new();
    group.bench_function("2000x2000_random", |b| {
        let random = random.get_or_init(|| random_costs(2000, 2000));
        b.iter(|| lapjv::lapjv(black_box(random)).unwrap())
    });
    group.finish();
}

/// The explained rules then score for every pair: what a run would cost
/// without its allocation-free fast path (the engine scores every pair from
/// precomputed profiles and explains only the pairs it proposes).
fn rules_and_scores(cohort: &[Candidate], params: &RunParams, table: &WeightTable) -> i64 {
    let mentors: Vec<&Candidate> = cohort
        .iter()
        .filter(|c| c.role == ApplicationRole::Mentor)
        .collect();
    let mut total = 0;
    for e in cohort.iter().filter(|c| c.role == ApplicationRole::Mentee) {
        for m in &mentors {
            if check_pair(m, e, params).is_ok() {
                total += score_pair(m, e, table).0;
            }
        }
    }
    total
}

fn bench_pairs(c: &mut Criterion) {
    let (params, table) = (RunParams::default(), WeightTable::default());
    let mut group = c.benchmark_group("pairs");
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(22));
    let cohort = OnceCell::new();
    group.bench_function("2000x1000_rules_and_scores", |b| {
        let cohort = cohort.get_or_init(|| cohort_cap2(2000, 1000));
        b.iter(|| rules_and_scores(black_box(cohort), &params, &table))
    });
    group.finish();
}

/// The total and the fair objective on one 2000 × 1000 cohort (mentors of
/// capacity 2): the fair one may take at most twice as long.
fn bench_objectives(c: &mut Criterion) {
    let mut group = c.benchmark_group("objective");
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(25));
    let cohort = OnceCell::new();
    for (name, objective) in [
        ("total_2000x1000_cap2", Objective::Total),
        ("fair_2000x1000_cap2", Objective::Fair),
    ] {
        let params = RunParams {
            objective,
            ..RunParams::default()
        };
        group.bench_function(name, |b| {
            let cohort = cohort.get_or_init(|| cohort_cap2(2000, 1000));
            b.iter(|| run_matching(black_box(cohort), black_box(&params)).unwrap())
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    bench_run_matching,
    bench_lapjv,
    bench_pairs,
    bench_objectives
);
criterion_main!(benches);
