"""Email each organisation's QA administrators the approved documents whose periodic review
is due soon or overdue. Run daily (cron); sending again the next day repeats the reminder."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from pharma.documents import review_reminders_send


class Command(BaseCommand):
    help = "Email QA administrators the documents whose periodic review is due within --days."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30)

    def handle(self, *args, days: int, **options):
        if not 0 <= days <= 3650:
            raise CommandError("--days must be 0 to 3650.")
        sent = review_reminders_send(within_days=days)
        self.stdout.write(f"Sent {sent} reminder email(s).")
