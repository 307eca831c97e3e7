"""Render every figure and animation of the registry into the cache, in parallel.

    python -m scripts.figures.build_assets              # what the cache lacks
    python -m scripts.figures.build_assets --only race-rosenbrock --only race-beale
    python -m scripts.figures.build_assets --force      # everything again

``mkdocs build`` and ``mkdocs serve`` call the same code through the hook, so this command
is only a way to warm the cache or re-render on purpose; it prints where files went.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scripts.figures import jobs, registry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", action="append", metavar="NAME",
                        help="render only this figure (repeatable)")
    parser.add_argument("--force", action="store_true", help="render even what is cached")
    parser.add_argument("--jobs", type=int, default=os.cpu_count(),
                        help="worker processes (default: the machine's cores)")
    args = parser.parse_args(argv)
    try:
        figures = registry.load()
    except registry.RegistryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    chosen = figures
    if args.only:
        known = registry.by_name(figures)
        unknown = [name for name in args.only if name not in known]
        if unknown:
            print(f"error: no figure named {', '.join(unknown)} in {registry.REGISTRY}",
                  file=sys.stderr)
            return 2
        chosen = [known[name] for name in args.only]
    started = time.perf_counter()
    done, rendered = jobs.ensure(chosen, force=args.force, workers=args.jobs, progress=True)
    seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for files in done.values() for p in files.values())
    print(f"{len(done)} figure jobs ready ({rendered} rendered, {len(done) - rendered} "
          f"from cache) in {seconds:.2f} s; {size / 1e6:.1f} MB under .cache/figures/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
