// twitchwise: small enhancements on top of pages that work without JavaScript.
(function () {
  "use strict";

  // Body map: a tap on a region logs the twitch at once, by pressing that site's own button in
  // the log form (htmx then posts it in place). Without JS the region is a link to a confirm step.
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    var region = target.closest("a.region[data-site]");
    var listButton = target.closest("[data-site-button], [data-quick-site]");
    if (listButton && event.isTrusted) placeStatus(event.clientY, listButton);
    if (!region) return;
    var button = document.querySelector('[data-site-button="' + region.getAttribute("data-site") + '"]');
    if (!button) return;
    event.preventDefault();
    document.querySelectorAll("a.region.selected").forEach(function (el) { el.classList.remove("selected"); });
    region.classList.add("selected");
    placeStatus(event.clientY, region);
    button.click();
  });

  // The confirmation floats beside the finger (above it in the lower half of the screen, below it
  // in the upper half), never over the place just tapped, so a second tap there logs it again.
  var GAP = 56;
  function placeStatus(clientY, element) {
    var status = document.getElementById("log-status");
    if (!status) return;
    var y = clientY;
    if (!y && element) {
      var box = element.getBoundingClientRect();
      y = box.top + box.height / 2;
    }
    if (!y) return;
    var height = window.innerHeight;
    if (y > height / 2) {
      status.style.top = "auto";
      status.style.bottom = Math.max(8, height - y + GAP) + "px";
    } else {
      status.style.bottom = "auto";
      status.style.top = Math.min(height - 120, y + GAP) + "px";
    }
  }

  // Keep the last three confirmations; each goes after a while (the diary keeps everything).
  var KEEP = 3;
  var TOAST_MS = 20000;
  document.addEventListener("htmx:afterSwap", function (event) {
    var status = document.getElementById("log-status");
    if (!status || event.target !== status) return;
    var toasts = status.querySelectorAll(".toast");
    for (var i = KEEP; i < toasts.length; i++) toasts[i].remove();
    var newest = toasts[0];
    if (newest) {
      window.setTimeout(function () {
        if (!newest.contains(document.activeElement)) newest.remove();
      }, TOAST_MS);
    }
  });

  // Steppers: the − and + beside a number (shown only with JavaScript; typing still works).
  document.querySelectorAll("button.step[data-for]").forEach(function (button) { button.hidden = false; });
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    var button = target.closest("button.step[data-for]");
    if (!button) return;
    var input = document.getElementById(button.getAttribute("data-for"));
    if (!(input instanceof HTMLInputElement)) return;
    var step = parseFloat(button.getAttribute("data-step")) || 1;
    var current = parseFloat(input.value) || 0;
    var min = input.min === "" ? -Infinity : parseFloat(input.min);
    var max = input.max === "" ? Infinity : parseFloat(input.max);
    var next = Math.min(max, Math.max(min, current + step));
    input.value = next === 0 ? "" : String(next);
    input.dispatchEvent(new Event("input", { bubbles: true }));
  });

  // Upload: show how much of the file has been sent.
  document.addEventListener("htmx:xhr:progress", function (event) {
    var detail = event.detail || {};
    var bar = document.getElementById("upload-progress");
    if (!bar || !detail.lengthComputable) return;
    bar.hidden = false;
    bar.max = detail.total;
    bar.value = detail.loaded;
    var label = document.getElementById("upload-progress-text");
    if (label) label.textContent = "Uploading: " + Math.round((100 * detail.loaded) / detail.total) + "%";
  });
  // When the upload has an answer (success or error) the progress has done its job: clear it.
  document.addEventListener("htmx:afterRequest", function () {
    var bar = document.getElementById("upload-progress");
    if (bar) bar.hidden = true;
    var label = document.getElementById("upload-progress-text");
    if (label) label.textContent = "";
  });

  // Check-in: keep the caffeine total in step with the drinks entered (the server does the same).
  function updateCaffeine() {
    var out = document.getElementById("caffeine-from-drinks");
    if (!out) return;
    var total = 0;
    var any = false;
    document.querySelectorAll("input[data-caffeine-mg]").forEach(function (input) {
      var n = parseFloat(input.value);
      if (!isNaN(n) && n > 0) {
        total += n * parseFloat(input.getAttribute("data-caffeine-mg"));
        any = true;
      }
    });
    out.textContent = any ? "About " + Math.round(total) + " mg of caffeine from these drinks." : "";
  }
  document.addEventListener("input", function (event) {
    if (event.target instanceof Element && event.target.matches("input[data-caffeine-mg]")) updateCaffeine();
  });
  document.addEventListener("DOMContentLoaded", updateCaffeine);

  // Offline logging. A tap that cannot reach the app is kept on this device (localStorage) with
  // the exact time of the tap, and sent when the phone is back online. Each queued tap carries
  // `queued=1` and its own millisecond time, and the server answers a repeat of the same site and
  // time with the twitch it already has, so a send that was cut off half-way never logs twice.
  // With accounts on, each person's taps wait in a queue of their own (body[data-person]), so a
  // tap queued by one person is never sent while another is signed in on this browser.
  var QUEUE_KEY = "twitchwise-offline-log" +
    (document.body && document.body.getAttribute("data-person") ? "-" + document.body.getAttribute("data-person") : "");
  var lastLog = null;

  function pad(n, width) { return String(Math.abs(n)).padStart(width || 2, "0"); }
  function localIso(d) {
    var off = -d.getTimezoneOffset();
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" + pad(d.getHours()) + ":" +
      pad(d.getMinutes()) + ":" + pad(d.getSeconds()) + "." + pad(d.getMilliseconds(), 3) +
      (off >= 0 ? "+" : "-") + pad(Math.floor(Math.abs(off) / 60)) + ":" + pad(Math.abs(off) % 60);
  }
  function readQueue() {
    try { return JSON.parse(window.localStorage.getItem(QUEUE_KEY) || "[]"); } catch (e) { return []; }
  }
  function writeQueue(items) { window.localStorage.setItem(QUEUE_KEY, JSON.stringify(items)); }

  function say(text, kind) {
    var status = document.getElementById("log-status");
    if (!status) return;
    var box = document.createElement("div");
    box.className = "notice toast " + (kind || "");
    var p = document.createElement("p");
    p.textContent = text;
    box.appendChild(p);
    status.insertBefore(box, status.firstChild);
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var detail = event.detail || {};
    if (!detail.elt || detail.elt.id !== "log-form" || !detail.formData) return;
    var item = {};
    detail.formData.forEach(function (value, key) { if (typeof value === "string") item[key] = value; });
    if (!item.when) item.when = localIso(new Date());
    lastLog = item;
  });
  document.addEventListener("htmx:sendError", function (event) {
    var detail = event.detail || {};
    if (!detail.elt || detail.elt.id !== "log-form" || !lastLog) return;
    var queue = readQueue();
    queue.push(lastLog);
    writeQueue(queue);
    var place = (lastLog.site || "").replace(/_/g, " ");
    lastLog = null;
    say("No connection: the " + place + " twitch is kept on this phone and will be sent when you are back online.", "waiting");
  });

  var flushing = false;
  function flush() {
    if (flushing || !navigator.onLine) return;
    var queue = readQueue();
    if (!queue.length) return;
    flushing = true;
    var item = queue[0];
    var body = new URLSearchParams(item);
    body.set("queued", "1");
    fetch("/log", {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "HX-Request": "true", "Content-Type": "application/x-www-form-urlencoded" }
    }).then(function (response) {
      // Signed out meanwhile: keep the tap for when this person has signed in again.
      if (response.status === 401) { flushing = false; return; }
      // Sent (or refused for good, e.g. a bad value): either way it leaves the queue.
      var rest = readQueue().filter(function (q) { return !(q.when === item.when && q.site === item.site); });
      writeQueue(rest);
      flushing = false;
      if (response.ok) say("Sent: the " + (item.site || "").replace(/_/g, " ") + " twitch logged while offline.", "success");
      flush();
    }).catch(function () { flushing = false; });
  }
  window.addEventListener("online", flush);
  document.addEventListener("DOMContentLoaded", flush);

  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js").catch(function () {});
    });
  }

  // Reminders page: Web Push from the app itself, offered only where the browser has a service
  // worker and PushManager (the section stays hidden otherwise).
  function pushSetup() {
    var box = document.getElementById("push");
    if (!box || !("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return;
    var on = document.getElementById("push-on"), off = document.getElementById("push-off");
    var status = document.getElementById("push-status");
    box.hidden = false;
    function say(text) { status.textContent = text; }
    function send(method, body) {
      return fetch("/api/v1/push/subscription", {
        method: method, credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": box.getAttribute("data-csrf") },
        body: JSON.stringify(body)
      }).then(function (r) { if (!r.ok && r.status !== 404) throw new Error(String(r.status)); return r; });
    }
    function keyBytes(text) {
      var b64 = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
      var raw = atob(b64), out = new Uint8Array(raw.length);
      for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
      return out;
    }
    // Subscribed already: "Notify me" stays, to move the notifications to the times above.
    function show(subscribed) { off.hidden = !subscribed; }
    navigator.serviceWorker.ready.then(function (reg) {
      return reg.pushManager.getSubscription();
    }).then(function (sub) {
      show(!!sub);
      if (sub) say("Notifications are on in this browser. To use the times above, press \"Notify me in this browser\" again.");
    }).catch(function () {});
    on.addEventListener("click", function () {
      var times = box.getAttribute("data-push-times").split(",");
      Notification.requestPermission().then(function (permission) {
        if (permission !== "granted") throw new Error("denied");
        return navigator.serviceWorker.ready;
      }).then(function (reg) {
        return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(box.getAttribute("data-push-key")) });
      }).then(function (sub) {
        var body = sub.toJSON();
        body.times = times;
        return send("PUT", body);
      }).then(function () {
        show(true);
        say("Done: this browser will remind you at " + times.join(", ") + ".");
      }).catch(function (err) {
        say(err && err.message === "denied"
          ? "The browser did not allow notifications. You can allow them in its site settings, or use the calendar instead."
          : "That did not work in this browser. The calendar reminder above works everywhere.");
      });
    });
    off.addEventListener("click", function () {
      navigator.serviceWorker.ready.then(function (reg) {
        return reg.pushManager.getSubscription();
      }).then(function (sub) {
        if (!sub) return null;
        return send("DELETE", { endpoint: sub.endpoint }).then(function () { return sub.unsubscribe(); });
      }).then(function () {
        show(false);
        say("Stopped: no more notifications in this browser.");
      }).catch(function () { say("That did not work; please try again."); });
    });
  }
  document.addEventListener("DOMContentLoaded", pushSetup);

  // Account page: a "Copy token" button for the token shown once (the field stays selectable
  // where the clipboard API is missing, and the button stays hidden there).
  function copySetup() {
    if (!navigator.clipboard) return;
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      var id = button.getAttribute("data-copy");
      var field = document.getElementById(id);
      var status = document.querySelector('[data-copy-status="' + id + '"]');
      if (!field) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(field.value).then(function () {
          if (status) status.textContent = "Copied.";
        }, function () {
          field.select();
          if (status) status.textContent = "Select the token and copy it yourself.";
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", copySetup);

  // Passkeys (accounts on): add one on the Account page, sign in with one on the sign-in page.
  // Shown only where the browser parses WebAuthn options from JSON; the password always works.
  function passkeysSupported() {
    return !!(window.PublicKeyCredential && navigator.credentials &&
      PublicKeyCredential.parseCreationOptionsFromJSON && PublicKeyCredential.parseRequestOptionsFromJSON);
  }
  function postJson(url, body) {
    var field = document.querySelector('input[name="csrf_token"]');
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": field ? field.value : "" },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) throw new Error(data.detail || "That did not work; please try again.");
        return data;
      });
    });
  }
  function passkeyMessage(err) {
    if (err && (err.name === "NotAllowedError" || err.name === "AbortError")) return "Cancelled: no passkey was used.";
    if (err && err.name === "InvalidStateError") return "This device already has a passkey for your account.";
    return (err && err.message) || "That did not work; please try again.";
  }
  function passkeySetup() {
    if (!passkeysSupported()) return;
    document.querySelectorAll("[data-passkey-unsupported]").forEach(function (el) { el.hidden = true; });
    var add = document.getElementById("passkey-add");
    if (add) {
      var addStatus = document.getElementById("passkey-add-status");
      add.hidden = false;
      add.addEventListener("submit", function (event) {
        event.preventDefault();
        var name = document.getElementById("passkey-name").value;
        addStatus.textContent = "Follow your device's prompt…";
        postJson("/account/passkeys/options").then(function (options) {
          return navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) });
        }).then(function (credential) {
          return postJson("/account/passkeys", { name: name, credential: credential.toJSON() });
        }).then(function () {
          window.location.assign("/account?done=passkey");
        }).catch(function (err) { addStatus.textContent = passkeyMessage(err); });
      });
    }
    var box = document.getElementById("passkey-sign-in");
    var button = document.getElementById("passkey-sign-in-button");
    if (box && button) {
      var status = document.getElementById("passkey-sign-in-status");
      box.hidden = false;
      button.addEventListener("click", function () {
        status.textContent = "Follow your device's prompt…";
        postJson("/sign-in/passkey/options").then(function (options) {
          return navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
        }).then(function (credential) {
          return postJson("/sign-in/passkey", { credential: credential.toJSON(), next: button.getAttribute("data-next") });
        }).then(function (answer) {
          window.location.assign(answer.next || "/");
        }).catch(function (err) { status.textContent = passkeyMessage(err); });
      });
    }
  }
  document.addEventListener("DOMContentLoaded", passkeySetup);
})();
