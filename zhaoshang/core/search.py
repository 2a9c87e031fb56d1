"""Search text with pinyin initials: 「安泰电容」 is found by typing "atdr" as well.

Officers search the way they type in WeChat: by initials. Each searchable model keeps one
``search_text`` column (name, code, investor, and the pinyin initials and full pinyin of
the Chinese parts), maintained on save, so a search is one indexed LIKE, not a scan that
converts every row in Python.
"""

import unicodedata
from functools import lru_cache

from pypinyin.phrases_dict import phrases_dict
from pypinyin.pinyin_dict import pinyin_dict

from zhaoshang.core.parsing import normalise_text

# pypinyin's dictionaries, read directly: its converter costs about 0.2 ms a call, which
# made search text the largest part of a 10,000-row import. The reading is the same:
# longest known phrase first (重庆 → chong qing, 银行 → yin hang), else the character's
# most common reading; tones removed, ü written v as pypinyin's default style does.
_LONGEST_PHRASE = 6


@lru_cache(maxsize=4096)
def _plain(syllable: str) -> str:
    decomposed = unicodedata.normalize("NFD", syllable).replace("u\u0308", "v")
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _syllables(text: str) -> list[tuple[str, bool]]:
    """(pinyin syllable, True) for the Chinese characters of ``text``; (run, False) for
    the runs of anything else, kept whole as pypinyin does."""
    result, position, other = [], 0, []
    while position < len(text):
        reading = pinyin_dict.get(ord(text[position]))
        if reading is None:
            other.append(text[position])
            position += 1
            continue
        if other:
            result.append(("".join(other), False))
            other = []
        # Every phrase of the dictionary is made of characters with a reading, so only the
        # run of such characters here can hold one: digits and letters (codes, "00001号")
        # are not looked up as phrase starts five times each.
        run_end = position + 1
        while run_end < len(text) and run_end - position < _LONGEST_PHRASE and ord(text[run_end]) in pinyin_dict:
            run_end += 1
        for length in range(run_end - position, 1, -1):
            phrase = phrases_dict.get(text[position : position + length])
            if phrase is not None:
                result.extend((_plain(readings[0]), True) for readings in phrase)
                position += length
                break
        else:
            result.append((_plain(reading.split(",", 1)[0]), True))
            position += 1
    if other:
        result.append(("".join(other), False))
    return result


@lru_cache(maxsize=65536)
def _pinyin_pair(text: str) -> tuple[str, str]:
    syllables = _syllables(text)
    initials = "".join(syllable[0] if chinese else syllable for syllable, chinese in syllables)
    return initials.lower(), "".join(syllable for syllable, _ in syllables).lower()


def pinyin_initials(text: str) -> str:
    return _pinyin_pair(text)[0]


def pinyin_full(text: str) -> str:
    return _pinyin_pair(text)[1]


def build_search_text(*parts: str) -> str:
    words = [normalise_text(part).lower().replace(" ", "") for part in parts if part]
    pinyin = [pinyin_initials(word) + " " + pinyin_full(word) for word in words]
    return " ".join(words + pinyin)[:2000]


def search_terms(query: str) -> list[str]:
    """The words of a query, each to be found somewhere in ``search_text``."""
    return [word for word in normalise_text(query).lower().split(" ") if word]
