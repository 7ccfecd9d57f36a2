// Passkeys: the WebAuthn ceremonies need navigator.credentials, which only
// script can reach. The server keeps the challenge; this file only carries
// its options to the browser and the browser's answer back (base64url in
// JSON both ways). Without script, or a browser without WebAuthn, the forms
// stay hidden and the page says so; a TOTP code still works where the
// policy allows it.
(function () {
  "use strict";
  var form = document.querySelector("form[data-passkey]");
  if (!form) { return; }
  var status = document.getElementById("passkey-status");
  var needsJS = document.querySelectorAll(".passkey-needs-js");
  for (var i = 0; i < needsJS.length; i++) { needsJS[i].hidden = true; }
  function say(msg, isError) {
    if (!status) { return; }
    status.textContent = msg;
    status.className = isError ? "error" : "";
    status.setAttribute("role", isError ? "alert" : "status");
  }
  if (!window.PublicKeyCredential || !navigator.credentials) {
    say(form.getAttribute("data-msg-unsupported"), true);
    return;
  }
  form.hidden = false;

  function enc(buf) {
    var bytes = new Uint8Array(buf), s = "";
    for (var i = 0; i < bytes.length; i++) { s += String.fromCharCode(bytes[i]); }
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function dec(str) {
    str = str.replace(/-/g, "+").replace(/_/g, "/");
    while (str.length % 4) { str += "="; }
    var bin = atob(str), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { out[i] = bin.charCodeAt(i); }
    return out.buffer;
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json"},
      body: JSON.stringify(body || {})
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) {
        if (!r.ok) {
          var err = new Error(j.error || r.statusText);
          err.next = j.next;
          throw err;
        }
        return j;
      });
    });
  }
  function ids(list) {
    (list || []).forEach(function (c) { c.id = dec(c.id); });
  }
  function register(opts) {
    var pk = opts.publicKey;
    pk.challenge = dec(pk.challenge);
    pk.user.id = dec(pk.user.id);
    ids(pk.excludeCredentials);
    return navigator.credentials.create({publicKey: pk}).then(function (c) {
      return {
        id: c.id, rawId: enc(c.rawId), type: c.type,
        clientExtensionResults: c.getClientExtensionResults ? c.getClientExtensionResults() : {},
        response: {
          clientDataJSON: enc(c.response.clientDataJSON),
          attestationObject: enc(c.response.attestationObject),
          transports: c.response.getTransports ? c.response.getTransports() : []
        }
      };
    });
  }
  function login(opts) {
    var pk = opts.publicKey;
    pk.challenge = dec(pk.challenge);
    ids(pk.allowCredentials);
    return navigator.credentials.get({publicKey: pk}).then(function (c) {
      var resp = {
        clientDataJSON: enc(c.response.clientDataJSON),
        authenticatorData: enc(c.response.authenticatorData),
        signature: enc(c.response.signature)
      };
      if (c.response.userHandle && c.response.userHandle.byteLength) { resp.userHandle = enc(c.response.userHandle); }
      return {
        id: c.id, rawId: enc(c.rawId), type: c.type, response: resp,
        clientExtensionResults: c.getClientExtensionResults ? c.getClientExtensionResults() : {}
      };
    });
  }

  var busy = false;
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    if (busy) { return; }
    busy = true;
    say(form.getAttribute("data-msg-working"), false);
    var kind = form.getAttribute("data-passkey");
    var nameField = form.querySelector("[name=name]");
    post(form.getAttribute("data-begin")).then(function (opts) {
      return kind === "register" ? register(opts) : login(opts);
    }).then(function (cred) {
      var body = kind === "register" ? {name: nameField ? nameField.value : "", credential: cred} : cred;
      return post(form.getAttribute("data-finish"), body);
    }).then(function (ans) {
      window.location.assign(ans.next || "/dashboard");
    }).catch(function (err) {
      busy = false;
      if (err && err.next) { window.location.assign(err.next); return; }
      // A DOMException (cancelled, timed out) has no message worth showing.
      var msg = err && err.name !== "NotAllowedError" && !(err instanceof DOMException) && err.message ? err.message : form.getAttribute("data-msg-failed");
      say(msg, true);
    });
  });
}());
