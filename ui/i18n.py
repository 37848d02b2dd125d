"""The app in two languages, English and Simplified Chinese, from one gettext message catalogue.

English strings are the message ids, written in the pages as `_("...")`; their Chinese translations are
in locales/zh_CN/LC_MESSAGES/messages.po, read with Babel. The language is chosen in the sidebar
(`app.py`) and kept in the session. A message with no translation is shown in English and recorded in
`MISSING`, which the tests read: no page may show an untranslated string.
"""

from __future__ import annotations

import functools

import streamlit as st

from classifier.core.settings import PROJECT_ROOT

LANGUAGES = {"en": "English", "zh_CN": "简体中文"}
LANGUAGE_KEY = "language"
# The switch is labelled in both languages, so that a reader of either finds it.
SWITCH_LABEL = "Language · 语言"
LOCALES_DIR = PROJECT_ROOT / "locales"
# Message ids asked for in a language that has no translation for them (the tests check it stays empty).
MISSING: set[str] = set()


@functools.cache
def catalogue(language: str) -> dict[str, str]:
    """{English message: translation} of a language, from its .po file."""
    from babel.messages.pofile import read_po

    with open(LOCALES_DIR / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return {message.id: message.string for message in read_po(handle) if message.id and message.string}


def language() -> str:
    """The language this session chose, English by default."""
    return st.session_state.get(LANGUAGE_KEY) or "en"


def per_language(key: str) -> str:
    """The key of a choice box whose options are translated: a different one in each language.

    The browser keeps showing the label of a box's chosen option across reruns, even when the option's
    label has changed: after a switch to Chinese, "I drew a …" still read "(not saying)". With its own
    key in each language, the box starts anew, with labels in the new language.
    """
    return f"{key}-{language()}"


def _(message: str) -> str:
    """The message in this session's language. Messages with no letters (digits, numbers) need no translation."""
    current = language()
    if current == "en" or not any(character.isalpha() for character in message):
        return message
    translated = catalogue(current).get(message)
    if translated is None:
        MISSING.add(message)
        return message
    return translated


def class_names(names: tuple[str, ...]) -> tuple[str, ...]:
    """A task's class names in this session's language (T-shirt/top becomes T恤/上衣)."""
    return tuple(_(name) for name in names)
