"""The search page's results, rendered once and shared by every buyer until a firm changes.

A search page costs 40–90 ms of CPU (the words, the facet counts, the cards' template), and the
same searches come back all day ("dap", "co khi" in Đà Nẵng…). So the block below the search box
(facets, result count, cards, paging) is kept as HTML in Django's cache — Redis in production,
shared by every web process — keyed by the URL's parameters, the language and the day
(certificates count when valid on it). The block is rendered without the request, so nothing of
one user (name, CSRF token, organisation) can end up in another's page; who may search at all is
checked before the cache is read.

Freshness. Every change to a firm (``services.profile_changed``), a firm's deletion and a change
to the facets' labels (provinces, sectors, terms, clusters) bumps a *generation*. A block of an
older generation is still served while it is younger than ``SEARCH_CACHE_LAG_SECONDS`` (2 s by
default), then computed again: like a search engine's refresh interval, a search is at most that
far behind the latest edit, and a burst of edits does not turn every search into a miss. The
generation is bumped at the change and again when its transaction commits, so a search made
between the two cannot keep what was there before the commit. Blocks expire after
``SEARCH_CACHE_SECONDS`` (300 s; 0 turns the cache off), which also bounds how long a block in
an old layout outlives a deployment (or bump ``LAYOUT``). With Redis down the cache answers empty
and every search is computed.
"""

import hashlib
import json
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

GENERATION = "suppliers:search:generation"
LABELS_GENERATION = "suppliers:search:labels:generation"
LAYOUT = 1  # the block's template: bump when a change to it must not wait for SEARCH_CACHE_SECONDS


def block(params, day, render: Callable[[], str]) -> str:
    """The results block for ``params`` (the URL's QueryDict) on ``day``: cached, or ``render()``."""
    if settings.SEARCH_CACHE_SECONDS <= 0:
        return render()
    key = _key(params, day)
    found = cache.get_many([GENERATION, key])
    generation = found.get(GENERATION) or _start(GENERATION)
    entry = found.get(key)
    if entry is not None and _fresh(entry, generation):
        return mark_safe(entry["html"])  # noqa: S308 (our own template's output, escaped when rendered)
    started = time.time()  # what the block shows was read after this moment
    html = render()
    cache.set(key, {"generation": generation, "read": started, "html": html}, settings.SEARCH_CACHE_SECONDS)
    return html


def bump() -> None:
    """Say that firms' search data changed: now, and again when the current transaction commits."""
    _bump(GENERATION)


def labels(read: Callable[[], dict]) -> dict:
    """The facets' labels in the active language (``read()`` when not cached), kept until a
    province, sector, term or cluster changes (``labels_changed``): four queries every search
    saved for data that changes a few times a year. Not tied to the firms' generation, which
    every edit bumps."""
    if settings.SEARCH_CACHE_SECONDS <= 0:
        return read()
    generation = cache.get(LABELS_GENERATION) or _start(LABELS_GENERATION)
    key = f"suppliers:search:labels:{get_language()}:{generation}"
    found = cache.get(key)
    if found is None:
        found = read()
        cache.set(key, found, settings.SEARCH_CACHE_SECONDS)
    return found


def labels_changed() -> None:
    """Say that a facet's labels changed: now, and again when the current transaction commits."""
    _bump(LABELS_GENERATION)


def _fresh(entry: dict, generation: str) -> bool:
    age = time.time() - entry["read"]
    return entry["generation"] == generation or age < settings.SEARCH_CACHE_LAG_SECONDS


def _key(params, day) -> str:
    items = sorted((name, value) for name in params for value in params.getlist(name))
    described = json.dumps([LAYOUT, items, get_language(), day.isoformat()])
    return f"suppliers:search:{hashlib.sha256(described.encode()).hexdigest()}"


def _bump(name: str) -> None:
    """A new generation ``name`` now, and again when the current transaction commits: a read made
    between the change and its commit cannot be kept as current."""

    def renew() -> None:
        cache.set(name, uuid.uuid4().hex, None)

    renew()
    transaction.on_commit(renew)


def _start(name: str) -> str:
    """The generation ``name`` when the cache has none (first search, or Redis emptied): a new one,
    so nothing cached before can pass as current."""
    cache.add(name, uuid.uuid4().hex, None)
    return cache.get(name) or uuid.uuid4().hex
