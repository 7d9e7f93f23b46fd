"""The knowledge base tests itself: every example utterance is understood as its own intent."""

from __future__ import annotations

from collections import defaultdict

from bot.knowledge_store import KnowledgeStore


def test_every_example_matches_its_own_intent(knowledge_store: KnowledgeStore) -> None:
    kb, _, understanding = knowledge_store()
    wrong: list[str] = []
    for example in kb.examples:
        understood = understanding.understand(example.text, hints=(example.lang,))
        if understood.intent != example.intent:
            wrong.append(
                f"examples/{example.lang}.yaml: '{example.text}' is {example.intent}, "
                f"understood as {understood.intent} ({understood.decision})"
            )
    assert not wrong, f"{len(wrong)} examples do not match their intent:\n" + "\n".join(wrong)


def test_no_example_is_listed_under_two_intents(knowledge_store: KnowledgeStore) -> None:
    kb, _, _ = knowledge_store()
    intents_of: dict[tuple[str, str], set[str]] = defaultdict(set)
    for example in kb.examples:
        intents_of[(example.lang, example.text.casefold().strip())].add(example.intent)
    clashes = {key: found for key, found in intents_of.items() if len(found) > 1}
    assert not clashes
