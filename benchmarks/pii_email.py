"""Prints how long the PII scrubber's email search takes on long text, against the single regex it
replaced (which rescanned a run of local-part characters from each of them: quadratic).

Usage: .venv/bin/python benchmarks/pii_email.py   (a print, not a pass/fail test)
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sdk"))

from veil.pii import email_spans, scrub_pii

_OLD = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


def _seconds(fn, text: str) -> float:
    start = time.perf_counter()
    fn(text)
    return time.perf_counter() - start


def main() -> None:
    print(f"{'text':<28}{'old regex (s)':>16}{'email_spans (s)':>18}{'scrub_pii (s)':>16}")
    for size in (8_000, 32_000, 100_000):
        for name, text in (("letters", "a" * size), ("words", ("lorem ipsum " * size)[:size])):
            old = _seconds(lambda t: list(_OLD.finditer(t)), text) if size <= 32_000 or name == "words" else float("nan")
            print(f"{f'{size // 1000} KB of {name}':<28}{old:>16.4f}{_seconds(email_spans, text):>18.4f}{_seconds(scrub_pii, text):>16.4f}")


if __name__ == "__main__":
    main()
