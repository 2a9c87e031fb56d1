"""Password rules beyond Django's own (等保 2.0: several classes of characters)."""

import re

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

CLASSES = [
    ("大写字母", re.compile(r"[A-Z]")),
    ("小写字母", re.compile(r"[a-z]")),
    ("数字", re.compile(r"[0-9]")),
    ("特殊字符", re.compile(r"[^A-Za-z0-9]")),
]


class CharacterClassValidator:
    """At least ``min_classes`` of: upper case, lower case, digits, other characters.
    Long passphrases count their spaces and Chinese characters as "other"."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        present = sum(1 for _, pattern in CLASSES if pattern.search(password))
        if present < self.min_classes:
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、特殊字符中的至少 {self.min_classes} 类。",
                code="password_too_simple",
            )

    def get_help_text(self):
        return f"密码须包含大写字母、小写字母、数字、特殊字符中的至少 {self.min_classes} 类。"


# Django's own rules with their messages in plain Chinese: the zh-hans catalogue leaves
# the too-short message (a plural form) in English, and 「密码只包含数字。」 reads as a
# statement rather than what to do.


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return f"密码太短：至少需要 {self.min_length} 个字符。"

    def get_help_text(self):
        return f"密码至少 {self.min_length} 个字符。"


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def get_error_message(self):
        return "这个密码太常见，容易被猜到，请换一个。"

    def get_help_text(self):
        return "不能使用常见密码（如 password、12345678）。"


class NumericPasswordValidator(password_validation.NumericPasswordValidator):
    def get_error_message(self):
        return "密码不能全是数字。"

    def get_help_text(self):
        return "密码不能全是数字。"


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    def get_error_message(self):
        return "密码与您的%(verbose_name)s太相似，请换一个。"

    def get_help_text(self):
        return "密码不能与用户名、姓名等个人信息太相似。"
