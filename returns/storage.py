"""Private files (experts' CVs): kept under MEDIA_ROOT/private, never given a public URL.

They are handed out only by a view that checks access (views.expert_cv).
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    @property
    def base_location(self):  # read each time, so that tests may move MEDIA_ROOT
        return str(Path(settings.MEDIA_ROOT) / "private")

    @property
    def location(self):
        return str(Path(self.base_location).resolve())

    def url(self, name):
        raise NotImplementedError("Private files have no URL; a view serves them.")


def private_storage():
    return PrivateStorage()


def cv_path(instance, filename: str) -> str:
    # A random name: the uploaded file's name often carries the person's name.
    return f"cv/{uuid.uuid4().hex}.pdf"
