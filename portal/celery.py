import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def embedded_broker_folders() -> list[Path]:
    """The folders of the file-based broker, or [] when a real broker is configured."""
    if not str(app.conf.broker_url).startswith("filesystem://"):
        return []
    options = app.conf.broker_transport_options
    keys = ("data_folder_in", "data_folder_out", "control_folder", "processed_folder")
    return [Path(options[key]) for key in keys]


# The file-based broker expects its folders to exist; web and worker both may start first.
for _folder in embedded_broker_folders():
    _folder.mkdir(parents=True, exist_ok=True)
