"""The file ``spark-submit`` runs: ``spark-submit [options] SUBMIT_PY analyze|duplicates …``.

Find its path with ``python -c 'import claimscope.adapters.spark.submit as m; print(m.__file__)'``.
The arguments are those of ``claimscope spark``; the master and resources are spark-submit's.
"""

from __future__ import annotations

from claimscope.adapters.spark.cli import spark_app


def main() -> None:
    """Run a ``claimscope spark`` command under spark-submit."""
    spark_app(prog_name="claimscope spark")


if __name__ == "__main__":
    main()
