"""Median server time (ms, 7 runs after a warm-up) of the relations pages at province scale,
as the bureau and a town officer: the busiest company page, searches, the contact list.

    .venv/bin/python manage.py shell < bench/relations_pages.py
"""

import statistics
import time

from django.db.models import Count
from django.test import Client

from zhaoshang.accounts.models import User
from zhaoshang.relations.models import Company

bureau = User.objects.filter(role="bureau", is_active=True).first()
officer = User.objects.filter(role="officer", is_active=True, unit__type="town").first()
busy = Company.objects.annotate(n=Count("projects")).order_by("-n").values_list("pk", "n").first()
print("company with most projects", busy)


def timed(client, url, params=None, runs=7):
    client.get(url, params or {})
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        r = client.get(url, params or {})
        times.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, (url, r.status_code)
    return round(statistics.median(times), 1)


for who in (bureau, officer):
    c = Client(HTTP_HOST="127.0.0.1")
    c.force_login(who)
    print(who.role, "company page", timed(c, f"/companies/{busy[0]}/"))
    print(who.role, "company list q=szat", timed(c, "/companies/", {"q": "szat"}))
    print(who.role, "contact list", timed(c, "/companies/contacts/"))
    print(who.role, "contact list q=wz", timed(c, "/companies/contacts/", {"q": "wz"}))
    print(who.role, "network search q=szat", timed(c, "/companies/search/", {"q": "szat"}))
    print(who.role, "network search q=安泰", timed(c, "/companies/search/", {"q": "安泰"}))
