from .models import Message


def outbox_waits(task_id: str) -> bool:
    """True while the task is recorded but not yet handed to the broker (Redis is away)."""
    return bool(task_id) and Message.objects.pending().filter(task_id=task_id).exists()
