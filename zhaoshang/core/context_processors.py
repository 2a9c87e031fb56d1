from zhaoshang import __version__
from zhaoshang.core.navigation import items_for


def navigation(request):
    user = getattr(request, "user", None)
    items = items_for(user)
    # A view may name the page it belongs to (a drill-down opened from the dashboard).
    path = getattr(request, "nav_path", request.path)
    # The most specific entry whose URL the path starts with is the active one.
    matches = [item for item in items if path == item["url"] or (item["url"] != "/" and path.startswith(item["url"]))]
    best = max(matches, key=lambda item: len(item["url"]), default=None)
    for item in items:
        item["active"] = item is best
    return {"nav_items": items}


def release(request):
    """The release number for the footer, so a user can say which version they are on."""
    return {"app_version": __version__}
