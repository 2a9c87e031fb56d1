from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.utils import timezone

from zhaoshang.accounts.services import lockout_until
from zhaoshang.core.choices import AuditAction
from zhaoshang.core.forms import StyledFormMixin
from zhaoshang.core.models import AuditLog


class LoginForm(forms.Form):
    """Sign-in with lockout by user name. The same message for an unknown user and a
    wrong password, so the form does not tell which user names exist."""

    username = forms.CharField(
        label="用户名", max_length=150, widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"})
    )
    password = forms.CharField(
        label="密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    error_messages = {
        "invalid_login": "用户名或密码错误。",
        "locked": "连续登录失败次数过多，账号已锁定，请于 {until} 后再试。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user_cache = None
        super().__init__(*args, **kwargs)

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or password is None:
            return self.cleaned_data
        until = lockout_until(username)
        if until is not None:
            AuditLog.record(AuditAction.LOGIN_LOCKED, None, username=username, detail="账号锁定期间尝试登录")
            raise ValidationError(
                self.error_messages["locked"].format(until=timezone.localtime(until).strftime("%H:%M")),
                code="locked",
            )
        self.user_cache = authenticate(self.request, username=username, password=password)
        if self.user_cache is None:
            # authenticate() has sent user_login_failed, which wrote the audit row.
            if lockout_until(username) is not None:
                AuditLog.record(AuditAction.LOGIN_LOCKED, None, username=username, detail="连续登录失败，账号锁定")
            raise ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        return self.cleaned_data

    def get_user(self):
        return self.user_cache


class OwnPasswordChangeForm(StyledFormMixin, SetPasswordForm):
    """Change one's own password: the old one first, then the new one twice."""

    old_password = forms.CharField(
        label="原密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    field_order = ["old_password", "new_password1", "new_password2"]

    def clean_old_password(self):
        old = self.cleaned_data["old_password"]
        if not self.user.check_password(old):
            raise ValidationError("原密码不正确。", code="password_incorrect")
        return old

    def clean(self):
        cleaned = super().clean()
        new = cleaned.get("new_password1")
        if new and self.user.check_password(new):
            raise ValidationError("新密码不能与原密码相同。")
        return cleaned
