"""The `lotse` command: chat, ask, eval, kb validate, kb coverage, bench, run."""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from pathlib import Path

import click

from bot.errors import ConfigError, KnowledgeError, StorageError
from bot.integreat_command import import_integreat
from bot.logcontext import configure_logging
from bot.settings import Settings
from bot.staff_commands import bookings, report


def _settings(**overrides: object) -> Settings:
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    return settings.model_copy(update=overrides) if overrides else settings


def _run(coro: object) -> object:
    try:
        return asyncio.run(coro)  # type: ignore[arg-type]
    except KnowledgeError as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        raise SystemExit(1) from exc
    except (ConfigError, StorageError) as exc:
        raise click.ClickException(str(exc)) from exc


@click.group()
def main() -> None:
    """Lotse: first guidance for newcomers, in their own language."""


@main.command()
@click.option("--lang", "lang", default=None, help="Language code to start in (a hint).")
@click.option("--user", default="console", show_default=True, help="Conversation name.")
def chat(lang: str | None, user: str) -> None:
    """Talk to the bot in the terminal (stdin may be a pipe)."""
    from adapters.console import ConsoleAdapter
    from bot.app import build_core, serve

    configure_logging("WARNING")
    settings = _settings()

    async def go() -> None:
        console = ConsoleAdapter(user=user, lang_hint=lang)
        core = await build_core(settings, adapters=(console,))
        try:
            await serve(core, (console,), watch_knowledge=False)
        finally:
            await core.close()

    _run(go())


