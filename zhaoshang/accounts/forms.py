from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.utils import timezone

from zhaoshang.accounts.choices import Role
from zhaoshang.accounts.models import Unit, User
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


class UnitForm(StyledFormMixin, forms.ModelForm):
    """Create or edit a unit. Aliases are typed one per line (or separated by ；)."""

    aliases_text = forms.CharField(
        label="别名",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="台账中可能出现的其他写法，每行一个，例如「城关镇人民政府」。",
    )
    division_code = forms.CharField(label="行政区划代码", required=False, max_length=12, help_text="可选，如 340102。")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Unit
        fields = ["code", "name", "short_name", "type", "parent", "sort_order", "active"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Unit.objects.restrict(user).filter(active=True)
        if self.instance.pk:
            parents = parents.exclude(path__startswith=self.instance.path)
            self.fields["aliases_text"].initial = "\n".join(self.instance.aliases)
            self.fields["division_code"].initial = self.instance.division.code if self.instance.division_id else ""
            self.fields["version"].initial = self.instance.version
        self.fields["parent"].queryset = parents
        self.fields["parent"].empty_label = "（无，作为最上级单位）"

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if Unit.objects.exclude(pk=self.instance.pk).filter(code=code).exists():
            raise ValidationError("单位编码已被使用，请换一个。")
        return code

    def clean_division_code(self):
        from zhaoshang.reference.models import Division

        code = self.cleaned_data["division_code"].strip()
        if not code:
            return None
        division = Division.objects.filter(code=code).first()
        if division is None:
            raise ValidationError(f"行政区划代码「{code}」不存在。")
        return division

    def save(self, commit=True):
        from zhaoshang.accounts.models import normalise_aliases

        unit = super().save(commit=False)
        unit.aliases = normalise_aliases(self.cleaned_data["aliases_text"])
        unit.division = self.cleaned_data["division_code"]
        return unit


class UserCreateForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["username", "name", "role", "unit", "phone", "title", "is_service_account"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.restrict(user).filter(active=True)
        self.fields["unit"].required = False
        self.fields["unit"].empty_label = "（系统管理员、审计员可不选）"
        self.fields["is_service_account"].help_text = (
            "供其他系统（如数据共享平台）调用接口：没有密码、不能登录页面，按所选角色和单位看到数据；"
            "创建后在 API 令牌页面为其签发令牌。"
        )
        self.fields["username"].help_text = "登录用，字母、数字或 @.+-_，创建后不能修改。"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") in (Role.LEADER, Role.BUREAU, Role.OFFICER) and not cleaned.get("unit"):
            self.add_error("unit", "领导、招商局和单位填报员必须选择所属单位。")
        return cleaned


# 三权分立: the system admin must not make themselves a business user (or the auditor).
SELF_ROLE_MESSAGE = "不能修改自己的角色，请由另一名系统管理员办理。"


class UserEditForm(StyledFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = User
        fields = ["name", "role", "unit", "phone", "title"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.restrict(user).filter(active=True)
        self.fields["unit"].required = False
        self.fields["version"].initial = self.instance.version
        self.editor = user

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") in (Role.LEADER, Role.BUREAU, Role.OFFICER) and not cleaned.get("unit"):
            self.add_error("unit", "领导、招商局和单位填报员必须选择所属单位。")
        if self.editor is not None and self.editor.pk == self.instance.pk and cleaned.get("role") != self.editor.role:
            self.add_error("role", SELF_ROLE_MESSAGE)
        return cleaned


class SecondFactorCodeForm(StyledFormMixin, forms.Form):
    """A six-digit code from the authenticator app, or (where allowed) a recovery code."""

    code = forms.CharField(
        label="验证码",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
        error_messages={"required": "请输入验证码。"},
    )


class SecondFactorRemovalForm(StyledFormMixin, forms.Form):
    """Removing someone's second factor (a lost phone) says why, for the audit log."""

    reason = forms.CharField(
        label="原因", max_length=200, error_messages={"required": "请说明原因，例如「手机丢失，本人电话确认」。"}
    )
