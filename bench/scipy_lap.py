#!/usr/bin/env python3
"""SciPy's bare linear_sum_assignment on a random N x N matrix: the
yardstick the matching run is held to (bench/README.md).

Times `--repeats` solves, each of a fresh uniform random integer cost matrix
0-999 (as `lapjv/2000x2000_random` in bench/matching.rs), and prints each
time and the median; with --json, one line of JSON on stdout instead.
Needs numpy and scipy (bench/run.sh installs them in a venv under /tmp).
"""
import argparse
import json
import statistics
import time

import numpy as np
import scipy
from scipy.optimize import linear_sum_assignment


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=2000)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--seed", type=int, default=2024)
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    rng = np.random.default_rng(args.seed)
    times = []
    for _ in range(args.repeats):
        costs = rng.integers(0, 1000, size=(args.n, args.n)).astype(np.float64)
        start = time.perf_counter()
        linear_sum_assignment(costs)
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    if args.json:
        print(json.dumps({"scipy": scipy.__version__, "n": args.n,
                          "times": times, "median": median}))
    else:
        for i, t in enumerate(times):
            print(f"solve {i + 1}: {t:.3f} s")
        print(f"SciPy {scipy.__version__} linear_sum_assignment "
              f"{args.n} x {args.n}: median {median:.3f} s")


if __name__ == "__main__":
    main()
