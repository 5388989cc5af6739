// The public verifier page: read a Hawiyati QR code (camera, a picture of it, or its text), check
// it on this device with verify.js, and show the verdict, the state and only what was disclosed.
// The issuer's keys, the status lists and the type names are saved on the device with the time
// they were fetched, so the page keeps working offline ("status as of <time>").

import { verifyPresentation } from "./verify.js";

const root = document.getElementById("verifier");
const issuer = root.dataset.issuer;
const labels = JSON.parse(document.getElementById("labels").textContent);
const texts = document.getElementById("texts").dataset;
const lang = (document.documentElement.lang || "ar").startsWith("en") ? "en" : "ar";
const pick = (pair) => (pair ? pair[lang] || pair.ar || pair.en || "" : "");
const formatter = new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "ar-KW-u-nu-latn", { dateStyle: "medium", timeStyle: "short" });
const when = (seconds) => formatter.format(new Date(seconds * 1000));
const nowSeconds = () => Math.floor(Date.now() / 1000);

const DATA = "sahl-verifier-data"; // Cache Storage: what the page fetched, with X-Sahl-Fetched-At
const JWKS = "/.well-known/jwt-vc-issuer";
const LISTS = "/wallet/status";
const METADATA = "/.well-known/openid-credential-issuer";
const FETCHED_AT = "X-Sahl-Fetched-At";

// --- Installable and offline -----------------------------------------------------------------

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register(root.dataset.worker, { scope: root.dataset.scope }).catch(() => {});
}

const offlineNote = document.getElementById("offline");
let usedSavedCopy = false;
function showOffline() {
  offlineNote.hidden = navigator.onLine && !usedSavedCopy;
}
window.addEventListener("online", () => {
  usedSavedCopy = false;
  showOffline();
  prefetch();
});
window.addEventListener("offline", showOffline);

// An issuer URL as a path on this site (the page is served by the issuer itself); anything else
// is not fetched.
function localPath(url) {
  return typeof url === "string" && url.startsWith(`${issuer}/`) ? url.slice(issuer.length) : null;
}

async function save(path, text, fetchedAt) {
  try {
    const cache = await caches.open(DATA);
    await cache.put(path, new Response(text, { headers: { "Content-Type": "text/plain; charset=utf-8", [FETCHED_AT]: String(fetchedAt) } }));
  } catch (e) {
    /* no Cache Storage here: the service worker's copies still serve */
  }
}

async function saved(path) {
  try {
    const cache = await caches.open(DATA);
    const response = await cache.match(path);
    if (!response) return null;
    return { text: await response.text(), fetchedAt: Number(response.headers.get(FETCHED_AT)) || null, saved: true };
  } catch (e) {
    return null;
  }
}

