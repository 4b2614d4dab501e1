#!/usr/bin/env python3
"""NumPy peer for the budget-sim benchmark.

Why this file exists
--------------------
The benchmark times budget-sim's TypeScript engine on
``scenarios/bench-tech-transaction.yaml`` and, in the same run, times this
script on the same model. The script is meant to be what a competent analyst
would write in NumPy: draws are batched and vectorised, aggregation uses
``np.bincount``, and there is no Python loop per applicant or per contract.
The only Python loop is over batches of trials. That makes it a fair
reference point for throughput (applications per second) and for the mean
outlay.

The model (one year, technology transaction subsidy only)
---------------------------------------------------------
For each trial, independently:

1. Number of applicants ``N ~ Poisson(applicants_mean)``, with a default
   mean of 2000.
2. Each applicant has ``K = 1 + Poisson(0.4)`` contracts.
3. Each contract's value is ``V = exp(ln(2e6) + 1.2 * Z)`` with ``Z``
   standard normal. That is a lognormal with median 2,000,000 and
   sigma 1.2.
4. The applicant's basis ``B`` is the sum of its contract values.
5. The applicant is approved with probability 0.8 (Bernoulli).
6. An approved applicant's entitlement is ``min(0.05 * B, 5,000,000)``.
   An unapproved applicant gets 0.
7. The trial's outlay is the sum of the entitlements of its applicants.

"Applications" means applicants, summed over all trials. Throughput is
applications divided by the median wall-clock time of one full simulation.

Usage::

    python3 bench/peers/numpy_reference.py [--trials 5000] [--seed 1] [--repeat 5]
        [--batch-trials 100] [--applicants-mean 2000]

The script prints exactly one JSON object to stdout. Only the simulation is
timed, with ``time.perf_counter()``. Imports, argument parsing and the
final statistics are not timed. Each repetition uses the same seed, so the
repetitions give identical results. The script checks that they do.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import statistics
import sys
import time

import numpy as np

# --- Fixed model parameters (see scenarios/bench-tech-transaction.yaml) -----
MODEL_NAME = "bench-tech-transaction"
CONTRACTS_EXTRA_MEAN = 0.4  # K = 1 + Poisson(0.4)
VALUE_MEDIAN = 2_000_000.0  # lognormal median of one contract value
VALUE_SIGMA = 1.2  # lognormal sigma (sd of log value)
APPROVAL_RATE = 0.8
SUBSIDY_RATE = 0.05
SUBSIDY_CAP = 5_000_000.0  # per applicant (enterprise-year)

VALUE_MU = math.log(VALUE_MEDIAN)


def simulate(
    trials: int, seed: int, batch_trials: int, applicants_mean: float
) -> tuple[np.ndarray, int]:
    """Run the full simulation.

    Returns the per-trial outlays (float64, length ``trials``) and the total
    number of applications (applicants summed over all trials).
    """
    rng = np.random.default_rng(seed)  # PCG64
    outlays = np.empty(trials, dtype=np.float64)
    applications = 0

    for start in range(0, trials, batch_trials):
        b = min(batch_trials, trials - start)

        # 1. Applicants per trial, for every trial in the batch.
        n_per_trial = rng.poisson(applicants_mean, size=b)
        n_apps = int(n_per_trial.sum())
        applications += n_apps

        # 2. Contracts per applicant, for every applicant in the batch.
        k_per_app = rng.poisson(CONTRACTS_EXTRA_MEAN, size=n_apps)
        k_per_app += 1
        n_contracts = int(k_per_app.sum())

        # 3. Contract values, log-normal, computed in place on one buffer.
        values = rng.standard_normal(n_contracts)
        values *= VALUE_SIGMA
        values += VALUE_MU
        np.exp(values, out=values)

        # 4. Basis per applicant: sum the contract values by applicant index.
        #    Contracts are laid out applicant by applicant, so the index is
        #    0,0,1,2,2,2,... built with np.repeat.
        app_of_contract = np.repeat(np.arange(n_apps), k_per_app)
        basis = np.bincount(app_of_contract, weights=values, minlength=n_apps)

        # 5. Approval decisions (Bernoulli(0.8) from uniforms).
        rejected = rng.random(n_apps) >= APPROVAL_RATE

        # 6. Entitlement = min(rate * B, cap) when approved, else 0. In place
        #    on the basis buffer.
        basis *= SUBSIDY_RATE
        np.minimum(basis, SUBSIDY_CAP, out=basis)
        basis[rejected] = 0.0

        # 7. Outlay per trial: sum the entitlements by trial index.
        trial_of_app = np.repeat(np.arange(b), n_per_trial)
        outlays[start : start + b] = np.bincount(
            trial_of_app, weights=basis, minlength=b
        )

    return outlays, applications


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}")
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {value}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}")
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}")
    if not math.isfinite(value) or value <= 0.0:
        raise argparse.ArgumentTypeError(f"expected a finite number > 0, got {text!r}")
    return value


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=(
            "Vectorised NumPy peer for the budget-sim benchmark "
            "(scenarios/bench-tech-transaction.yaml). Prints one JSON object."
        )
    )
    parser.add_argument("--trials", type=_positive_int, default=5000,
                        help="number of Monte Carlo trials (default 5000)")
    parser.add_argument("--seed", type=_seed, default=1,
                        help="seed for np.random.default_rng (default 1)")
    parser.add_argument("--repeat", type=_positive_int, default=5,
                        help="run the whole simulation this many times (default 5)")
    parser.add_argument("--batch-trials", type=_positive_int, default=100,
                        help="trials drawn per vectorised batch (default 100)")
    parser.add_argument("--applicants-mean", type=_positive_float, default=2000.0,
                        help="Poisson mean of applicants per trial (default 2000)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    seconds: list[float] = []
    outlays: np.ndarray | None = None
    applications = 0
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        run_outlays, run_applications = simulate(
            args.trials, args.seed, args.batch_trials, args.applicants_mean
        )
        seconds.append(time.perf_counter() - t0)
        if outlays is None:
            outlays, applications = run_outlays, run_applications
        elif run_applications != applications or not np.array_equal(run_outlays, outlays):
            # Same seed, so this cannot happen unless something is badly wrong.
            print("error: repetitions with the same seed gave different results",
                  file=sys.stderr)
            return 1
    assert outlays is not None

    seconds_median = statistics.median(seconds)
    mean_outlay = float(outlays.mean())
    # Standard error of the mean. It needs at least two trials; otherwise null.
    mean_outlay_se = (
        float(outlays.std(ddof=1) / math.sqrt(args.trials)) if args.trials >= 2 else None
    )

    result = {
        "model": MODEL_NAME,
        "trials": args.trials,
        "seed": args.seed,
        "repeat": args.repeat,
        "batch_trials": args.batch_trials,
        "applicants_mean": args.applicants_mean,
        "applications": applications,
        "seconds": seconds,
        "seconds_median": seconds_median,
        "applications_per_second": applications / seconds_median,
        "mean_outlay": mean_outlay,
        "mean_outlay_se": mean_outlay_se,
        "numpy_version": np.__version__,
        "python_version": platform.python_version(),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
