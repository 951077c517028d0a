from celery import shared_task

from privacy import services


@shared_task(ignore_result=True, acks_late=True, soft_time_limit=1500, time_limit=1600)
def build_export(export_id: int) -> str:
    # Claims the row first (queued -> running): a duplicate delivery does nothing.
    export = services.export_build(export_id)
    return "already handled" if export is None else export.status


@shared_task(ignore_result=True)
def sweep_exports() -> dict[str, int]:
    return services.exports_sweep()
