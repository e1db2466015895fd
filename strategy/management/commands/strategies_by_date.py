from django.core.management.base import BaseCommand

from strategy.services import dates


class Command(BaseCommand):
    help = "Take the steps of the strategies' workflow that their dates take (as the daily task)."

    def handle(self, *args, **options) -> None:
        for strategy in dates.strategies_by_date():
            self.stdout.write(f"{strategy.slug}: {strategy.get_state_display()}")
