"""API token pages: create one (its secret shown once), list and revoke one's own; the
system admin lists and revokes anyone's. Thin: the work is in api/services.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from zhaoshang.accounts.choices import Role
from zhaoshang.accounts.models import User
from zhaoshang.api.forms import TokenForm
from zhaoshang.api.models import ApiToken
from zhaoshang.api.services import create_token, revoke_token
from zhaoshang.core.choices import Action
from zhaoshang.core.once import back_to_saved, create_once, posted_token


@login_required
def token_list(request):
    tokens = ApiToken.objects.restrict(request.user).select_related("user", "revoked_by")
    is_admin = request.user.role == Role.SYSADMIN
    service_accounts = (
        User.objects.restrict(request.user).filter(is_service_account=True).select_related("unit") if is_admin else []
    )
    return render(
        request,
        "api/token_list.html",
        {"tokens": tokens, "all_users": is_admin, "service_accounts": service_accounts},
    )


def _owner(request):
    """The service account a system admin issues a token for (``?for=<id>``), or the user."""
    wanted = request.GET.get("for", "")
    if not wanted:
        return request.user
    if request.user.role != Role.SYSADMIN or not wanted.isdigit():
        raise Http404
    return get_object_or_404(
        User.objects.restrict(request.user).filter(is_service_account=True, is_active=True), pk=int(wanted)
    )


@login_required
def token_create(request):
    if not ApiToken.access.allows(request.user, Action.ADD):
        raise Http404
    owner = _owner(request)
    form = TokenForm(request.POST or None, user=owner)
    if request.method == "POST":
        token = posted_token(request)
        if response := back_to_saved(request, token):  # Back → 保存: the first token stands
            return response
        if form.is_valid():
            data = form.cleaned_data
            try:
                once = create_once(
                    request.user,
                    token,
                    lambda: create_token(
                        request.user,
                        name=data["name"],
                        scopes=data["scopes"],
                        days=data["days"],
                        allowed_networks=data["allowed_networks"],
                        owner=owner,
                    ),
                    lambda made: reverse("api:token_list"),
                )
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                if once.created is None:  # another POST of this very form made it
                    return back_to_saved(request, token) or redirect(once.url)
                # The secret exists only in this answer: shown once, never cached.
                response = render(request, "api/token_created.html", {"new": once.created})
                add_never_cache_headers(response)
                return response
    return render(request, "api/token_form.html", {"form": form, "owner": owner if owner != request.user else None})


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken.objects.restrict(request.user, Action.CHANGE), pk=pk)
    revoke_token(request.user, token)
    messages.success(request, f"已吊销令牌「{token.name}」，使用它的请求从现在起会被拒绝。")
    return redirect("api:token_list")
