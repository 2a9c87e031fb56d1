from html import escape

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from zhaoshang.accounts import mfa, sso
from zhaoshang.accounts.filtersets import UnitFilterSet, UserFilterSet
from zhaoshang.accounts.forms import LoginForm, OwnPasswordChangeForm, UnitForm, UserCreateForm, UserEditForm
from zhaoshang.accounts.models import Unit, User
from zhaoshang.accounts.services import (
    change_own_password,
    change_role,
    create_user,
    password_expired,
    reset_password,
    set_active,
)
from zhaoshang.core import generic
from zhaoshang.core.choices import Action
from zhaoshang.core.columns import Column, Columns, shown_text
from zhaoshang.core.models import StaleEditError


@sensitive_post_parameters()
@csrf_protect
@never_cache
def login_view(request):
    if request.user.is_authenticated:
        return redirect("core:home")
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.get_user())
        target = request.POST.get("next") or request.GET.get("next") or ""
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = ""
        return redirect(target or "core:home")
    context = {
        "form": form,
        "next": request.GET.get("next", ""),
        "sso_enabled": sso.enabled(),
        "sso_button": settings.ZHAOSHANG_OIDC_BUTTON,
    }
    return render(request, "accounts/login.html", context)


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, "您已安全退出。")
    return redirect("accounts:login")


@sensitive_post_parameters()
@login_required
def password_change_view(request):
    form = OwnPasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        change_own_password(request.user, form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, "密码已修改。")
        return redirect("core:home")
    reason = ""
    if request.user.must_change_password:
        reason = "首次登录或密码被重置后，须先修改密码。"
    elif password_expired(request.user):
        reason = "密码已超过有效期，请修改密码。"
    return render(request, "accounts/password_change.html", {"form": form, "reason": reason})


@login_required
def profile_view(request):
    context = {
        "profile_user": request.user,
        "has_mfa": mfa.has_second_factor(request.user),
        "mfa_required": mfa.required_for(request.user),
        "recovery_left": mfa.remaining_recovery_codes(request.user),
    }
    return render(request, "accounts/profile.html", context)


# --- Units and users (management) ------------------------------------------------------------


def _allowed(model, user, action) -> None:
    """404, not 403: a user who may not manage these must not learn what exists."""
    if not model.access.allows(user, action):
        raise Http404


@login_required
def unit_list(request):
    _allowed(Unit, request.user, Action.VIEW)
    units = (
        Unit.objects.restrict(request.user)
        .select_related("parent")
        .annotate(user_count=Count("users", filter=Q(users__is_active=True)))
        .order_by("path")
    )
    filterset = UnitFilterSet(request.GET, queryset=units)
    context = {
        "filterset": filterset,
        "units": filterset.qs,
        "can_add": Unit.access.allows(request.user, Action.ADD),
    }
    template = "accounts/unit_list.html#unit-table" if request.htmx else "accounts/unit_list.html"
    return render(request, template, context)


@login_required
def unit_detail(request, pk):
    unit = get_object_or_404(Unit.objects.restrict(request.user).select_related("parent", "division"), pk=pk)
    return render(
        request,
        "accounts/unit_detail.html",
        {
            "unit": unit,
            "ancestors": unit.ancestors(),
            "children": Unit.objects.restrict(request.user).filter(parent=unit),
            "members": User.objects.restrict(request.user).filter(unit=unit).order_by("role", "username"),
            "can_change": Unit.access.allows(request.user, Action.CHANGE),
        },
    )


@login_required
def unit_create(request):
    _allowed(Unit, request.user, Action.ADD)
    form = UnitForm(request.POST or None, user=request.user, initial={"parent": request.GET.get("parent")})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            unit = form.save()
            unit.save()
        messages.success(request, f"已新增单位「{unit}」。")
        return redirect("accounts:unit_detail", pk=unit.pk)
    return render(request, "accounts/unit_form.html", {"form": form, "creating": True})


@login_required
def unit_edit(request, pk):
    unit = get_object_or_404(Unit.objects.restrict(request.user, Action.CHANGE), pk=pk)
    form = UnitForm(request.POST or None, instance=unit, user=request.user)
    stale = None
    if request.method == "POST" and form.is_valid():
        edited = form.save()
        try:
            edited.save_versioned(int(form.cleaned_data.get("version") or 0))
        except StaleEditError as error:
            stale = error.current
            form.add_error(None, "该单位已被他人修改，您的修改未保存。请核对下方他人保存的内容后重新编辑。")
        else:
            if not edited.active and edited.users.filter(is_active=True).exists():
                messages.warning(request, "该单位已停用，但仍有在用的账号，请及时调整这些账号的所属单位。")
            messages.success(request, f"已保存单位「{edited}」。")
            return redirect("accounts:unit_detail", pk=edited.pk)
    return render(request, "accounts/unit_form.html", {"form": form, "unit": unit, "stale": stale})


def _username_cell(account) -> str:
    demo = ' <span class="badge bg-orange-lt">演示</span>' if account.is_demo else ""
    service = ' <span class="badge bg-azure-lt">服务账号</span>' if account.is_service_account else ""
    return f"{escape(account.username)}{demo}{service}"


