import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from connections import network
from connections.models import CountRun


class Command(BaseCommand):
    help = "Compute every member's exact 1st/2nd/3rd-degree network counts (the whole-graph job)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--partitions",
            type=int,
            default=1,
            help="split the members this many ways (in this process one is fastest)",
        )
        parser.add_argument(
            "--celery",
            action="store_true",
            help="hand the partitions to the Celery workers and follow their progress",
        )

    def handle(self, *args: object, partitions: int, celery: bool, **options: object) -> None:
        if celery:
            self._via_celery()
            return
        bar = tqdm(total=partitions or 1, unit="partition", desc="counting")

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        run = network.run_in_process(partitions=partitions, progress=progress)
        bar.close()
        if run is None:
            raise CommandError("A whole-graph run is already in progress.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Run {run.pk}: {run.members:,} members, {run.edges // 2:,} connections,"
                f" {run.seconds:.1f} s ({run.status})."
            )
        )

    def _via_celery(self) -> None:
        from connections.tasks import start_count_run

        run_id = start_count_run.delay().get(timeout=60)
        if run_id is None:
            raise CommandError("A whole-graph run is already in progress.")
        run = CountRun.objects.get(pk=run_id)
        with tqdm(total=run.partitions, unit="partition", desc=f"run {run_id}") as bar:
            while run.status == CountRun.Status.RUNNING:
                time.sleep(1)
                run.refresh_from_db()
                bar.n = run.partitions_done
                bar.refresh()
        if run.status != CountRun.Status.DONE:
            raise CommandError(f"Run {run_id} {run.status}: {run.error}")
        self.stdout.write(self.style.SUCCESS(f"Run {run_id} done in {run.seconds:.1f} s."))
