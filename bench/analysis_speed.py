"""How long the full analysis (analyze()) takes for 1, 5 and 10 years of daily data.

Usage:  uv run python bench/analysis_speed.py [--repeat 5]

Reports CPU time of this process (one core: BLAS threads are pinned to 1) and
wall-clock time; the median of the repeats is shown.  CPU time is the figure
to quote, because wall time on a busy machine includes waiting for the CPU.
Not a timed test: run it by hand and copy the numbers into docs/analysis.md.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

from relief.analysis import analyze  # noqa: E402
from relief.analysis.simulate import simulate_diary  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--years", type=int, nargs="+", default=[1, 5, 10])
    args = parser.parse_args()
    analyze(simulate_diary(90, seed=0).diary)  # warm up imports and caches
    print(f"{'years':>5}{'days':>7}{'attacks':>9}{'doses':>7}{'cpu s':>8}{'wall s':>8}{'simulate s':>12}")
    for years in args.years:
        t0 = time.process_time()
        sim = simulate_diary(365 * years, seed=years)
        sim_cpu = time.process_time() - t0
        cpu, wall = [], []
        for _ in range(args.repeat):
            c0, w0 = time.process_time(), time.perf_counter()
            analyze(sim.diary)
            cpu.append(time.process_time() - c0)
            wall.append(time.perf_counter() - w0)
        d = sim.diary
        print(
            f"{years:>5}{len(d.days):>7}{len(d.attacks):>9}{len(d.doses):>7}"
            f"{statistics.median(cpu):>8.3f}{statistics.median(wall):>8.3f}{sim_cpu:>12.3f}"
        )


if __name__ == "__main__":
    main()
