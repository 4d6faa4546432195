#!/usr/bin/env python
"""Lumen's command-line entry point (Django's manage.py)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lumen.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - force settings to load and validate now
    except ImproperlyConfigured as exc:
        # A configuration mistake deserves one clear line, not a traceback.
        sys.stderr.write(f"Lumen cannot start: {exc}\n")
        sys.exit(2)
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
