"""The commands outside checks call: `lotse ask --json`, `lotse eval --json`, `lotse bench`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def lotse(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "LOTSE_CACHE_DIR": os.environ.get("LOTSE_TEST_CACHE_DIR", str(REPO / ".lotse-cache")),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True, text=True, env=env, cwd=cwd, timeout=600, check=False,
    )  # fmt: skip


def test_ask_json_has_the_contract_keys(tmp_path: Path) -> None:
    done = lotse("ask", "وين لازم سجل العنوان تبعي", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result) >= {"lang", "intent", "confidence", "reply", "alternatives"}
    assert result["lang"] == "ar"
    assert result["intent"] == "registration"
    assert 0.0 <= result["confidence"] <= 1.0
    assert result["reply"]
    for alternative in result["alternatives"]:
        assert set(alternative) == {"intent", "confidence"}
    assert not list(tmp_path.glob("*.sqlite3")), "ask leaves no database behind"


def test_ask_out_of_scope_is_unknown(tmp_path: Path) -> None:
    done = lotse("ask", "what is the best pizza recipe", "--json", cwd=tmp_path)
    result = json.loads(done.stdout)
    assert result["intent"] == "unknown"


def test_ask_takes_a_language_hint(tmp_path: Path) -> None:
    done = lotse("ask", "привет", "--lang-hint", "uk", "--json", cwd=tmp_path)
    result = json.loads(done.stdout)
    assert result["intent"] == "greeting"


def test_eval_json_reports_the_contract_figures(tmp_path: Path) -> None:
    data = tmp_path / "small.jsonl"
    rows = [
        {"text": "wo muss ich mich anmelden", "lang": "de", "intent": "registration"},
        {"text": "моему сыну 3 года, нужен детский сад", "lang": "ru", "intent": "kita"},
        {"text": "what is the weather tomorrow", "lang": "en", "intent": "unknown", "x": 1},
    ]
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
    done = lotse("eval", str(data), "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["n"] == 3
    for key in ("intent_accuracy", "lang_accuracy", "confident_wrong_rate"):
        assert 0.0 <= result[key] <= 1.0
    assert set(result["per_lang"]) == {"de", "ru", "en"}
    assert set(result["per_lang"]["ru"]) >= {"n", "intent_accuracy", "lang_accuracy"}
    assert set(result["latency_ms"]) >= {"p50", "p99"}
    table = lotse("eval", str(data), cwd=tmp_path)
    assert "intent accuracy" in table.stdout and "per language" in table.stdout


def test_bench_json_has_the_contract_keys(tmp_path: Path) -> None:
    # A small page index: the test checks the contract, `lotse bench` itself measures at 5,000.
    done = lotse("bench", "--json", "--messages", "60", "--page-versions", "200", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result) >= {"match_per_s", "pipeline_per_s", "p99_ms", "rss_mb"}
    assert result["match_per_s"] > 0 and result["pipeline_per_s"] > 0
