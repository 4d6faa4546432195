// The patient's time zone from their browser (the Intl API).
// - #tz-auto (present while the patient has not set a zone): posts the browser's zone once
//   and reloads, so times show in it; the server ignores it once a zone was chosen.
// - #tz-device (the schedules page): a one-click "use this device's zone" form.
(function () {
  "use strict";
  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (e) {
    return; // no Intl: the patient picks from the list
  }
  if (!zone) return;

  const auto = document.getElementById("tz-auto");
  if (auto && zone !== auto.dataset.current) {
    const data = new FormData(auto);
    data.set("time_zone", zone);
    fetch(auto.action, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) { if (response.status === 204) window.location.reload(); })
      .catch(function () { /* offline: try again on the next page */ });
  }

  const device = document.getElementById("tz-device");
  if (device && zone !== device.dataset.current) {
    device.querySelector("input[name=time_zone]").value = zone;
    device.querySelector("[data-zone-name]").textContent = zone.replace(/_/g, " ");
    device.hidden = false;
  }
})();
