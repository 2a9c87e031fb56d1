"""Normalised company names, for finding the same investor written two ways.

"深圳安泰电子元件有限公司", "深圳安泰电子元件 有限公司" and "深圳安泰电子元件(有限公司)" are one
firm; the legal-form suffix, brackets and spaces say nothing about which firm it is.
"""

import re
from functools import lru_cache

from zhaoshang.core.parsing import normalise_text

# Longest first, so 股份有限公司 is stripped whole rather than leaving 股份.
LEGAL_SUFFIXES = sorted(
    [
        "股份有限公司",
        "有限责任公司",
        "有限公司",
        "股份公司",
        "集团公司",
        "集团",
        "总公司",
        "分公司",
        "公司",
        "合伙企业(有限合伙)",
        "合伙企业",
        "有限合伙",
        "co.,ltd.",
        "co., ltd.",
        "co.,ltd",
        "co., ltd",
        "ltd.",
        "ltd",
        "inc.",
        "inc",
        "corp.",
        "corporation",
        "limited",
        "gmbh",
    ],
    key=len,
    reverse=True,
)
_BRACKETS = re.compile(r"[()（）\[\]【】〔〕<>《》\"'“”‘’]")
_SPACES = re.compile(r"[\s·•.,，、\-_]+")


_COMPACT_SUFFIXES = [_SPACES.sub("", _BRACKETS.sub("", suffix)) for suffix in LEGAL_SUFFIXES]


@lru_cache(maxsize=65536)
def normalise_company_name(name: str) -> str:
    text = normalise_text(name).lower()
    text = _BRACKETS.sub("", text)
    text = _SPACES.sub("", text)
    changed = True
    while changed:
        changed = False
        for compact in _COMPACT_SUFFIXES:
            if text.endswith(compact) and len(text) > len(compact):
                text = text[: -len(compact)]
                changed = True
    return text
