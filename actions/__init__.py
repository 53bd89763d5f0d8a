"""Rasa custom actions: thin adapters that read slots, call `bot/`, and emit events.

One action per module, named `action_<verb>_<noun>` with class `Action<Verb><Noun>`.
"""
