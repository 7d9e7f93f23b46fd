"""Understanding text: normalisation, language identification and intent matching.

A leaf package: it imports nothing from ``bot`` or ``knowledge``. The composition root builds a
:class:`intents.catalogue.Catalogue` from the knowledge base and hands it to
:class:`intents.matcher.IntentMatcher` together with :func:`intents.semantic.default_encoder`.
"""
