"""A second process for test_database_busy.py: signs in, says "ready", waits for "go"
(by then the test holds the write lock), sends one request and prints its answer as JSON.

Run as ``python busy_client.py USERNAME METHOD PATH [JSON-DATA] [htmx]`` with
ZHAOSHANG_SQLITE_PATH naming the file database."""

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")

import django

django.setup()

from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from zhaoshang.accounts.models import User  # noqa: E402

setup_test_environment()
username, method, path = sys.argv[1:4]
data = json.loads(sys.argv[4]) if len(sys.argv) > 4 else {}
headers = {"HX-Request": "true"} if "htmx" in sys.argv[5:] else {}
client = Client(raise_request_exception=False)
client.force_login(User.objects.get(username=username))
print("ready", flush=True)
sys.stdin.readline()
response = getattr(client, method.lower())(path, data, headers=headers)
print(
    json.dumps(
        {
            "status": response.status_code,
            "retry_after": response.get("Retry-After", ""),
            "hx_reswap": response.get("HX-Reswap", ""),
            "body": response.content.decode(),
        }
    ),
    flush=True,
)
