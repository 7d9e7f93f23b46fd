"""`lotse bench`: the dev-set headline and the scripted conversation mix next to it."""

from __future__ import annotations

from pathlib import Path

from bot.bench import conversation_scripts, run_bench
from bot.settings import Settings
from knowledge.loader import ExampleText


def example(intent: str, lang: str, text: str) -> ExampleText:
    return ExampleText(intent=intent, lang=lang, text=text)


EXAMPLES = (
    example("greeting", "de", "hallo"),
    example("thanks", "de", "danke"),
    example("registration", "de", "wo muss ich mich anmelden"),
    example("kita", "de", "ich suche einen kitaplatz"),
    example("greeting", "tr", "merhaba"),
    example("thanks", "tr", "teşekkürler"),
    example("kita", "tr", "kreş yeri arıyorum"),
    example("greeting", "so", "salaan"),
)


def test_conversation_scripts_are_deterministic_and_in_every_language_that_can_talk() -> None:
    scripts = conversation_scripts(EXAMPLES, 6)
    assert scripts == conversation_scripts(EXAMPLES, 6)
    greetings = {script.greeting for script in scripts}
    assert greetings == {"hallo", "merhaba"}, "a language without questions or thanks is left out"
    questions = [script.question for script in scripts]
    assert len(set(questions)) == len(questions), "each question carries its own typo"
    assert all(q not in {e.text for e in EXAMPLES} for q in questions)


async def test_bench_reports_the_dev_set_and_the_conversation_mix(tmp_path: Path) -> None:
    settings = Settings(semantic=False, cache_dir=tmp_path / "cache")
    result = await run_bench(settings, messages=40)
    assert result["corpus"] == "dev-set"
    assert isinstance(result["pipeline_per_s"], float) and result["pipeline_per_s"] > 0
    conversation = result["pipeline_conversation_per_s"]
    assert isinstance(conversation, float) and conversation > 0
    messages = result["pipeline_conversation_messages"]
    pipeline = result["pipeline_messages"]
    assert isinstance(messages, int) and isinstance(pipeline, int) and messages >= pipeline
