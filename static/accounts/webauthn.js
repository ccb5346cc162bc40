// Security keys and passkeys (WebAuthn) as a second factor: accounts/security_key_views.py.
//
// Each [data-webauthn] block holds a form that is hidden until this script knows the
// browser can use keys. On submit: POST for the options (JSON), ask the browser
// (navigator.credentials.create or .get), put its answer in the form's hidden
// "credential" field and send the form as usual; the server answers with a page.
// Messages come translated from the block's data-msg-* attributes.
(() => {
  "use strict";

  const toBuffer = (text) => {
    const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const padded = base64 + "===".slice((base64.length + 3) % 4);
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0)).buffer;
  };

  const toText = (buffer) => {
    if (!buffer) return null;
    let binary = "";
    new Uint8Array(buffer).forEach((byte) => {
      binary += String.fromCharCode(byte);
    });
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  };

  const withBuffers = (list) =>
    (list || []).map((descriptor) => ({ ...descriptor, id: toBuffer(descriptor.id) }));

  const creationOptions = (options) => ({
    ...options,
    challenge: toBuffer(options.challenge),
    user: { ...options.user, id: toBuffer(options.user.id) },
    excludeCredentials: withBuffers(options.excludeCredentials),
  });

  const requestOptions = (options) => ({
    ...options,
    challenge: toBuffer(options.challenge),
    allowCredentials: withBuffers(options.allowCredentials),
  });

  const credentialJSON = (credential) => {
    const response = credential.response;
    const json = {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || null,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: { clientDataJSON: toText(response.clientDataJSON) },
    };
    if (response.attestationObject) {
      json.response.attestationObject = toText(response.attestationObject);
      json.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      json.response.authenticatorData = toText(response.authenticatorData);
      json.response.signature = toText(response.signature);
      json.response.userHandle = toText(response.userHandle);
    }
    return JSON.stringify(json);
  };

  const setUp = (block) => {
    const form = block.querySelector("[data-webauthn-form]");
    const status = block.querySelector("[data-webauthn-status]");
    const registering = block.dataset.webauthn === "register";

    const say = (text, isError) => {
      status.textContent = text;
      status.classList.toggle("message--error", Boolean(isError));
      status.hidden = !text;
    };

    if (!window.PublicKeyCredential || !navigator.credentials) {
      // The code form (or the app) still works; say why there is no key button.
      say(block.dataset.msgUnsupported, false);
      return;
    }
    form.hidden = false;

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (registering && !form.reportValidity()) return;
      const name = form.querySelector("input[name=name]");
      if (registering && name && !name.value.trim()) {
        name.focus();
        return;
      }
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      say(block.dataset.msgWaiting, false);
      try {
        const answer = await fetch(block.dataset.optionsUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: {
            "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value,
            Accept: "application/json",
          },
        });
        if (!answer.ok) throw new Error(`options: ${answer.status}`);
        const options = await answer.json();
        const credential = registering
          ? await navigator.credentials.create({ publicKey: creationOptions(options) })
          : await navigator.credentials.get({ publicKey: requestOptions(options) });
        form.querySelector("input[name=credential]").value = credentialJSON(credential);
        form.submit();
      } catch (error) {
        button.disabled = false;
        if (error && error.name === "NotAllowedError") {
          say(block.dataset.msgCancelled, true);
        } else if (error && error.name === "InvalidStateError") {
          say(block.dataset.msgDuplicate, true);
        } else {
          say(block.dataset.msgFailed, true);
        }
      }
    });
  };

  const start = () => document.querySelectorAll("[data-webauthn]").forEach(setUp);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