@main.command()
@click.argument("text")
@click.option("--lang-hint", default=None, help="A language hint, e.g. the client's language.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def ask(text: str, lang_hint: str | None, as_json: bool) -> None:
    """Send one message and print what the bot understood and answers."""
    from adapters.console import render
    from adapters.memory import MemoryAdapter
    from bot.app import build_core
    from bot.pages_answer import consults_pages, look_up, sentences
    from intents.page_answers import PageDecision

    configure_logging("WARNING")

    async def go() -> dict[str, object]:
        with tempfile.TemporaryDirectory() as tmp:
            settings = _settings(database_url=f"sqlite:///{Path(tmp) / 'ask.sqlite3'}")
            memory = MemoryAdapter("ask")
            core = await build_core(settings, adapters=(memory,))
            try:
                kb, texts, understanding = core.knowledge()
                understood = understanding.understand(text, hints=(lang_hint,))
                # The router's own page look-up, for the page it answered from (if any).
                found = None
                if consults_pages(understood):
                    lang = texts.serving_language(understood.lang)
                    found = look_up(understanding.pages, kb, text, None, lang)
                memory.bind(core.dispatcher)
                replies = await memory.say("ask", text, lang_hint=lang_hint)
            finally:
                await core.close()
        answered = found is not None and found.decision is PageDecision.ANSWER
        return {
            "lang": understood.lang,
            "intent": understood.intent,
            "confidence": round(understood.confidence, 4),
            "decision": understood.decision,
            "reply": "\n\n".join(render(r) for r in replies),
            "alternatives": [
                {"intent": i, "confidence": round(c, 4)} for i, c in understood.alternatives
            ],
            "page": _page_json(found) if answered else None,
            "sentences": list(sentences(found)) if answered and found else [],
        }

    result = _run(go())
    assert isinstance(result, dict)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
    else:
        click.echo(f"[{result['lang']}] {result['intent']} ({result['confidence']})")
        click.echo(str(result["reply"]))


def _page_json(found: object) -> dict[str, str] | None:
    from intents.page_answers import PageAnswer

    if not isinstance(found, PageAnswer) or not found.hits:
        return None
    hit = found.hits[0]
    return {
        "city": hit.page.city,
        "page_id": hit.page.page_id,
        "title": hit.version.title,
        "url": hit.page.url(hit.version.lang),
    }


@main.command("eval")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def eval_(file: Path, as_json: bool) -> None:
    """Measure understanding on a JSON Lines file of {text, lang, intent}."""
    from bot.app import load_knowledge_store
    from bot.evaluation_report import render_report
    from intents.evaluation import evaluate, load_jsonl

    configure_logging("WARNING")
    try:
        store = load_knowledge_store(_settings())
    except KnowledgeError as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        raise SystemExit(1) from exc
    items = load_jsonl(file)
    _, _, understanding = store()
    result = evaluate(understanding.matcher, items)
    click.echo(json.dumps(result, ensure_ascii=False) if as_json else render_report(result))


@main.group()
def qa() -> None:
    """Open-world answers: page retrieval and answer extraction."""


@qa.command("eval")
@click.argument("questions", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--pages",
    "pages_files",
    multiple=True,
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A JSON Lines file of pages (repeat for more).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def qa_eval(questions: Path, pages_files: tuple[Path, ...], as_json: bool) -> None:
    """Measure page retrieval and answer extraction on OMoS-QA style files."""
    from bot.app import encoder_factory
    from intents.page_answers import PageAnswerer
    from intents.page_search import PageIndex
    from intents.qa_evaluation import evaluate_qa, load_questions
    from knowledge.pages import read_pages_files

    configure_logging("WARNING")
    settings = _settings()
    try:
        pages = read_pages_files(list(pages_files))
        items = load_questions(questions)
    except ValueError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from exc
    index = PageIndex(pages, encoder=encoder_factory(settings)(), cache_dir=settings.cache_dir)
    result = evaluate_qa(PageAnswerer(index), items)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    retrieval = result["retrieval"]
    extraction = result["extraction"]
    click.echo(f"questions: {result['n']}")
    click.echo(f"retrieval: {retrieval}")
    click.echo(f"extraction: {extraction}")
    click.echo(f"latency_ms: {result['latency_ms']}")


@main.group()
def kb() -> None:
    """Knowledge-base tools."""


@kb.command()
@click.argument("directory", required=False, type=click.Path(path_type=Path))
def validate(directory: Path | None) -> None:
    """Check a knowledge base; print one `path:line: message` per problem."""
    from knowledge.loader import validate_dir

    if directory is None:
        directory = _settings().knowledge_dir
    ok, lines = validate_dir(directory)
    for line in lines:
        click.echo(line)
    sys.exit(0 if ok else 1)


# -- the Integreat import (bot/integreat_command.py) --------------------------------------
kb.add_command(import_integreat)

# -- staff and admin reports (bot/staff_commands.py) --------------------------------------
main.add_command(bookings)
main.add_command(report)


@kb.command()
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def coverage(directory: Path | None, as_json: bool) -> None:
    """What the knowledge lacks: missing office facts, unreviewed translations."""
    from knowledge.coverage import coverage as build_report
    from knowledge.coverage import coverage_table
    from knowledge.loader import load_knowledge

    if directory is None:
        directory = _settings().knowledge_dir
    try:
        kb = load_knowledge(directory)
    except KnowledgeError as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        sys.exit(1)
    report = build_report(kb)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
    else:
        click.echo("\n".join(coverage_table(report)))


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--messages", default=2000, show_default=True, help="Messages per measurement.")
@click.option(
    "--pages",
    "pages_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Pages (JSON Lines) for the page search figures; default: the OMoS-QA test sample.",
)
@click.option(
    "--questions",
    "questions_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Questions (OMoS-QA JSON Lines) timed against those pages.",
)
@click.option(
    "--page-versions",
    default=5000,
    show_default=True,
    help="Copy the pages under other city ids until the index holds this many versions.",
)
@click.option(
    "--burst",
    default=None,
    metavar="NxM",
    help="Instead: N conversations x M messages handed to the core at once (e.g. 1000x5); "
    "reports answered, apologies, replies sent twice and the p99 time to the answer.",
)
@click.option(
    "--database",
    default=None,
    help="Database for --burst (e.g. postgresql://...); default: LOTSE_DATABASE_URL.",
)
def bench(
    as_json: bool,
    messages: int,
    pages_files: tuple[Path, ...],
    questions_files: tuple[Path, ...],
    page_versions: int,
    burst: str | None,
    database: str | None,
) -> None:
    """Measure matching speed, pipeline throughput, page search and memory."""
    from bot.bench import run_bench

    configure_logging("WARNING")
    if burst is not None:
        from bot.burst import parse_burst, run_burst

        try:
            conversations, per_conversation = parse_burst(burst)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--burst") from exc
        settings = _settings(**({"database_url": database} if database else {}))
        outcome = _run(
            run_burst(settings, conversations=conversations, per_conversation=per_conversation)
        )
        result = outcome.as_dict()  # type: ignore[attr-defined]
    else:
        result = _run(
            run_bench(
                _settings(),
                messages=messages,
                pages_files=pages_files,
                questions_files=questions_files,
                page_versions=page_versions,
            )
        )
    assert isinstance(result, dict)
    if as_json:
        click.echo(json.dumps(result))
    else:
        for key, value in result.items():
            click.echo(f"{key:>18}: {value}")


@main.command()
def run() -> None:
    """Start the channels the environment configures (Telegram, Matrix, staff rooms)."""
    from bot.runner import run_configured

    settings = _settings()
    configure_logging(settings.log_level, log_format=settings.log_format)
    _run(run_configured(settings))


@main.group()
def db() -> None:
    """Database tools."""


@db.command()
def upgrade() -> None:
    """Create or migrate the database named by LOTSE_DATABASE_URL."""
    from bot.storage.database import Database

    async def go() -> None:
        database = Database(_settings().database_url)
        try:
            await database.migrate()
        finally:
            await database.close()

    _run(go())
    click.echo("database is up to date")


@main.group()
def cache() -> None:
    """The sentence-vector cache."""


@cache.command("build")
def cache_build() -> None:
    """Compute the vectors of the bundled examples and store them in the package (commit the
    file: a fresh install then answers without encoding them)."""
    from bot.vector_bundle import build_bundle, bundle_path
    from intents.semantic import E5Encoder
    from knowledge.loader import BUNDLED_DIR, load_knowledge

    configure_logging("WARNING")
    settings = _settings()
    try:
        kb = load_knowledge(BUNDLED_DIR)
    except KnowledgeError as exc:
        raise click.ClickException("\n".join(exc.problems)) from exc
    encoder = E5Encoder()
    target = bundle_path(encoder)
    count = build_bundle(kb, encoder, settings.cache_dir, target)
    click.echo(f"{count} example vectors written to {target}")


@main.group()
def privacy() -> None:
    """What the bot stores about people."""


@privacy.command("report")
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of a table.")
def privacy_report(as_json: bool) -> None:
    """What is stored, how many rows, the oldest, and how long each is kept."""
    from bot.app import retention_policy
    from bot.retention import report as stored
    from bot.storage.database import Database

    settings = _settings()

    async def go() -> list[dict[str, object]]:
        database = Database(settings.database_url)
        try:
            await database.migrate()
            lines = await stored(database, retention_policy(settings))
        finally:
            await database.close()
        return [
            {"what": k.what, "table": k.table, "holds": k.holds, "kept": k.kept,
             "rows": k.rows, "oldest": k.oldest.isoformat() if k.oldest else None}
            for k in lines
        ]  # fmt: skip

    lines = _run(go())
    assert isinstance(lines, list)
    if as_json:
        click.echo(json.dumps({"stored": lines}, ensure_ascii=False))
        return
    for line in lines:
        oldest = str(line["oldest"])[:10] if line["oldest"] else "-"
        click.echo(f"{line['what']:<22} {line['rows']:>7} rows  oldest {oldest:<10}  "
                   f"kept {line['kept']}")  # fmt: skip
        click.echo(f"{'':<22} holds: {line['holds']}")
    click.echo(
        "Message text is never stored, except the transcript of an open handover case and the"
        " masked text of questions nothing answered (no user id; see `lotse report unanswered`)."
    )


__all__ = ["main"]
