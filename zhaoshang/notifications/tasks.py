"""The outbox's first try, as a task for the job worker (``notify`` queues it after the
action's commit); ``send_notifications`` on a timer retries what is left."""

from django_tasks import task

from zhaoshang.notifications.services import send_now


@task()
def send_deliveries(delivery_ids: list[int]) -> dict:
    result = send_now(delivery_ids)
    return {"sent": result.sent, "retrying": result.retrying, "failed": result.failed}


def queue_first_try(delivery_ids: list[int]) -> None:
    """Called on commit: a queue row, not a network call inside the user's request. If the
    queue cannot be written now, the deliveries stay due and the timer sends them."""
    send_deliveries.enqueue(delivery_ids)