def _account_state(account) -> str:
    state = (
        '<span class="badge bg-green-lt">正常</span>'
        if account.is_active
        else '<span class="badge bg-red-lt">已停用</span>'
    )
    return state + (' <span class="badge bg-yellow-lt">待改密</span>' if account.must_change_password else "")


USER_COLUMNS = Columns(
    User,
    Column("username", html=_username_cell, link=True, required=True),
    Column("name"),
    Column("role", value=lambda account: account.role_label, sort="role"),
    Column("unit__name", label="所属单位", sort="unit__path"),
    Column("masked_phone", label="手机号", value=lambda account: account.masked_phone, css="font-monospace"),
    Column(
        "last_login",
        label="最近登录",
        css="text-secondary small",
        html=lambda account: escape(shown_text(account.last_login)) if account.last_login else "从未登录",
    ),
    Column("is_active", label="状态", html=_account_state),
    Column("title", default=False),
)


class UserList(generic.ObjectListView):
    """用户: accounts the viewer may see (AccountRule: no business role sees the system
    admin's or the auditor's). Not exported: a list of accounts is what an attacker inside
    would look for first."""

    model, columns, filterset_class = User, USER_COLUMNS, UserFilterSet
    ordering, exportable = ("unit__path", "username"), False
    list_url, detail_url, create_url = "accounts:user_list", "accounts:user_detail", "accounts:user_create"
    template_name, title, add_label = "accounts/user_list.html", "用户", "新增用户"
    subtitle = "每个账号只有一种角色；系统管理员、审计员与业务角色互相分离。"
    empty_title, empty_hint = "没有符合条件的用户。", ""

    def filterset_kwargs(self):
        return {"user": self.request.user}


@login_required
def user_detail(request, pk):
    shown = get_object_or_404(User.objects.restrict(request.user).select_related("unit"), pk=pk)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "shown": shown,
            "can_change": User.access.allows(request.user, Action.CHANGE),
            "new_password": request.session.pop(f"new_password_{shown.pk}", None),
            "shown_has_mfa": mfa.has_second_factor(shown),
            "shown_mfa_required": mfa.required_for(shown),
        },
    )


@login_required
def user_create(request):
    _allowed(User, request.user, Action.ADD)
    form = UserCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created, password = create_user(
                username=data["username"],
                role=data["role"],
                unit=data["unit"],
                name=data["name"],
                phone=data["phone"],
                title=data["title"],
                service_account=data["is_service_account"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if password is None:  # a service account: no password, its tokens come next
                messages.success(request, f"已创建服务账号「{created.username}」，请为其签发 API 令牌。")
                return redirect(f"{reverse('api:token_create')}?for={created.pk}")
            # Shown once on the next page, never stored anywhere but the session until then.
            request.session[f"new_password_{created.pk}"] = password
            messages.success(request, f"已创建账号「{created.username}」。")
            return redirect("accounts:user_detail", pk=created.pk)
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@login_required
def user_edit(request, pk):
    shown = get_object_or_404(User.objects.restrict(request.user, Action.CHANGE), pk=pk)
    before_role, before_unit = shown.role, shown.unit_id
    form = UserEditForm(request.POST or None, instance=shown, user=request.user)
    stale = None
    if request.method == "POST" and form.is_valid():
        edited = form.save(commit=False)
        try:
            with transaction.atomic():
                role, unit = edited.role, edited.unit
                edited.role, edited.unit_id = before_role, before_unit
                edited.save_versioned(int(form.cleaned_data.get("version") or 0))
                if (role, getattr(unit, "pk", None)) != (before_role, before_unit):
                    change_role(edited, role, unit, actor=request.user)
        except StaleEditError as error:
            stale = error.current
            form.add_error(None, "该账号已被他人修改，您的修改未保存。")
        else:
            messages.success(request, f"已保存账号「{edited.username}」。")
            return redirect("accounts:user_detail", pk=edited.pk)
    return render(request, "accounts/user_form.html", {"form": form, "shown": shown, "stale": stale})


@login_required
@require_POST
def user_reset_password(request, pk):
    shown = get_object_or_404(User.objects.restrict(request.user, Action.CHANGE), pk=pk)
    try:
        request.session[f"new_password_{shown.pk}"] = reset_password(shown)
    except PermissionDenied as error:
        messages.error(request, str(error))
        return redirect("accounts:user_detail", pk=shown.pk)
    messages.success(request, f"已重置「{shown.username}」的密码，对方下次登录时须修改。")
    return redirect("accounts:user_detail", pk=shown.pk)


@login_required
@require_POST
def user_toggle_active(request, pk):
    shown = get_object_or_404(User.objects.restrict(request.user, Action.CHANGE), pk=pk)
    if shown.pk == request.user.pk:
        messages.error(request, "不能停用自己的账号。")
        return redirect("accounts:user_detail", pk=shown.pk)
    set_active(shown, not shown.is_active)
    messages.success(
        request,
        f"已{'启用' if shown.is_active else '停用'}账号「{shown.username}」{'' if shown.is_active else '，其登录会话已结束'}。",
    )
    return redirect("accounts:user_detail", pk=shown.pk)
