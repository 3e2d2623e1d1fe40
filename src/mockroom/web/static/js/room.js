// Enhancements for the interview room and the feedback page. Every form works without this file:
// it adds the live countdown, the character count, a draft kept across reloads and a busy state.

const RELOAD_GRACE_MS = 1500;
const ANNOUNCE_DELAY_MS = 900;
const NEAR_LIMIT_SHARE = 0.9;
// Moments the countdown is read out to screen readers, in seconds left.
const MILESTONES = [600, 300, 120, 60, 30, 10];

function formatClock(seconds) {
  const minutes = Math.floor(seconds / 60);
  const rest = String(seconds % 60).padStart(2, "0");
  return `${minutes}:${rest}`;
}

function describeTimeLeft(seconds) {
  if (seconds <= 0) return "Time is up. Finishing the interview.";
  if (seconds >= 60) {
    const minutes = Math.round(seconds / 60);
    return `${minutes} minute${minutes === 1 ? "" : "s"} left.`;
  }
  return `${seconds} seconds left.`;
}

// The server clock is the authority: this only counts down what the page was given, then
// reloads so the server can end the interview and show where things stand.
function startCountdown(timer) {
  const display = timer.querySelector("[data-countdown-display]");
  const announcer = timer.querySelector("[data-countdown-announcer]");
  const startedAt = performance.now();
  const total = Number(timer.dataset.remainingSeconds);
  if (!display || !Number.isFinite(total)) return;
  let lastLeft = total;
  let interval = null;

  const tick = () => {
    const elapsed = Math.floor((performance.now() - startedAt) / 1000);
    const left = Math.max(0, total - elapsed);
    display.textContent = formatClock(left);
    timer.classList.toggle("is-low", left <= 60);
    const crossed = MILESTONES.find((mark) => left <= mark && lastLeft > mark);
    if (announcer && (crossed !== undefined || left === 0)) {
      announcer.textContent = describeTimeLeft(left);
    }
    lastLeft = left;
    if (left === 0) {
      window.clearInterval(interval);
      window.setTimeout(() => window.location.reload(), RELOAD_GRACE_MS);
    }
  };
  interval = window.setInterval(tick, 1000);
  tick();
}

function characterLength(text) {
  // Counted in code points, the way the server counts them.
  return Array.from(text).length;
}

function startCharacterCount(counter) {
  const field = document.getElementById(counter.dataset.characterCountFor);
  const maximum = Number(counter.dataset.max);
  const announcer = document.querySelector("[data-character-count-announcer]");
  if (!field || !Number.isFinite(maximum)) return;
  let pending = null;

  const update = () => {
    const used = characterLength(field.value);
    const text = `${used.toLocaleString("en")} / ${maximum.toLocaleString("en")} characters`;
    counter.textContent = text;
    counter.classList.toggle("is-near-limit", used >= maximum * NEAR_LIMIT_SHARE);
    // Reading the count after every keystroke would drown the user; wait for a pause in typing.
    if (announcer) {
      window.clearTimeout(pending);
      pending = window.setTimeout(() => {
        announcer.textContent = `${used.toLocaleString("en")} of ${maximum.toLocaleString("en")} characters used.`;
      }, ANNOUNCE_DELAY_MS);
    }
  };
  field.addEventListener("input", update);
  counter.textContent = `${characterLength(field.value).toLocaleString("en")} / ${maximum.toLocaleString("en")} characters`;
}

function storage() {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

// A draft survives a reload, a pause or a refused submission; it is dropped once the answer
// has been accepted (the feedback page names the draft it settles).
function keepDraft(field) {
  const store = storage();
  const key = field.dataset.draftKey;
  if (!store || !key) return;
  if (!field.value) {
    const saved = store.getItem(key);
    if (saved) {
      field.value = saved;
      field.dispatchEvent(new Event("input"));
    }
  }
  field.addEventListener("input", () => {
    try {
      store.setItem(key, field.value);
    } catch {
      // Storage full or disabled: the draft is a convenience, the form still works.
    }
  });
}

function settleDraft(element) {
  const store = storage();
  if (store && element.dataset.draftDone) store.removeItem(element.dataset.draftDone);
}

// Grading takes a moment; say so, and stop a second click from sending the answer twice.
// Where the page offers a live channel, the answer goes over it instead, so the candidate sees
// progress (and the feedback being written, when the engine streams); any trouble with the
// socket before the answer is saved falls back to the ordinary form post.
function markBusyOnSubmit(form) {
  let sent = false;
  const button = form.querySelector("[data-submit-label]");
  const idleLabel = button ? button.textContent : "";
  const setBusy = (busy) => {
    sent = busy;
    if (!button) return;
    button.textContent = busy ? button.dataset.submitLabel : idleLabel;
    if (busy) button.setAttribute("aria-disabled", "true");
    else button.removeAttribute("aria-disabled");
  };
  form.addEventListener("submit", (event) => {
    if (sent) {
      event.preventDefault();
      return;
    }
    setBusy(true);
    if (form.dataset.liveUrl && "WebSocket" in window) {
      event.preventDefault();
      sendLive(form, () => setBusy(false));
    }
  });
}

function showAnswerError(form, text) {
  const field = form.querySelector(".field");
  let error = form.querySelector("#answer-error");
  if (!error) {
    error = document.createElement("p");
    error.className = "field-error";
    error.id = "answer-error";
    field.appendChild(error);
  }
  field.classList.add("is-invalid");
  error.textContent = text;
}

function sendLive(form, ready) {
  const panel = document.getElementById("live-feedback");
  const status = panel.querySelector("[data-live-status]");
  const text = panel.querySelector("[data-live-text]");
  const url = new URL(form.dataset.liveUrl, window.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  let stored = false;
  let settled = false;
  const postInstead = () => {
    if (settled) return;
    settled = true;
    form.submit();
  };
  const socket = new WebSocket(url);
  socket.addEventListener("open", () => {
    socket.send(
      JSON.stringify({
        type: "answer",
        answer: form.elements.answer.value,
        csrf_token: form.elements.csrf_token.value,
      }),
    );
  });
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "stored") {
      stored = true;
      panel.hidden = false;
      status.textContent = "Your answer is saved. Grading it now…";
    } else if (message.type === "feedback_chunk") {
      text.textContent += message.text;
    } else if (message.type === "evaluated") {
      settled = true;
      socket.close();
      window.location.assign(message.redirect);
    } else if (message.type === "error") {
      settled = true;
      socket.close();
      showAnswerError(form, message.message);
      ready();
    }
  });
  socket.addEventListener("close", () => {
    if (settled) return;
    // Saved but not yet graded: the server finishes the job when the room is next loaded.
    if (stored) {
      settled = true;
      window.location.reload();
    } else {
      postInstead();
    }
  });
}

for (const timer of document.querySelectorAll("[data-remaining-seconds]")) startCountdown(timer);
for (const field of document.querySelectorAll("textarea[data-draft-key]")) keepDraft(field);
for (const counter of document.querySelectorAll("[data-character-count-for]")) startCharacterCount(counter);
for (const form of document.querySelectorAll("[data-answer-form]")) markBusyOnSubmit(form);
for (const element of document.querySelectorAll("[data-draft-done]")) settleDraft(element);
