"""Columns of the project ledger that an app above imports declares (签约活动, 签约文书 …).

The ledger import sits below the apps that know what such a column means (fieldwork knows
campaigns; imports must not import it). An app registers a ``LedgerExtension`` — the
columns' header words, how a cell is parsed, what the database says of the parsed rows
(errors, notes for the preview), and what is written once the projects are saved, inside
the commit's transaction (so the file still imports all or nothing) — from its module
``import_specs``, which ``ImportsConfig.ready`` finds. The pipeline's guarantees hold: a
row's error refuses the file unless excluded, and an extension's write must change
nothing when what it would write is already there (re-import changes nothing).
"""

from zhaoshang.imports.headers import LEDGER_SYNONYMS


class LedgerExtension:
    key: str = ""
    # field (the key in ``row.values``) → the words a header may use for it, most specific first
    columns: dict[str, list[str]] = {}

    def parse(self, field: str, cell):
        """The cell's value (None when blank); raise core.parsing.ParseError in Chinese."""
        raise NotImplementedError

    def resolve(self, user, unit, rows: list, label) -> None:
        """After the rows are matched: file errors (``row.errors[label(field)]``) and notes
        (``row.notes``) that only the database can tell. Rows with an error are not imported."""

    def write(self, user, batch, rows: list) -> None:
        """After the rows' projects are saved (``row.project_id`` set), inside the commit's
        transaction. ``rows``: the rows imported and those unchanged (a column may have
        something to record for a project whose own fields did not change)."""


_EXTENSIONS: dict[str, LedgerExtension] = {}


def register_ledger_extension(extension: LedgerExtension) -> LedgerExtension:
    """Add (or, under the same key, replace) an extension; its fields must be new ones."""
    taken = set(LEDGER_SYNONYMS) | {
        name for other in _EXTENSIONS.values() if other.key != extension.key for name in other.columns
    }
    clash = taken & set(extension.columns)
    if not extension.key or clash:
        raise ValueError(f"a ledger extension needs a key and fields of its own ({sorted(clash)})")
    _EXTENSIONS[extension.key] = extension
    return extension


def ledger_extensions() -> list[LedgerExtension]:
    return list(_EXTENSIONS.values())


def ledger_synonyms() -> dict[str, list[str]]:
    """The ledger's own header words and the extensions' (exact matches come first in
    ``headers.match_field``, so 签约活动 is not read as 签约 = the signing date)."""
    words = dict(LEDGER_SYNONYMS)
    for extension in _EXTENSIONS.values():
        words.update(extension.columns)
    return words
