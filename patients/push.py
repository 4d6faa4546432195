"""Web Push for medicine reminders: browsers' subscriptions and sending to them.

A browser subscribes with the server's VAPID public key and hands Lumen its push service
endpoint and keys; pywebpush encrypts each message for that browser (RFC 8291, aes128gcm)
and signs the request with the VAPID private key (RFC 8292). Only the browser can read the
payload, but it is shown on a lock screen, so what is sent is generic ("Time for your 08:00
medicine") with a link behind the patient's login: never a medicine name or a dose.

Subscriptions identify a patient's device, so they are stored encrypted, audit-logged as
other patient data, and never logged: errors name the subscription's uid only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from django.conf import settings
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from patients.models import Profile, PushSubscription

logger = logging.getLogger(__name__)

TTL_SECONDS = 4 * 60 * 60  # a reminder the push service could not deliver in 4 h is stale
TIMEOUT_SECONDS = 10
GONE = {404, 410}  # the push service says the subscription no longer exists


class InvalidSubscription(ValueError):
    """What the browser sent is not a usable push subscription."""


@dataclass(frozen=True)
class Notification:
    """What the service worker shows. `url` is a path on Lumen (the worker opens it)."""

    title: str
    body: str
    url: str
    tag: str  # a later notification with the same tag replaces the earlier one

    def payload(self) -> bytes:
        return json.dumps(self.__dict__).encode()


def enabled() -> bool:
    return bool(settings.VAPID_PRIVATE_KEY)


@cache
def _vapid(private_key: str) -> Vapid:
    return Vapid.from_string(private_key)


def public_key(private_key: str | None = None) -> str:
    """The VAPID public key as browsers take it (`applicationServerKey`): the uncompressed
    P-256 point, base64url without padding. Of the configured key by default."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    point = _vapid(private_key or settings.VAPID_PRIVATE_KEY).public_key.public_bytes(
        Encoding.X962, PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(point).rstrip(b"=").decode()


def _digest(endpoint: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), endpoint.encode(), hashlib.sha256).hexdigest()


def _b64_key(value: object, *, length: int, name: str) -> str:
    if not isinstance(value, str):
        raise InvalidSubscription(f"The subscription's {name} key is missing.")
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (ValueError, TypeError) as exc:
        raise InvalidSubscription(f"The subscription's {name} key is not base64url.") from exc
    if len(raw) != length:
        raise InvalidSubscription(f"The subscription's {name} key has the wrong length.")
    return value


def _endpoint(value: object) -> str:
    """Push services are HTTPS. Plain HTTP is accepted in development only
    (LUMEN_PUSH_ALLOW_HTTP), where the tests' loopback push service runs."""
    if not isinstance(value, str) or len(value) > 2000:
        raise InvalidSubscription("The subscription has no endpoint.")
    parts = urlsplit(value)
    allowed = {"https", "http"} if settings.LUMEN_PUSH_ALLOW_HTTP else {"https"}
    if parts.scheme not in allowed or not parts.hostname:
        raise InvalidSubscription("The subscription's endpoint is not an HTTPS URL.")
    return value


def subscription_save(*, profile: Profile, data: object) -> PushSubscription:
    """Store the subscription a browser's PushManager returned (its JSON form). A device
    subscribing again replaces its keys; a device another patient had is taken over (the
    browser has one subscription per site, and it now belongs to whoever is signed in)."""
    if not isinstance(data, dict) or not isinstance(data.get("keys"), dict):
        raise InvalidSubscription("Not a push subscription.")
    endpoint = _endpoint(data.get("endpoint"))
    p256dh = _b64_key(data["keys"].get("p256dh"), length=65, name="p256dh")
    auth = _b64_key(data["keys"].get("auth"), length=16, name="auth")
    digest = _digest(endpoint)
    subscription = PushSubscription.objects.filter(endpoint_digest=digest).first()
    if subscription is None:
        subscription = PushSubscription(endpoint_digest=digest)
    subscription.profile, subscription.endpoint = profile, endpoint
    subscription.p256dh, subscription.auth = p256dh, auth
    subscription.save()
    return subscription


def subscription_delete(*, profile: Profile, endpoint: object) -> bool:
    """Forget this browser's subscription (the patient turned notifications off). Deleted
    one by one so the audit trail records each."""
    if not isinstance(endpoint, str):
        return False
    found = PushSubscription.objects.filter(profile=profile, endpoint_digest=_digest(endpoint))
    deleted = False
    for subscription in found:
        subscription.delete()
        deleted = True
    return deleted


def send(subscription: PushSubscription, notification: Notification) -> bool:
    """Post one notification; True if the push service accepted it. A subscription the
    service says is gone is deleted; any other failure is logged (by uid) and skipped, so
    one device never stops the others' reminders."""
    info = {
        "endpoint": subscription.endpoint,
        "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
    }
    try:
        webpush(
            info,
            data=notification.payload(),
            vapid_private_key=_vapid(settings.VAPID_PRIVATE_KEY),
            vapid_claims={"sub": settings.VAPID_SUBJECT},
            ttl=TTL_SECONDS,
            timeout=TIMEOUT_SECONDS,
        )
    except WebPushException as exc:
        status = getattr(exc.response, "status_code", None)
        if status in GONE:
            subscription.delete()
            logger.info("Push subscription %s is gone (%s); removed", subscription.uid, status)
        else:
            logger.warning("Push to subscription %s failed (status %s)", subscription.uid, status)
        return False
    except OSError as exc:  # requests' connection errors and timeouts are OSErrors
        logger.warning("Push to subscription %s failed: %s", subscription.uid, type(exc).__name__)
        return False
    return True


def send_to_profile(profile: Profile, notification: Notification) -> int:
    """Send to every browser the patient subscribed; the number that accepted it."""
    if not enabled():
        return 0
    return sum(send(s, notification) for s in PushSubscription.objects.filter(profile=profile))
