"""Dialogues of several steps, each resumed by the router while it is in progress."""
