// Reminder notifications on this device (Web Push): subscribe and unsubscribe from the
// schedules page. The server's VAPID public key is in #push's data-key; the subscription goes
// to Lumen as JSON, with the CSRF token from the form in a header.
(function () {
  "use strict";
  const box = document.getElementById("push");
  if (!box) return;
  const status = box.querySelector("[data-push-status]");
  const on = box.querySelector("[data-push-on]");
  const off = box.querySelector("[data-push-off]");
  const csrf = box.querySelector("input[name=csrfmiddlewaretoken]").value;

  function say(text) { status.textContent = text; }
  function show(subscribed) { on.hidden = subscribed; off.hidden = !subscribed; }

  if (!box.dataset.key) { say("Notifications are not set up on this server; reminders come by email."); return; }
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    say("This browser cannot show reminder notifications; reminders come by email.");
    return;
  }

  function keyBytes(b64url) {
    const b64 = (b64url + "===".slice((b64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(b64), function (c) { return c.charCodeAt(0); });
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
    }).then(function (response) {
      if (!response.ok) return response.json().then(function (r) { throw new Error(r.error || "Lumen refused it."); });
      return response;
    });
  }

  const ready = navigator.serviceWorker.register(box.dataset.worker, { scope: box.dataset.scope })
    .then(function () { return navigator.serviceWorker.ready; });

  ready.then(function (reg) { return reg.pushManager.getSubscription(); })
    .then(function (sub) {
      show(Boolean(sub));
      say(sub ? "Reminder notifications are on for this device." : "Reminder notifications are off for this device.");
    })
    .catch(function () { show(false); });

  on.addEventListener("click", function () {
    say("Asking this browser…");
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") throw new Error("Notifications are blocked for Lumen in this browser's settings.");
      return ready;
    }).then(function (reg) {
      return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(box.dataset.key) });
    }).then(function (sub) {
      return post(box.dataset.subscribe, sub.toJSON());
    }).then(function () {
      show(true);
      say("Reminder notifications are on for this device.");
    }).catch(function (error) {
      say("Could not turn notifications on: " + error.message);
    });
  });

  off.addEventListener("click", function () {
    ready.then(function (reg) { return reg.pushManager.getSubscription(); })
      .then(function (sub) {
        if (!sub) return null;
        return post(box.dataset.unsubscribe, { endpoint: sub.endpoint }).then(function () { return sub.unsubscribe(); });
      })
      .then(function () {
        show(false);
        say("Reminder notifications are off for this device.");
      })
      .catch(function (error) { say("Could not turn notifications off: " + error.message); });
  });
})();
