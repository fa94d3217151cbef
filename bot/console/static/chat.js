// The chat panel (/console/chat): talks to esmbot over /console/ws (adapters/web).
// Everything is built with DOM APIs; message text only ever goes in through textContent.
"use strict";

(function () {
  const root = document.getElementById("chat");
  if (!root) {
    return;
  }
  const log = document.getElementById("chat-log");
  const form = document.getElementById("chat-form");
  const input = document.getElementById("chat-input");
  const state = document.getElementById("chat-state");
  const words = root.dataset;
  const pending = new Map(); // frame id -> frame, until the server says "taken"
  let socket = null;
  let retry = 500;

  function frameId() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    return String(Date.now()) + "-" + String(Math.random()).slice(2);
  }

  function socketUrl() {
    const url = new URL(words.socket, window.location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    return url.toString();
  }

  function show(text) {
    state.textContent = text || "";
    state.hidden = !text;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function buttonsOf(message, messageId, buttons, numbered) {
    const row = el("div", numbered ? "chat-choices" : "chat-buttons");
    buttons.forEach(function (button, index) {
      const label = numbered ? String(index + 1) + ". " + button.label : button.label;
      const node = el("button", "chat-button chat-button-" + (button.style || "default"), label);
      node.type = "button";
      node.dataset.action = button.action_id;
      node.addEventListener("click", function () {
        if (button.needs_reason) {
          askReason(row, button, messageId);
          return;
        }
        node.disabled = true;
        send({ type: "click", action_id: button.action_id, value: button.value || "",
               message: messageId });
      });
      row.appendChild(node);
    });
    return row;
  }

  // A button that needs a reason (e.g. Reject) asks for it under the buttons; the click then
  // carries it, as a platform's dialog would.
  function askReason(row, button, messageId) {
    if (row.nextSibling && row.nextSibling.className === "chat-reason") {
      return;
    }
    const box = el("form", "chat-reason");
    const reason = el("input", "");
    reason.required = true;
    reason.maxLength = 4000;
    reason.setAttribute("aria-label", words.reasonLabel);
    reason.placeholder = words.reasonLabel;
    const go = el("button", "chat-button chat-button-danger", button.label);
    go.type = "submit";
    box.appendChild(reason);
    box.appendChild(go);
    box.addEventListener("submit", function (event) {
      event.preventDefault();
      const text = reason.value.trim();
      if (!text) {
        return;
      }
      go.disabled = true;
      send({ type: "click", action_id: button.action_id, value: button.value || "",
             message: messageId, text: text });
    });
    row.after(box);
    reason.focus();
  }

  function render(messageId, message) {
    const card = el("article", message.kind === "card" ? "chat-card" : "chat-text");
    card.dataset.id = messageId;
    if (message.title) {
      card.appendChild(el("h3", "chat-title", message.title));
    }
    if (message.body) {
      card.appendChild(el("p", "chat-body", message.body));
    }
    if (message.fields && message.fields.length) {
      const list = el("dl", "chat-fields");
      message.fields.forEach(function (field) {
        list.appendChild(el("dt", "", field.label));
        list.appendChild(el("dd", "", field.value));
      });
      card.appendChild(list);
    }
    if (message.buttons && message.buttons.length) {
      card.appendChild(buttonsOf(message, messageId, message.buttons, false));
    }
    if (message.choices && message.choices.length) {
      card.appendChild(buttonsOf(message, messageId, message.choices, true));
    }
    if (message.footer) {
      card.appendChild(el("p", "chat-footer", message.footer));
    }
    return card;
  }

  function shown(messageId) {
    return Array.prototype.find.call(log.children, function (node) {
      return node.dataset.id === messageId;
    });
  }

  function place(frame) {
    const card = render(frame.id, frame.message);
    const old = shown(frame.id);
    if (old) {
      old.replaceWith(card); // an update (a decided card, a retired copy) replaces it
    } else {
      log.appendChild(card);
      card.scrollIntoView({ block: "end" });
    }
  }

  function heard(data) {
    let frame;
    try {
      frame = JSON.parse(data);
    } catch (error) {
      return;
    }
    if (frame.type === "message" || frame.type === "update") {
      place(frame);
    } else if (frame.type === "taken") {
      pending.delete(frame.id);
      show("");
    } else if (frame.type === "refused") {
      show(words.refused);
      window.setTimeout(function () { resend(frame.id); }, 2000);
    }
  }

  function resend(id) {
    const frame = pending.get(id);
    if (frame && socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
    }
  }

  function send(frame) {
    frame.id = frameId();
    pending.set(frame.id, frame);
    resend(frame.id); // sent now if connected, else when the socket opens again
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      show(words.offline);
    }
  }

  function connect() {
    show(words.connecting);
    socket = new WebSocket(socketUrl());
    socket.addEventListener("open", function () {
      retry = 500;
      show("");
      pending.forEach(function (frame, id) { resend(id); }); // the same ids: one event each
    });
    socket.addEventListener("message", function (event) { heard(event.data); });
    socket.addEventListener("close", function (event) {
      if (event.code === 4401 || event.code === 1008) {
        show(words.signedOut);
        return;
      }
      show(words.offline);
      window.setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) {
      return;
    }
    const mine = el("p", "chat-mine", text);
    log.appendChild(mine);
    mine.scrollIntoView({ block: "end" });
    send({ type: "say", text: text });
    input.value = "";
    input.focus();
  });

  connect();
}());
