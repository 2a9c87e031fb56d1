"""Validators for codes that carry their own check character."""

from django.core.exceptions import ValidationError

# GB 32100-2015 统一社会信用代码: 18 characters from this alphabet (no I, O, Z, S, V).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_character(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(char) * weight for char, weight in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """Why ``code`` is not a valid unified social credit code, or None if it is."""
    code = (code or "").strip().upper()
    if len(code) != 18:
        return "应为 18 位"
    bad = sorted({char for char in code if char not in USCC_ALPHABET})
    if bad:
        return f"含有不允许的字符「{''.join(bad)}」"
    if uscc_check_character(code[:17]) != code[17]:
        return "校验位错误"
    return None


def validate_uscc(code: str) -> None:
    problem = uscc_problem(code)
    if problem:
        raise ValidationError(f"统一社会信用代码{problem}：「{code}」", code="invalid_uscc")
