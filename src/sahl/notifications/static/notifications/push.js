// "Turn on notifications on this device" (notification settings): asks the browser's permission,
// subscribes through the portal's service worker with Sahl's VAPID public key, and posts the
// subscription to Sahl with the page's CSRF token. The page's texts are in its data attributes.
"use strict";

(() => {
  const section = document.getElementById("devices");
  const button = document.getElementById("push-on");
  const status = document.getElementById("push-status");
  if (!section || !button) return;
  const say = (key) => {
    status.textContent = section.dataset[key];
  };
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    say("unsupported");
    return;
  }
  button.hidden = false;

  const key = () => {
    const text = section.dataset.key.replace(/-/g, "+").replace(/_/g, "/");
    const raw = atob(text + "=".repeat((4 - (text.length % 4)) % 4));
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  };

  async function turnOn() {
    say("working");
    if ((await Notification.requestPermission()) !== "granted") {
      say("blocked");
      return;
    }
    const registration = await navigator.serviceWorker.ready;
    const subscription =
      (await registration.pushManager.getSubscription()) ||
      (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key() }));
    const token = document.querySelector("input[name=csrfmiddlewaretoken]").value;
    const response = await fetch(section.dataset.add, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(subscription.toJSON()),
    });
    if (!response.ok) {
      const answer = await response.json().catch(() => ({}));
      status.textContent = answer.error || section.dataset.failed;
      return;
    }
    location.reload(); // the list of devices shows this one
  }

  button.addEventListener("click", () => {
    turnOn().catch((error) => {
      console.warn("Sahl: notifications not turned on", error);
      say("failed");
    });
  });
})();
