"""Staff roles hold no permission on patient records: PHI is not in the admin (README), and
patient accounts are handled only through accounts' audited support actions."""

from __future__ import annotations

STAFF_PERMISSIONS: dict = {}
