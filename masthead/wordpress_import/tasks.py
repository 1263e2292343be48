"""The admin's imports run here, in the task worker, so an export of any size never
holds a web request; the run's row says how far it has read (the admin's progress bar)
and keeps the report. The uploaded file is deleted once read, whatever the outcome."""

from __future__ import annotations

import contextlib
import logging
import os

from django.tasks import task
from django.utils import timezone

from masthead.wordpress_import import media, services, survey, wxr
from masthead.wordpress_import.models import ImportRun

logger = logging.getLogger(__name__)


@task()
def run_import(run_id: int) -> str:
    run = ImportRun.objects.filter(pk=run_id).first()
    if run is None or run.state != ImportRun.State.QUEUED:
        return "not queued"  # a task delivered twice, or a run deleted meanwhile
    # update() leaves auto_now alone: `updated_at` is set by hand, as the stalled check reads it.
    ImportRun.objects.filter(pk=run_id).update(
        state=ImportRun.State.RUNNING, phase="Starting", updated_at=timezone.now()
    )

    def progress(phase: str, done: int, total: int) -> None:
        ImportRun.objects.filter(pk=run_id).update(phase=phase[:40], bytes_read=done, updated_at=timezone.now())

    state, report, error = ImportRun.State.FAILED, "", ""
    try:
        with open(run.stored_path, "rb") as source:
            if run.dry_run:
                records = services.told(wxr.read(source), source, "Reading", run.size, progress)
                report = (
                    str(survey.survey(records, keep_pingbacks=run.keep_pingbacks)) + "Dry run: nothing was changed.\n"
                )
            else:
                report = str(
                    services.import_export(
                        source,
                        keep_pingbacks=run.keep_pingbacks,
                        overwrite_edits=run.overwrite_edits,
                        media_source=media.MediaSource(base_url=run.media_base_url),
                        progress=progress,
                    )
                )
        state = ImportRun.State.DONE
    except wxr.ExportError as refused:
        error = f"The file was not imported: {refused}."
    except FileNotFoundError:
        error = "The uploaded file is gone (deleted before the import could read it); upload it again."
    except Exception:
        logger.exception("WordPress import %s failed", run_id)
        error = (
            "The import stopped on an unexpected error (the server's log has the details). What was imported "
            "before it stays; importing the file again finishes the rest without duplicating anything."
        )
    finally:
        with contextlib.suppress(OSError):
            os.unlink(run.stored_path)
    ImportRun.objects.filter(pk=run_id).update(
        state=state, report=report, error=error, phase="", updated_at=timezone.now()
    )
    return state
