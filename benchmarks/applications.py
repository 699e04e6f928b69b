"""How long paramwise takes to summarize a Keras Applications config, against how long Keras takes to build
the same model (weights=None). Run on purpose: `python benchmarks/applications.py [ResNet50 ...]`.

Prints, per model: Keras' build time, paramwise's time to read the JSON config and infer the report
(median of several runs), the ratio, and that both totals agree.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "torch")


def seconds(action: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(names: list[str]) -> None:
    import keras

    import paramwise

    folder = Path(tempfile.mkdtemp(prefix="paramwise-bench-"))
    print(f"keras {keras.__version__} ({keras.backend.backend()} backend), paramwise {paramwise.__version__}")
    print(f"{'model':<18}{'keras build':>13}{'paramwise':>12}{'faster':>9}  totals")
    for name in names:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")

            def build() -> object:
                keras.backend.clear_session()
                return getattr(keras.applications, name)(weights=None)  # noqa: B023 (called at once)

            build_time = seconds(build, 3)
            model = build()
        path = folder / f"{name}.json"
        path.write_text(model.to_json())
        ours = seconds(lambda: paramwise.read(str(path)), 5)  # noqa: B023 (called at once)
        total = paramwise.read(str(path)).total
        agree = "equal" if total == model.count_params() else f"DIFFER ({total} vs {model.count_params()})"
        print(f"{name:<18}{build_time:>12.3f}s{ours:>11.3f}s{build_time / ours:>8.0f}x  {agree} ({total:,})")


if __name__ == "__main__":
    main(sys.argv[1:] or ["ResNet50"])
