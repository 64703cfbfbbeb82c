"""How case search compares what someone typed with case numbers, pseudonyms and names.

People type "LM" for the pseudonym "L.M.", "2026-12" for "BR-2026-000012", "oconnor" for
"O'Connor" and "lucia" for "Lucía", so both sides are reduced to a *search key*: without accents,
upper case, with spaces and punctuation left out. A term matches when its key is part of a stored
key (`LIKE '%key%'`). A term whose key has one or two characters has no trigram for an index to find
it by, and as a part of names and numbers it would match a share of all cases: it matches a
pseudonym whole instead ("LM" finds "L.M."), through an index on the pseudonym's key and the
list's order (`case_pseudonym_key`).

Keys are computed by PostgreSQL (`bridge_search_key`, an immutable SQL function created by
migration `casework/0014_case_search_keys`, over text and over arrays of text), so the term and
the stored values are folded by the same rules whatever the characters. Each searchable row keeps
its key in a stored generated column, kept up to date by PostgreSQL on every write:
`Case.search_key` (number and pseudonym) and `IdentitySection.search_key` (legal name and
aliases), each with a trigram index (`gin_trgm_ops`) that serves the `LIKE`.

Which cases' names a reader may search is the access layer's answer
(`casework.access.case_found_filter`, which writes the match out as SQL once), applied in
`casework.selectors.case_search_filter`.
"""

from django.contrib.postgres.fields import ArrayField
from django.db.models import Func, TextField

# Left out of every search key, and the same in `bridge_search_key` (migration 0010). `|` joins the
# keys of one row's values (number and pseudonym, name and aliases), so a term without it never
# matches across two of them.
IGNORED_CHARACTERS = " .,-_'\"/()#:;|\u2018\u2019\u2013\u2014"  # and curly quotes, en and em dashes

_IGNORED = str.maketrans("", "", IGNORED_CHARACTERS)


def is_short_term(term: str) -> bool:
    """Whether a term's key is too short for a trigram (under three characters): no index can
    find what it matches."""
    return len(term.translate(_IGNORED).strip()) < 3


def has_search_key(term: str) -> bool:
    """Whether a term has anything to match once spaces and punctuation are left out; a term of
    punctuation alone is no search at all."""
    return bool(term.translate(_IGNORED).strip())


class SearchKey(Func):
    """`bridge_search_key(value)`: without accents, upper case, without spaces and punctuation;
    over an array of text, the keys of its elements joined by `|`."""

    function = "bridge_search_key"
    output_field = TextField()


class TextArray(Func):
    """`ARRAY[a, b]::text[]`: text columns as one array, for `SearchKey`."""

    template = "ARRAY[%(expressions)s]::text[]"
    output_field = ArrayField(TextField())


class ArrayConcat(Func):
    """`(a || b)`: arrays of text one after the other."""

    template = "(%(expressions)s)"
    arg_joiner = " || "
    output_field = ArrayField(TextField())
