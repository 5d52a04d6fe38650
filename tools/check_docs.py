"""Run every code block of the documentation and compare what it prints with what is shown.

    python tools/check_docs.py                  # README.md and every page under docs/
    python tools/check_docs.py docs/learn/*.md  # some pages

Prints each problem as ``page:line: what`` and exits 1 if there is any. The rules (which
blocks run, the tolerance for numbers, ``...``) are in docs/documentation.md.
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from docscheck import check_page, documentation_pages

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", type=Path, help="Markdown pages (default: all)")
    parser.add_argument("--jobs", type=int, default=2, help="pages checked at once (2)")
    arguments = parser.parse_args(argv)
    pages = [page.resolve() for page in arguments.pages] or documentation_pages(ROOT)
    with ThreadPoolExecutor(max(1, arguments.jobs)) as pool:
        outcomes = list(pool.map(lambda page: check_page(page, ROOT), pages))
    problems = [problem for found, _ in outcomes for problem in found]
    for problem in problems:
        print(problem, file=sys.stderr)
    blocks = sum(count for _, count in outcomes)
    print(f"{len(pages)} page(s), {blocks} code block(s) run, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
