"""Who is who: an anonymous id that the browser keeps, so that a learner's drawings stay theirs across reloads.

The id is random and names no one. It lives in the session, and once the visitor stores something (a
confirmed or corrected drawing), in a cookie of this site as well: a reload or a return visit on the
same browser then starts its session with the same id, so "Mine" on Your handwriting, "Delete my
drawings" and "Adapt to my handwriting" still find what was stored before. Nothing sets the cookie
before the visitor stores something.
"""

from __future__ import annotations

import re
import uuid

import streamlit as st

COOKIE = "draw_it_visitor"
# The session's id, and whether this visitor has stored something (so that the browser should keep the id).
ID_KEY, STORED_KEY = "visitor_id", "visitor_stored"
# A year, after which an unused browser forgets the id (and with it, the way to its drawings).
COOKIE_SECONDS = 365 * 24 * 3600
# What `uuid.uuid4().hex` makes: the only cookie value taken as an id, so that nothing else is written back.
VALID_ID = re.compile(r"[0-9a-f]{32}")


def _cookie() -> str | None:
    """The id the browser sent with this session's first request, if it is one this app made."""
    sent = st.context.cookies.get(COOKIE)
    return sent if isinstance(sent, str) and VALID_ID.fullmatch(sent) else None


def visitor_id() -> str:
    """This visitor's anonymous id: the one their browser kept, else a new random one."""
    if ID_KEY not in st.session_state:
        st.session_state[ID_KEY] = _cookie() or uuid.uuid4().hex
    return st.session_state[ID_KEY]


def is_returning() -> bool:
    """Whether the browser brought an id from an earlier session, under which something may be stored."""
    return _cookie() == visitor_id()


def has_stored() -> bool:
    """Whether this visitor may have stored something: they came back with the cookie, or stored in this session."""
    return is_returning() or bool(st.session_state.get(STORED_KEY))


def _set_cookie(container) -> None:
    container.html(
        f"<script>document.cookie = '{COOKIE}={visitor_id()}; Max-Age={COOKIE_SECONDS}; Path=/; SameSite=Lax';</script>",
        unsafe_allow_javascript=True,
    )


def keep_visitor_id() -> None:
    """Ask the browser to keep this session's id in a cookie: the visitor has just stored something (a drawing, a
    network). `remember_visitor` asks again on every later run, in case this run is cut short by a rerun."""
    if not is_returning():
        _set_cookie(st)
    st.session_state[STORED_KEY] = True


def remember_visitor() -> None:
    """Ask again on every run (app.py) once the visitor has stored something, until a session starts with the cookie.

    The browser runs the script once, when the element first appears; a page that stored something and then
    reran at once (the Train page after "Start training") may have dropped the first one.
    """
    if st.session_state.get(STORED_KEY) and not is_returning():
        _set_cookie(st.sidebar)
