"""Simulation study of the trigger analysis against an oracle (see docs/analysis.md).

Usage:
    uv run python bench/simulation_study.py            # full: 500 diaries each of 180 and 365 days
    uv run python bench/simulation_study.py --diaries 50 --json out.json

For each planted factor it prints how often the analysis calls it at its true
lag, how often the oracle (the correctly specified model with the true lags)
does under the same Benjamini-Hochberg family, the ratio of the two, and how
often each non-trigger is called a trigger.  The short version of this study
runs in tests/analysis/test_simulation_study.py.
"""

from __future__ import annotations

import argparse
import json
import time

from relief.analysis.study import run_study


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--diaries", type=int, default=500)
    parser.add_argument("--days", type=int, nargs="+", default=[180, 365])
    parser.add_argument("--seed", type=int, default=100_000)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    results = []
    for days in args.days:
        started = time.perf_counter()
        result = run_study(args.diaries, days, seed=args.seed).as_dict()
        result["seconds"] = round(time.perf_counter() - started, 1)
        results.append(result)
        print(f"\n{days} days, {args.diaries} diaries, {result['mean_attacks']} attacks per diary on average")
        print(
            f"{'factor':<20}{'lag':>4}{'OR':>6}{'analysis':>10}{'oracle':>8}{'ratio':>7}{'oracle α=.05':>14}"
        )
        for p in result["planted"]:
            ratio = "-" if p["ratio_to_oracle"] is None else f"{p['ratio_to_oracle']:.2f}"
            print(
                f"{p['factor']:<20}{p['lag_days']:>4}{p['true_odds_ratio']:>6}{p['analysis_rate']:>10.1%}"
                f"{p['oracle_rate']:>8.1%}{ratio:>7}{p['oracle_unadjusted_rate']:>14.1%}"
            )
        print("non-triggers called a trigger (any lag):")
        for name, share in result["non_triggers_called_trigger"].items():
            print(f"  {name:<20}{share:>7.1%}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=1)


if __name__ == "__main__":
    main()