// The network first; a saved copy when it fails. `saved` says which one it is: a copy answered
// by the service worker carries its fetch time too.
async function get(path) {
  try {
    const response = await fetch(path, { cache: "no-store", signal: AbortSignal.timeout(6000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const text = await response.text();
    const stamp = Number(response.headers.get(FETCHED_AT));
    if (stamp) {
      const mine = await saved(path);
      return mine && mine.fetchedAt > stamp ? mine : { text, fetchedAt: stamp, saved: true };
    }
    const fetchedAt = nowSeconds();
    await save(path, text, fetchedAt);
    return { text, fetchedAt, saved: false };
  } catch (e) {
    return saved(path);
  }
}

async function getJson(path) {
  const found = await get(path);
  if (!found) return null;
  try {
    return { ...found, json: JSON.parse(found.text) };
  } catch (e) {
    return null;
  }
}

async function keys() {
  const found = await getJson(JWKS);
  if (!found || found.json.issuer !== issuer) return null;
  if (found.saved) usedSavedCopy = true;
  return found.json.jwks;
}

// On load while online: the keys, every status list and the type names, saved for offline use.
async function prefetch() {
  try {
    if (!navigator.onLine) return;
    const results = await Promise.all([getJson(JWKS), getJson(LISTS), getJson(METADATA)]);
    const lists = results[1] && Array.isArray(results[1].json.lists) ? results[1].json.lists : [];
    await Promise.all(lists.map((uri) => (localPath(uri) ? get(localPath(uri)) : null)));
    if (results[0] && !results[0].saved) {
      document.getElementById("saved").textContent = texts.saved.replace("{time}", when(results[0].fetchedAt));
    }
  } finally {
    root.dataset.ready = "1";
  }
}

// --- Type names and claim labels ---------------------------------------------------------------

function displayName(display) {
  if (!Array.isArray(display)) return "";
  const found = display.find((d) => d && typeof d.locale === "string" && d.locale.startsWith(lang)) || display[0];
  return found && typeof found.name === "string" ? found.name : "";
}

async function typeOf(result) {
  const type = { name: result.configuration, labels: new Map() };
  const path = localPath(result.vct);
  const metadata = path ? await getJson(path) : null;
  if (metadata && metadata.json && typeof metadata.json === "object") {
    type.name = displayName(metadata.json.display) || metadata.json.name || type.name;
    for (const claim of Array.isArray(metadata.json.claims) ? metadata.json.claims : []) {
      if (!claim || !Array.isArray(claim.path) || !Array.isArray(claim.display)) continue;
      const label = claim.display.find((d) => d && typeof d.locale === "string" && d.locale.startsWith(lang));
      if (label && typeof label.label === "string") type.labels.set(claim.path.join("."), label.label);
    }
    return type;
  }
  const everything = await saved(METADATA);
  try {
    const supported = everything ? JSON.parse(everything.text).credential_configurations_supported || {} : {};
    const entry = supported[result.configuration];
    type.name = (entry && entry.credential_metadata && displayName(entry.credential_metadata.display)) || type.name;
  } catch (e) {
    /* the configuration id it is */
  }
  return type;
}

function claimLabel(type, path) {
  const [name, member] = path;
  if (type.labels.has(path.join("."))) return type.labels.get(path.join("."));
  if (name === "age_equal_or_over" && member !== undefined && labels.ages[member]) return pick(labels.ages[member]);
  const base = labels.claims[name] ? pick(labels.claims[name]) : name;
  return member === undefined ? base : `${base} — ${member}`;
}

function valueText(value) {
  if (value === true) return texts.yes;
  if (value === false) return texts.no;
  if (value === null || value === undefined) return "—";
  if (Array.isArray(value)) return value.map(valueText).join(lang === "ar" ? "، " : ", "); // a company's activities
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

// --- Showing the result ------------------------------------------------------------------------

function element(tag, attributes = {}, ...children) {
  const made = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, value);
  made.append(...children);
  return made;
}

function fact(label, value, id) {
  const dd = element("dd", id ? { id } : {}, element("bdi", {}, value));
  return element("div", {}, element("dt", {}, label), dd);
}

const result = document.getElementById("result");

function heading() {
  return element("h2", { id: "result-title" }, texts.result);
}

function showMessage(text) {
  result.replaceChildren(heading(), element("p", { class: "notice", id: "result-message" }, text));
}

async function show(outcome, { statusFromSavedCopy, noKeys }) {
  const stateText = pick(labels.states[outcome.state]) || outcome.state;
  const kind = !outcome.genuine ? "bad" : outcome.state === "valid" ? "ok" : outcome.state === "unknown" ? "warn" : "bad";
  const verdict = element(
    "div",
    { class: `verdict verdict-${kind}`, id: "verdict" },
    element("p", { class: "verdict-title" }, element("span", { class: "verdict-mark", "aria-hidden": "true" }, !outcome.genuine ? "✗" : outcome.state === "valid" ? "✓" : "!"), " ", outcome.genuine ? texts.genuine : pick(labels.states.refused)),
  );
  if (outcome.genuine) {
    verdict.append(element("p", { class: "verdict-state" }, `${texts.state}: `, element("strong", { id: "state", "data-state": outcome.state }, stateText)));
  } else {
    verdict.append(element("p", { class: "verdict-reason", id: "reason", "data-reason": outcome.reason }, pick(labels.refusals[outcome.reason]) || outcome.reason));
  }
  const parts = [heading(), verdict];
  if (outcome.genuine) {
    const type = await typeOf(outcome);
    parts.push(element("dl", { class: "facts verifier-document" }, fact(texts.document, type.name, "document-type")));
    parts.push(element("h3", { id: "shown-title" }, texts.shown));
    const facts = [];
    for (const [name, value] of Object.entries(outcome.claims)) {
      if (value && typeof value === "object" && !Array.isArray(value)) {
        for (const [member, inner] of Object.entries(value)) facts.push(fact(claimLabel(type, [name, member]), valueText(inner)));
      } else {
        facts.push(fact(claimLabel(type, [name]), valueText(value)));
      }
    }
    parts.push(facts.length ? element("dl", { class: "facts", id: "claims", "aria-labelledby": "shown-title" }, ...facts) : element("p", { id: "claims" }, texts.nothingShown));
    if (outcome.statusAsOf && statusFromSavedCopy) {
      parts.push(element("p", { class: "meta", id: "status-as-of" }, texts.statusAsOf.replace("{time}", when(outcome.statusAsOf))));
    }
  }
  if (noKeys) parts.push(element("p", { class: "notice" }, texts.noKeys));
  parts.push(element("p", { class: "meta", id: "checked-at" }, texts.checkedAt.replace("{time}", when(nowSeconds()))));
  const again = element("button", { type: "button", class: "secondary", id: "again" }, texts.again);
  again.addEventListener("click", () => {
    result.replaceChildren();
    document.getElementById("code-text").value = "";
    document.getElementById("read-title").scrollIntoView({ block: "start" });
    document.getElementById("code-text").focus();
  });
  parts.push(element("div", { class: "actions" }, again));
  result.replaceChildren(...parts);
  result.scrollIntoView({ block: "start" });
}

let busy = false;
async function check(text) {
  if (busy) return;
  busy = true;
  try {
    showMessage(texts.checking);
    const presentation = String(text).replace(/\s+/g, ""); // a pasted code may have been wrapped
    const jwks = await keys();
    const fromSavedCopy = new Set();
    const outcome = await verifyPresentation(presentation, {
      issuer,
      jwks,
      now: nowSeconds(),
      statusLists: async (uri) => {
        const path = localPath(uri);
        const found = path ? await get(path) : null;
        if (!found) return null;
        if (found.saved) fromSavedCopy.add(uri);
        return { token: found.text, fetchedAt: found.fetchedAt };
      },
    });
    if (fromSavedCopy.size) usedSavedCopy = true;
    showOffline();
    await show(outcome, { statusFromSavedCopy: fromSavedCopy.size > 0, noKeys: !jwks });
  } finally {
    busy = false;
  }
}

// --- Reading the code --------------------------------------------------------------------------

async function barcodeDetector() {
  if (!("BarcodeDetector" in window)) return null;
  try {
    const formats = await window.BarcodeDetector.getSupportedFormats();
    return formats.includes("qr_code") ? new window.BarcodeDetector({ formats: ["qr_code"] }) : null;
  } catch (e) {
    return null;
  }
}

const canvas = document.createElement("canvas");
function jsqr(source, width, height, limit) {
  if (typeof window.jsQR !== "function" || !width || !height) return null;
  const scale = Math.min(1, limit / Math.max(width, height));
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.drawImage(source, 0, 0, canvas.width, canvas.height);
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
  const code = window.jsQR(pixels.data, pixels.width, pixels.height, { inversionAttempts: "attemptBoth" });
  return code && code.data ? code.data : null;
}

async function detect(detector, source) {
  if (!detector) return null;
  try {
    const codes = await detector.detect(source);
    return codes.length ? codes[0].rawValue : null;
  } catch (e) {
    return null;
  }
}

// A photo or a screenshot of the code: createImageBitmap needs no URL, so the page's CSP is kept.
async function decodeImage(file) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch (e) {
    return null;
  }
  try {
    const found = await detect(await barcodeDetector(), bitmap);
    if (found) return found;
    for (const limit of [2048, 1024, 640]) {
      const text = jsqr(bitmap, bitmap.width, bitmap.height, limit);
      if (text) return text;
    }
    return null;
  } finally {
    bitmap.close();
  }
}

const photo = document.getElementById("photo");
photo.addEventListener("change", async () => {
  const file = photo.files && photo.files[0];
  if (!file) return;
  showMessage(texts.checking);
  const text = await decodeImage(file);
  photo.value = "";
  if (text) await check(text);
  else showMessage(texts.noCode);
});

document.getElementById("paste-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = document.getElementById("code-text").value;
  if (text.trim()) check(text);
});

// The device camera: BarcodeDetector where the browser has it, else jsQR on the video's frames.
const video = document.getElementById("camera");
const start = document.getElementById("camera-start");
const stop = document.getElementById("camera-stop");
const cameraStatus = document.getElementById("camera-status");
let stream = null;

function stopCamera() {
  if (stream) stream.getTracks().forEach((track) => track.stop());
  stream = null;
  video.srcObject = null;
  video.hidden = true;
  stop.hidden = true;
  start.hidden = false;
  cameraStatus.textContent = "";
}

async function scan(detector) {
  if (!stream) return;
  let text = null;
  if (video.readyState >= 2) {
    text = (await detect(detector, video)) || (detector ? null : jsqr(video, video.videoWidth, video.videoHeight, 800));
  }
  if (text) {
    stopCamera();
    await check(text);
  } else {
    window.setTimeout(() => scan(detector), 200);
  }
}

if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
  document.getElementById("camera-actions").hidden = false;
  start.addEventListener("click", async () => {
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false });
    } catch (e) {
      cameraStatus.textContent = texts.cameraOff;
      return;
    }
    video.srcObject = stream;
    video.hidden = false;
    start.hidden = true;
    stop.hidden = false;
    cameraStatus.textContent = texts.cameraOn;
    try {
      await video.play();
    } catch (e) {
      /* muted inline video plays; if not, frames still arrive */
    }
    scan(await barcodeDetector());
  });
  stop.addEventListener("click", stopCamera);
}

showOffline();
prefetch();
