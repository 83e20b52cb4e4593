"""``bench/gate.py`` fails (exit 1) when a fast engine and its reference library disagree, and passes when not."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.support.paths import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from gate import differ  # noqa: E402


def test_a_run_at_the_peer_size_compares_the_engines_and_passes() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "gate.py"), "--one", "10", "--runs", "1",
                           "--peer-size", "10", "--peer-runs", "1"], capture_output=True, text=True, timeout=600)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert (result["validation_equal"], result["inference_equal"], done.returncode) == (True, True, 0), done.stderr


def test_a_difference_fails_the_bench() -> None:
    assert differ({"concepts": 10, "validation_equal": True, "inference_equal": True}) == []
    assert differ({"concepts": 10, "validation_equal": False, "inference_equal": True}) == ["validation_equal"]
    assert differ({"concepts": 10, "validation_equal": True, "inference_equal": False}) == ["inference_equal"]
