"""Print a new VAPID key pair for Web Push reminders: the private key goes into the
environment (VAPID_PRIVATE_KEY), the public key is what browsers subscribe with (Lumen
derives it from the private key; it is printed to check against)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from lumen.lib.devsecrets import vapid_private_key
from patients import push


class Command(BaseCommand):
    help = "Generate a VAPID key pair for Web Push reminders and print it as .env lines."

    def handle(self, *args, **options) -> None:
        private = vapid_private_key()
        self.stdout.write(f"VAPID_PRIVATE_KEY={private}")
        self.stdout.write(f"# public key (applicationServerKey): {push.public_key(private)}")
        self.stderr.write(
            "Keep the private key secret. Changing it later cuts off every browser already "
            "subscribed: they must turn notifications on again."
        )
