"""Resolve what people type to vocabulary terms ("dap", "stamping" and "dập" → one process)."""

from portal.models import Term
from portal.text import fold


def term_index(kind: str) -> dict[str, Term]:
    """Every folded spelling of every term of one kind → the term."""
    index: dict[str, Term] = {}
    for term in Term.objects.filter(kind=kind):
        for key in term.search_keys.splitlines():
            index.setdefault(key, term)
    return index


def resolve_term(kind: str, text: str, index: dict[str, Term] | None = None) -> Term | None:
    """The term of ``kind`` whose code, name or synonym folds to the same key as ``text``."""
    key = fold(text)
    if not key:
        return None
    index = index if index is not None else term_index(kind)
    return index.get(key)
