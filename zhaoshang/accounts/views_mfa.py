"""Pages of the second factor: the code after the password, binding an authenticator,
recovery codes, and removing a second factor (the user, or the system admin for a lost phone).
The rules are in ``accounts.mfa``; these views only ask and show."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from zhaoshang.accounts import mfa
from zhaoshang.accounts.forms import SecondFactorCodeForm, SecondFactorRemovalForm
from zhaoshang.accounts.middleware import NO_SECOND_FACTOR_KEY
from zhaoshang.accounts.models import User
from zhaoshang.core.choices import Action

CODES_SESSION_KEY = "zs_new_recovery_codes"


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return ""


@never_cache
@login_required
def mfa_verify(request):
    """After the password: the authenticator's code (or a recovery code) opens the session."""
    if request.user.is_verified() or not mfa.has_second_factor(request.user):
        return redirect(_safe_next(request) or "core:home")
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        problem = mfa.verify(request, request.user, form.cleaned_data["code"])
        if problem is None:
            if mfa.remaining_recovery_codes(request.user) <= 2:
                messages.warning(request, "可用的恢复码已不多，请在「个人信息」中重新生成恢复码。")
            return redirect(_safe_next(request) or "core:home")
        form.add_error("code", problem)
    # gate_page: no sidebar or bell, whose polling would be sent back here while the code is owed.
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": _safe_next(request), "gate_page": True})


@never_cache
@login_required
def mfa_setup(request):
    """Bind an authenticator app: scan the code (or type the secret), confirm with a code."""
    if mfa.has_second_factor(request.user) and request.user.is_verified():
        messages.info(request, "您已启用两步验证。")
        return redirect("accounts:profile")
    if mfa.has_second_factor(request.user):
        return redirect("accounts:mfa_verify")
    device = mfa.pending_device(request.user)
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.confirm_device(request, device, form.cleaned_data["code"])
        if codes is not None:
            request.session.pop(NO_SECOND_FACTOR_KEY, None)
            request.session[CODES_SESSION_KEY] = codes
            messages.success(request, "两步验证已启用。以后登录时，输入密码后还需输入身份验证器上的验证码。")
            return redirect("accounts:mfa_codes")
        form.add_error("code", "验证码不正确：请确认手机时间准确，并输入身份验证器当前显示的 6 位数字。")
    context = {
        "form": form,
        "qr_svg": mfa.qr_svg(device),
        "secret": mfa.secret_for_typing(device),
        "required": mfa.required_for(request.user),
        "gate_page": mfa.required_for(request.user),
    }
    return render(request, "accounts/mfa_setup.html", context)


@never_cache
@login_required
def mfa_codes(request):
    """The recovery codes just made, shown this once."""
    codes = request.session.pop(CODES_SESSION_KEY, None)
    return render(
        request,
        "accounts/mfa_codes.html",
        {"codes": codes, "remaining": mfa.remaining_recovery_codes(request.user)},
    )


@login_required
@require_POST
def mfa_new_codes(request):
    if not mfa.has_second_factor(request.user) or not request.user.is_verified():
        raise Http404
    request.session[CODES_SESSION_KEY] = mfa.new_recovery_codes(request.user)
    messages.success(request, "已生成新的恢复码，旧的恢复码已作废。")
    return redirect("accounts:mfa_codes")


@login_required
@require_POST
def mfa_remove_own(request):
    """A user whose role does not require it may turn the second factor off, with a code."""
    if not mfa.has_second_factor(request.user):
        raise Http404
    if mfa.required_for(request.user):
        messages.error(request, "您的角色必须使用两步验证，不能关闭；手机丢失请联系系统管理员。")
        return redirect("accounts:profile")
    form = SecondFactorCodeForm(request.POST)
    if form.is_valid():
        problem = mfa.verify(request, request.user, form.cleaned_data["code"])
        if problem is None:
            mfa.remove(request.user, request.user, reason="本人关闭")
            messages.success(request, "已关闭两步验证。")
            return redirect("accounts:profile")
        messages.error(request, problem)
    else:
        messages.error(request, "请输入身份验证器上的验证码后再关闭两步验证。")
    return redirect("accounts:profile")


@login_required
@require_POST
def user_reset_mfa(request, pk):
    """The system admin removes a user's second factor (a lost phone); the user binds a new one."""
    shown = get_object_or_404(User.objects.restrict(request.user, Action.CHANGE), pk=pk)
    form = SecondFactorRemovalForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请说明解除两步验证的原因。")
    else:
        mfa.remove(request.user, shown, reason=form.cleaned_data["reason"])
        messages.success(request, f"已解除「{shown.username}」的两步验证；对方下次登录后须重新绑定（如其角色要求）。")
    return redirect("accounts:user_detail", pk=shown.pk)
