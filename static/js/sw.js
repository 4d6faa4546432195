// Lumen's service worker: shows reminder notifications and opens their page when tapped.
// The payload is generic by design ("Time for your 08:00 medicine"): it appears on a lock
// screen, so it never names a medicine (see patients/push.py).
self.addEventListener("push", function (event) {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (e) {
    data = {};
  }
  const title = data.title || "Lumen reminder";
  event.waitUntil(
    self.registration.showNotification(title, {
      body: data.body || "You have a medicine reminder.",
      tag: data.tag || "lumen",
      renotify: true,
      requireInteraction: true,
      data: { url: data.url || "/patients/doses/" },
    })
  );
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  const path = (event.notification.data && event.notification.data.url) || "/patients/doses/";
  // Only ever a Lumen page: resolve against the worker's own origin.
  const url = new URL(path, self.location.origin);
  if (url.origin !== self.location.origin) return;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
      for (const w of windows) {
        if (w.url === url.href && "focus" in w) return w.focus();
      }
      return self.clients.openWindow(url.href);
    })
  );
});
