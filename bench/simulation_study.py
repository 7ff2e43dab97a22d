"""Simulation study of the trigger analysis against an oracle (see docs/analysis.md).

Usage:
    nice -n 15 uv run python bench/simulation_study.py                  # every generator, 100 diaries, 180 and 365 days
    nice -n 15 uv run python bench/simulation_study.py --generator thresholds --diaries 50 --json out.json

For each generator (relief.analysis.study.GENERATORS) and planted factor it
prints how often the analysis calls it at its true lag, how often the ideal
model (the correctly specified model, Benjamini-Hochberg over its own planted
terms) does, the ratio of the two, the same for the ideal model given the
analysis' handling of unknown values (every day on which the term is known),
and how often each non-trigger is called a
trigger.  The short version of this study
runs in tests/analysis/test_simulation_study.py.
"""

from __future__ import annotations

import argparse
import json
import time

from relief.analysis.study import GENERATORS, run_study


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--diaries", type=int, default=100)
    parser.add_argument("--generator", choices=sorted(GENERATORS), nargs="+", default=list(GENERATORS))
    parser.add_argument("--days", type=int, nargs="+", default=[180, 365])
    parser.add_argument("--seed", type=int, default=100_000)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    results = []
    for days, generator in ((d, g) for d in args.days for g in args.generator):
        started = time.process_time()
        result = run_study(args.diaries, days, seed=args.seed, generator=generator).as_dict()
        result["cpu_seconds"] = round(time.process_time() - started, 1)
        results.append(result)
        print(
            f"\n{generator}, {days} days, {args.diaries} diaries, {result['mean_attacks']} attacks per diary"
        )
        print(
            f"{'factor':<20}{'lag':>4}{'OR':>6}{'analysis':>10}{'ideal':>8}{'ratio':>7}"
            f"{'ideal, all days':>17}{'ratio':>7}"
        )
        for p in result["planted"]:
            ratio = "-" if p["ratio_to_ideal"] is None else f"{p['ratio_to_ideal']:.2f}"
            ratio_all = "-" if p["ratio_to_ideal_all_days"] is None else f"{p['ratio_to_ideal_all_days']:.2f}"
            print(
                f"{p['factor']:<20}{p['lag_days']:>4}{p['true_odds_ratio']:>6}"
                f"{p['analysis_rate']:>10.1%}{p['ideal_rate']:>8.1%}{ratio:>7}"
                f"{p['ideal_all_days_rate']:>17.1%}{ratio_all:>7}"
            )
        print("non-triggers called a trigger (any lag):")
        for name, share in result["non_triggers_called_trigger"].items():
            print(f"  {name:<20}{share:>7.1%}")
        print("exact nulls called a trigger or protector:")
        for name, share in result["exact_nulls_called"].items():
            print(f"  {name:<24}{share:>7.1%}", flush=True)
        if args.json:  # after every generator and length, so a long run can be read as it goes
            with open(args.json, "w") as fh:
                json.dump(results, fh, indent=1)


if __name__ == "__main__":
    main()
