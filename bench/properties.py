"""Benchmark run of the dossier properties (tests/test_properties.py) on many random texts.

The test suite runs a small derandomised set of examples; this runs ``--examples`` fresh
random ones (default 3,000) through the same property: no exception, every span inside the
text, ``start <= end``, every span's ``text`` equal to the slice it names. It writes the
count, the time and, on failure, hypothesis's falsifying example to
``bench/results/properties.json`` and exits 1.

Run: ``.venv/bin/python -m bench.properties [--examples N]``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
import traceback

from bench.common import ROOT, write_results

COMMAND = ".venv/bin/python -m bench.properties"


def main() -> None:
    """Run the property on many random texts and record the outcome."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--examples", type=int, default=3000)
    arguments = parser.parse_args()
    # The test module reads these when it is imported.
    os.environ["CLAIMSCOPE_PROPERTY_EXAMPLES"] = str(arguments.examples)
    os.environ["CLAIMSCOPE_PROPERTY_RANDOM"] = "1"
    sys.path.insert(0, str(ROOT))
    properties = importlib.import_module("tests.test_properties")
    started = time.perf_counter()
    failure = None
    try:
        properties.test_every_span_lies_inside_the_text()
    except Exception:  # the falsifying example is what this benchmark reports
        failure = traceback.format_exc(limit=3)[-4000:]
    seconds = time.perf_counter() - started
    print(f"{arguments.examples} examples in {seconds:.1f} s: {'FAILED' if failure else 'passed'}")
    if failure:
        print(failure)
    path = write_results(
        "properties",
        {
            "command": COMMAND,
            "examples": arguments.examples,
            "seconds": round(seconds, 1),
            "passed": failure is None,
            "failure": failure,
        },
    )
    print(f"written to {path}")
    if failure:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
