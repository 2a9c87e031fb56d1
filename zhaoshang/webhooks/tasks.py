"""The first try of new deliveries, as a task for the job worker (queued after the commit
that made them); the worker's minute round (``services.send_due``) retries the rest."""

from django_tasks import task

from zhaoshang.webhooks.services import send


@task()
def deliver(delivery_ids: list[int]) -> dict:
    return send(delivery_ids)
