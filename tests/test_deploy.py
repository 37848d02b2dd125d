"""Two app processes behind nginx (deploy/serve.py), sharing one PostgreSQL corrections database."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from classifier.store.corrections import CorrectionStore
from classifier.store.database import DATABASE_URL_ENV
from deploy.serve import cluster
from harness import browser

pytestmark = [pytest.mark.browser, pytest.mark.needs_debian("nginx")]


@pytest.fixture
def shared_database(postgres_url, monkeypatch) -> str:
    """A new database on the test PostgreSQL server, named in the environment the app processes inherit."""
    name = f"deploy_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_url.replace("postgresql+psycopg", "postgresql"), autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    url = postgres_url.rsplit("/", 1)[0] + f"/{name}"
    monkeypatch.setenv(DATABASE_URL_ENV, url)
    return url


def test_four_users_behind_nginx_each_get_their_answer_and_their_corrections_land_in_one_database(shared_database):
    digits = ["1", "0", "7", "4"]
    with (
        cluster(2, f"127.0.0.1:{browser.free_port()}") as (url, backends, _),
        browser.chromium() as chromium,
        browser.users_drawing(chromium, url, digits) as (pages, seen),
    ):
        assert seen == [[digit] for digit in digits]
        for page, digit in zip(pages, digits):
            page.get_by_role("button", name=f"Yes, it is {digit}").click()
            page.get_by_text(f"Saved as {digit}").wait_for(timeout=30_000)
        assert sum(browser.exceptions_on(page) for page in pages) == 0
        # Each browser kept to one process, and both processes served someone.
        routes = [{cookie["value"] for cookie in page.context.cookies() if cookie["name"] == "streamlit_route"} for page in pages]
        assert all(len(route) == 1 for route in routes)
        assert set().union(*routes) == set(backends)
    stored = CorrectionStore(shared_database).corrections("digits")
    assert sorted(str(correction.label) for correction in stored) == sorted(digits)
    assert len({correction.session_id for correction in stored}) == len(digits)
