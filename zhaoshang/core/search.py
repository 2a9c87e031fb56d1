"""Search text with pinyin initials: 「安泰电容」 is found by typing "atdr" as well.

Officers search the way they type in WeChat: by initials. Each searchable model keeps one
``search_text`` column (name, code, investor, and the pinyin initials and full pinyin of
the Chinese parts), maintained on save, so a search is one indexed LIKE, not a scan that
converts every row in Python.
"""

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

from zhaoshang.core.parsing import normalise_text


@lru_cache(maxsize=65536)
def pinyin_initials(text: str) -> str:
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")).lower()


@lru_cache(maxsize=65536)
def pinyin_full(text: str) -> str:
    return "".join(lazy_pinyin(text, errors="default")).lower()


def build_search_text(*parts: str) -> str:
    words = [normalise_text(part).lower().replace(" ", "") for part in parts if part]
    pinyin = [pinyin_initials(word) + " " + pinyin_full(word) for word in words]
    return " ".join(words + pinyin)[:2000]


def search_terms(query: str) -> list[str]:
    """The words of a query, each to be found somewhere in ``search_text``."""
    return [word for word in normalise_text(query).lower().split(" ") if word]
