from celery import shared_task


@shared_task(name="planbridge.ping")
def ping(payload: str = "pong") -> str:
    """A trivial task that proves the broker and a worker are wired (healthz and smoke tests)."""
    return payload
