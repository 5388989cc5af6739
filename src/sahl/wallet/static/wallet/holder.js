// Hawiyati, Sahl's own web wallet (the page /wallet/). It behaves like any OpenID4VCI wallet:
// a holder key made here with WebCrypto (the private half not extractable) and kept in IndexedDB
// per civil ID; credentials received through the pre-authorized code flow with key proofs; QR
// presentations signed with a key-binding JWT on the profile's time window, renewed every 30 s
// (docs/wallet-qr-profile.md). The service worker (wallet-sw.js) keeps the page usable offline.
import { JoseError, generateKey, parse, publicJwk, sha256b64, sign, unb64json } from "./jose.js";

const PRE_AUTHORIZED = "urn:ietf:params:oauth:grant-type:pre-authorized_code";
const PROOF_TYP = "openid4vci-proof+jwt";
const SD_JWT_TYP = "dc+sd-jwt";
const QR_AUDIENCE = "sahl:qr";
const WINDOW = 60; // seconds per nonce window
const RENEW_BEFORE = 30 * 24 * 3600; // fetch fresh credentials when they end within 30 days
const QR_ID = "_qr_id";
const QR_AGE = "_qr_age";
const QR_MARGIN = 4; // the quiet zone, in modules
const QR_MAX_WIDTH = 512; // CSS pixels: big enough for a camera to read from a laptop's screen

// --- SD-JWT: the holder's side (mirrors sahl.wallet.sdjwt) ------------------------------------

function split(sdJwt) {
  const pieces = sdJwt.trim().split("~");
  if (pieces.length < 2 || !pieces[0]) throw new JoseError("malformed");
  return { jwt: pieces[0], disclosures: pieces.slice(1, -1) };
}

// Each disclosure of an SD-JWT by the path of the claim it reveals ("age_equal_or_over.18").
export async function claimNames(sdJwt) {
  const { jwt, disclosures } = split(sdJwt);
  const { payload } = parse(jwt, SD_JWT_TYP);
  const where = new Map();
  for (const digest of payload._sd || []) where.set(digest, "");
  for (const [name, value] of Object.entries(payload)) {
    if (value && typeof value === "object" && Array.isArray(value._sd)) {
      for (const digest of value._sd) where.set(digest, `${name}.`);
    }
  }
  const named = {};
  for (const disclosure of disclosures) {
    const decoded = unb64json(disclosure);
    const place = where.get(await sha256b64(disclosure));
    named[(place === undefined ? "?" : place) + decoded[1]] = disclosure;
  }
  return named;
}

// The presentation: only the disclosures named in `keep`, then a KB-JWT over them.
export async function present(sdJwt, keep, privateKey, aud, nonce, iat) {
  const named = await claimNames(sdJwt);
  const chosen = keep.map((path) => {
    if (!(path in named)) throw new JoseError("disclosure_missing");
    return named[path];
  });
  const base = [split(sdJwt).jwt, ...chosen].join("~") + "~";
  const kb = await sign(privateKey, { alg: "ES256", typ: "kb+jwt" }, { iat, aud, nonce, sd_hash: await sha256b64(base) });
  return base + kb;
}

export const qrNonce = (iat) => String(Math.floor(iat / WINDOW));

// --- IndexedDB: the holder key and the credentials, per civil ID ------------------------------

const DB_NAME = "sahl-wallet";

function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function openDatabase() {
  const request = indexedDB.open(DB_NAME, 1);
  request.onupgradeneeded = () => {
    const db = request.result;
    db.createObjectStore("keys", { keyPath: "holder" });
    db.createObjectStore("credentials", { keyPath: "id" }).createIndex("holder", "holder");
  };
  return done(request);
}

class Store {
  constructor(db, holder) {
    this.db = db;
    this.holder = holder;
  }

  store(name, mode = "readonly") {
    return this.db.transaction(name, mode).objectStore(name);
  }

  // The person's key pair, made on first use. `add` (not `put`): if another tab made one at the
  // same moment, both keep the one stored first, so no credential is bound to a lost key.
  async key() {
    const found = await done(this.store("keys").get(this.holder));
    if (found) return found;
    const pair = await generateKey();
    const record = { holder: this.holder, privateKey: pair.privateKey, publicKey: pair.publicKey, jwk: await publicJwk(pair.publicKey), created: Date.now() };
    try {
      await done(this.store("keys", "readwrite").add(record));
      return record;
    } catch (error) {
      const stored = await done(this.store("keys").get(this.holder));
      if (stored) return stored;
      throw error;
    }
  }

  credentialId(document, configuration) {
    return `${this.holder}|${document}|${configuration}`;
  }

  credential(document, configuration) {
    return done(this.store("credentials").get(this.credentialId(document, configuration)));
  }

  async credentials() {
    return done(this.store("credentials").index("holder").getAll(this.holder));
  }

  keep(document, configuration, credential, exp) {
    const id = this.credentialId(document, configuration);
    return done(this.store("credentials", "readwrite").put({ id, holder: this.holder, document, configuration, credential, exp, received: Date.now() }));
  }

  forget(id) {
    return done(this.store("credentials", "readwrite").delete(id));
  }
}

// --- HTTP --------------------------------------------------------------------------------------

class WalletError extends Error {
  constructor(code, description = "") {
    super(description ? `${code}: ${description}` : code);
    this.code = code;
  }
}

function cookie(name) {
  const found = document.cookie.split("; ").find((c) => c.startsWith(`${name}=`));
  return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
}

// Sahl's JSON API, in the person's session.
async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["X-CSRFToken"] = cookie("csrftoken");
  const response = await fetch(path, { method, headers, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body) });
  if (!response.ok || response.redirected) throw new WalletError(`http_${response.status}`);
  return response.json();
}

// The OpenID4VCI endpoints take no cookies: the wallet is a client like any other.
async function oauth(path, init) {
  const response = await fetch(path, { method: "POST", credentials: "omit", cache: "no-store", ...init });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new WalletError(answer.error || `http_${response.status}`, answer.error_description);
  return answer;
}

const now = () => Math.floor(Date.now() / 1000);

// --- The page ----------------------------------------------------------------------------------

const root = document.getElementById("wallet");
const texts = document.getElementById("wallet-texts").dataset;
const issuer = JSON.parse(document.getElementById("wallet-issuer").textContent);
const holder = JSON.parse(document.getElementById("wallet-holder").textContent);
const labels = JSON.parse(document.getElementById("wallet-labels").textContent);
const language = document.documentElement.lang.startsWith("en") ? "en" : "ar";
const statusLine = document.getElementById("wallet-status");
const fill = (text, values) => text.replace(/\{(\w+)\}/g, (_, name) => values[name] ?? "");
const say = (text) => {
  statusLine.textContent = text;
};

// Cards by the document's key: its id for an application's document, r<id> for a register copy.
const cards = new Map([...root.querySelectorAll(".wallet-card")].map((card) => [card.dataset.document, card]));

// The documents as the page was rendered: the fallback when the documents API cannot be reached.
function pageDocuments() {
  return [...cards.values()].map((card) => ({
    id: Number(card.dataset.id),
    key: card.dataset.document,
    source: card.dataset.source,
    document: card.dataset.type,
    state: card.dataset.state,
    valid_until: card.dataset.validUntil || null,
    configurations: card.dataset.configurations.split(" ").filter(Boolean),
  }));
}

function showState(card, state) {
  card.dataset.state = state;
  const badge = card.querySelector("[data-role=state]");
  badge.textContent = labels.states[state] ? labels.states[state][language] : state;
  badge.className = `badge badge-state-${state}`;
  card.querySelector("[data-role=revoked-note]").hidden = state !== "revoked";
  if (state !== "valid") {
    card.querySelector("[data-role=actions]").hidden = true;
    for (const panel of card.querySelectorAll("[data-role=qr-panel], [data-role=offer-panel]")) panel.hidden = true;
    if (shown && shown.card === card) stopQr();
  }
}

// The end of a document's credentials (rules.expiry): midnight in Kuwait (UTC+3, no summer time)
// after its last valid day, or none.
const KUWAIT_OFFSET = 3 * 3600;
function documentEnd(validUntil) {
  if (!validUntil) return null;
  const [y, m, d] = validUntil.split("-").map(Number);
  return Math.floor(Date.UTC(y, m - 1, d + 1) / 1000) - KUWAIT_OFFSET;
}

// Whether to ask for the document's credentials: some are missing, or they end within 30 days
// and fresh ones would last longer (a document ending soon gives short credentials anyway).
function needsCredentials(doc, held) {
  const end = documentEnd(doc.valid_until);
  return doc.configurations.some((configuration) => {
    const record = held.get(configuration);
    if (!record) return true;
    return record.exp - now() < RENEW_BEFORE && (end === null || end > record.exp + 3600);
  });
}

// OpenID4VCI, pre-authorized code flow: offer, token, then a nonce and a key proof per configuration.
async function receive(store, key, doc) {
  const made = await api("POST", root.dataset.offers, { document: doc.id, source: doc.source });
  const offer = made.credential_offer;
  const grant = offer.grants[PRE_AUTHORIZED];
  const token = await oauth(root.dataset.token, {
    body: new URLSearchParams({ grant_type: PRE_AUTHORIZED, "pre-authorized_code": grant["pre-authorized_code"], tx_code: made.tx_code }),
  });
  for (const configuration of offer.credential_configuration_ids) {
    const { c_nonce: nonce } = await oauth(root.dataset.nonce, {});
    const proof = await sign(key.privateKey, { typ: PROOF_TYP, alg: "ES256", jwk: key.jwk }, { aud: issuer, iat: now(), nonce });
    const answer = await oauth(root.dataset.credential, {
      headers: { Authorization: `Bearer ${token.access_token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ credential_configuration_id: configuration, proofs: { jwt: [proof] } }),
    });
    const text = answer.credentials[0].credential;
    const { payload } = parse(split(text).jwt, SD_JWT_TYP);
    const bound = payload.cnf && payload.cnf.jwk;
    if (!bound || bound.x !== key.jwk.x || bound.y !== key.jwk.y) throw new WalletError("not_bound_to_this_key");
    await store.keep(doc.key, configuration, text, payload.exp);
  }
}

// The documents now, and whether they are the server's answer (else the page's, offline).
async function documentsNow() {
  try {
    return { documents: await api("GET", root.dataset.documents), online: true };
  } catch (error) {
    return { documents: pageDocuments(), online: false };
  }
}

async function sync(store) {
  say(texts.syncing);
  const key = await store.key();
  const { documents, online } = await documentsNow();
  const byDocument = new Map();
  for (const record of await store.credentials()) {
    if (!byDocument.has(record.document)) byDocument.set(record.document, new Map());
    byDocument.get(record.document).set(record.configuration, record);
  }
  let failed = false;
  for (const doc of documents) {
    const card = cards.get(doc.key);
    const held = byDocument.get(doc.key) || new Map();
    if (doc.state === "revoked") {
      for (const record of held.values()) await store.forget(record.id); // never to be shown again
    } else if (doc.state === "valid" && navigator.onLine && needsCredentials(doc, held)) {
      try {
        await receive(store, key, doc);
      } catch (error) {
        failed = true;
        console.warn("Hawiyati: could not receive the credentials of document", doc.key, error);
      }
    }
    if (card) {
      showState(card, doc.state);
      if (doc.state === "valid") await enable(store, card, doc);
    }
  }
  if (online) {
    // A register copy replaced by a newer one leaves the list: its credentials are revoked, never shown again.
    const listed = new Set(documents.map((doc) => doc.key));
    for (const [key, held] of byDocument) {
      if (!listed.has(key)) for (const record of held.values()) await store.forget(record.id);
    }
  }
  say(!navigator.onLine ? texts.offline : failed ? texts.syncFailed : texts.synced);
}

async function enable(store, card, doc) {
  const main = await store.credential(doc.key, doc.document);
  const actions = card.querySelector("[data-role=actions]");
  actions.hidden = false;
  for (const kind of [QR_AGE, QR_ID]) {
    const button = actions.querySelector(`[data-action=${kind === QR_AGE ? "age" : "id"}]`);
    if (button) button.hidden = !(await store.credential(doc.key, doc.document + kind));
  }
  const offer = actions.querySelector("[data-action=offer]");
  offer.hidden = !navigator.onLine;
  card.querySelector("[data-role=not-held]").hidden = Boolean(main) || [...actions.querySelectorAll("button")].some((b) => !b.hidden);
}

// --- QR codes ----------------------------------------------------------------------------------

// Draw a QR code (byte mode, level L) into an <img>, with whole device pixels per module so that
// every module has the same size on screen (a scanner reads a crisp code much better).
function drawQr(img, text) {
  const qr = globalThis.qrcode(0, "L");
  qr.addData(text, "Byte");
  qr.make();
  const modules = qr.getModuleCount() + 2 * QR_MARGIN;
  const ratio = window.devicePixelRatio || 1;
  const room = Math.min(QR_MAX_WIDTH, Math.max(160, img.parentElement.clientWidth)) * ratio;
  const cell = Math.max(2, Math.min(8, Math.floor(room / modules)));
  img.src = qr.createDataURL(cell, cell * QR_MARGIN); // its margin is in pixels
  img.width = img.height = Math.round((cell * modules) / ratio);
}

// The QR's <img> is made when a code is first drawn, since HTML wants an image's source in the
// markup and a QR code has none before then.
function qrImage(figure, role, alt) {
  let img = figure.querySelector(`[data-role=${role}]`);
  if (!img) {
    img = document.createElement("img");
    img.dataset.role = role;
    img.alt = alt;
    img.width = img.height = 300;
    figure.prepend(img);
  }
  return img;
}

let shown = null; // the QR on screen: { card, kind, timer }

function stopQr() {
  if (!shown) return;
  clearInterval(shown.timer);
  const panel = shown.card.querySelector("[data-role=qr-panel]");
  panel.hidden = true;
  panel.querySelector("[data-role=qr]")?.remove();
  for (const button of shown.card.querySelectorAll("[data-action=age], [data-action=id]")) button.setAttribute("aria-expanded", "false");
  shown = null;
}

async function showQr(store, card, kind) {
  if (shown) stopQr();
  const doc = card.dataset.document;
  const record = await store.credential(doc, card.dataset.type + kind);
  if (!record) return;
  const key = await store.key();
  const panel = card.querySelector("[data-role=qr-panel]");
  const img = qrImage(panel.querySelector("[data-role=qr-figure]"), "qr", "");
  const caption = panel.querySelector("[data-role=qr-caption]");
  const ages = panel.querySelector("[data-role=ages]");
  ages.hidden = kind !== QR_AGE;
  panel.querySelector("[data-role=copy-status]").textContent = "";
  const age = () => panel.querySelector("input[type=radio]:checked").value;
  const draw = async () => {
    const chosen = kind === QR_AGE ? age() : "";
    const iat = now();
    const text = await present(record.credential, chosen ? [`age_equal_or_over.${chosen}`] : [], key.privateKey, QR_AUDIENCE, qrNonce(iat), iat);
    if (!shown || shown.card !== card || shown.kind !== kind) return; // closed meanwhile
    drawQr(img, text);
    img.alt = kind === QR_AGE ? fill(texts.qrAgeAlt, { age: chosen }) : texts.qrIdAlt;
    caption.textContent = kind === QR_AGE ? fill(texts.qrAgeShows, { age: chosen }) : texts.qrIdShows;
    img.dataset.presentation = text;
    img.dataset.signedAt = String(iat);
  };
  const seconds = Math.max(1, Number(root.dataset.refresh) || 30);
  shown = { card, kind, timer: setInterval(() => draw().catch(console.error), seconds * 1000), draw };
  panel.hidden = false;
  card.querySelector(`[data-action=${kind === QR_AGE ? "age" : "id"}]`).setAttribute("aria-expanded", "true");
  await draw();
}

async function showOffer(card) {
  const panel = card.querySelector("[data-role=offer-panel]");
  const button = card.querySelector("[data-action=offer]");
  const error = card.querySelector("[data-role=offer-error]");
  if (!panel.hidden) {
    panel.hidden = true;
    button.setAttribute("aria-expanded", "false");
    return;
  }
  error.hidden = true;
  let made;
  try {
    made = await api("POST", root.dataset.offers, { document: Number(card.dataset.id), source: card.dataset.source });
  } catch (e) {
    error.hidden = false;
    return;
  }
  const link = panel.querySelector("[data-role=offer-link]");
  link.href = made.credential_offer_uri;
  panel.querySelector("[data-role=tx-code]").textContent = made.tx_code;
  const time = new Intl.DateTimeFormat(language === "en" ? "en-GB" : "ar-KW-u-nu-latn", { hour: "2-digit", minute: "2-digit" });
  panel.querySelector("[data-role=offer-expires]").textContent = fill(texts.offerExpires, { time: time.format(new Date(made.expires_at)) });
  panel.hidden = false;
  const figure = panel.querySelector("[data-role=offer-qr-figure]");
  drawQr(qrImage(figure, "offer-qr", figure.dataset.alt), made.credential_offer_uri);
  button.setAttribute("aria-expanded", "true");
}

async function copy(card) {
  const img = card.querySelector("[data-role=qr]");
  const status = card.querySelector("[data-role=copy-status]");
  try {
    await navigator.clipboard.writeText(img?.dataset.presentation || "");
    status.textContent = texts.copied;
  } catch (e) {
    status.textContent = texts.copyFailed;
  }
}

function wire(store) {
  root.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    const card = button && button.closest(".wallet-card");
    if (!card) return;
    const action = button.dataset.action;
    const kind = action === "age" ? QR_AGE : action === "id" ? QR_ID : null;
    if (kind) {
      if (shown && shown.card === card && shown.kind === kind) stopQr();
      else showQr(store, card, kind).catch(console.error);
    } else if (action === "hide") {
      stopQr();
    } else if (action === "copy") {
      copy(card);
    } else if (action === "offer") {
      showOffer(card).catch(console.error);
    }
  });
  root.addEventListener("change", (event) => {
    if (event.target.matches("input[type=radio]") && shown) shown.draw().catch(console.error);
  });
}

// --- Logging in elsewhere: answering an OpenID4VP request (wallet.logins, docs/adr/0056) -------

const REQUEST_TYP = "oauth-authz-req+jwt";
const loginTexts = JSON.parse(document.getElementById("wallet-login-refusals").textContent);

// The request object is unsigned, as OID4VP 1.0 has it under the `redirect_uri` client identifier
// prefix: what names the site is where the answer goes, which the person sees before approving.
// This web wallet is Sahl's own: it answers Sahl's requests only (its page may reach no other host).
function readRequest(text, clientId) {
  const parts = text.split(".");
  if (parts.length !== 3 || parts[2] !== "") throw new WalletError("bad_request");
  const header = unb64json(parts[0]);
  const request = unb64json(parts[1]);
  if (header.alg !== "none" || header.typ !== REQUEST_TYP) throw new WalletError("bad_request");
  const answerTo = new URL(request.response_uri, location.href);
  if (answerTo.origin !== location.origin || request.client_id !== clientId || clientId !== `redirect_uri:${request.response_uri}`) throw new WalletError("bad_request");
  if (request.response_type !== "vp_token" || request.response_mode !== "direct_post" || !request.nonce || !request.state) throw new WalletError("bad_request");
  const query = request.dcql_query && request.dcql_query.credentials && request.dcql_query.credentials[0];
  if (!query || query.format !== "dc+sd-jwt" || !query.meta || !Array.isArray(query.meta.vct_values)) throw new WalletError("bad_request");
  return { request, query, origin: answerTo.origin };
}

// The held credential a DCQL query asks for: of one of its types, bound to this browser, not expired.
async function heldFor(store, query) {
  for (const record of await store.credentials()) {
    const { payload } = parse(split(record.credential).jwt, SD_JWT_TYP);
    if (query.meta.vct_values.includes(payload.vct) && payload.exp > now()) return record;
  }
  return null;
}

async function answerLogin(store) {
  const params = new URLSearchParams(location.search);
  const requestUri = params.get("request_uri");
  const clientId = params.get("client_id");
  if (!requestUri || !clientId) return;
  const panel = document.getElementById("wallet-ask");
  const actions = panel.querySelector("[data-role=ask-actions]");
  const status = panel.querySelector("[data-role=ask-status]");
  const error = panel.querySelector("[data-role=ask-error]");
  const refuse = (text, reason = "") => {
    actions.hidden = true;
    error.hidden = false;
    error.textContent = text;
    panel.dataset.outcome = "refused";
    panel.dataset.reason = reason;
  };
  panel.hidden = false;
  let asked;
  try {
    const where = new URL(requestUri, location.href);
    if (where.origin !== location.origin) throw new WalletError("bad_request");
    const response = await fetch(where, { credentials: "omit", cache: "no-store" });
    if (!response.ok) throw new WalletError(`http_${response.status}`);
    asked = readRequest(await response.text(), clientId);
  } catch (e) {
    return refuse(texts.loginBadRequest, "bad_request");
  }
  const { request, query, origin } = asked;
  panel.querySelector("[data-role=ask-site]").textContent = (request.client_metadata && request.client_metadata.client_name) || origin;
  panel.querySelector("[data-role=ask-origin]").textContent = origin;
  panel.querySelector("[data-role=ask-code]").textContent = request.sahl_short_code || "";
  const record = await heldFor(store, query);
  if (!record) return refuse(texts.loginNoCivilId, "no_credential");
  panel.dataset.ready = "true";
  actions.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    actions.hidden = true;
    if (button.dataset.action === "decline") {
      status.textContent = texts.loginDeclined;
      panel.dataset.outcome = "declined";
      return;
    }
    status.textContent = texts.loginSending;
    const key = await store.key();
    const keep = (query.claims || []).map((claim) => claim.path.join("."));
    const presentation = await present(record.credential, keep, key.privateKey, request.client_id, request.nonce, now());
    panel.dataset.presentation = presentation; // for tests, as the QR codes keep theirs
    const body = new URLSearchParams({ vp_token: JSON.stringify({ [query.id]: [presentation] }), state: request.state });
    let response;
    let answer = {};
    try {
      response = await fetch(request.response_uri, { method: "POST", body, credentials: "omit", cache: "no-store" });
      answer = await response.json().catch(() => ({}));
    } catch (e) {
      status.textContent = "";
      return refuse(texts.syncFailed, "offline");
    }
    status.textContent = "";
    if (!response.ok) return refuse(loginTexts[answer.reason] || answer.message || answer.title || texts.loginBadRequest, answer.reason || "");
    status.textContent = texts.loginDone;
    panel.dataset.outcome = "approved";
  });
}

// A page the service worker did not serve (the first visit, before it took over) keeps itself and
// its list of documents for offline use: fetched here, they are in the language and for the person
// this page shows. What the worker serves, it keeps itself (wallet-sw.js). Same cache, same rule: a
// real answer, never a redirect. The portal's own worker (scope /, ADR 0055) may have served it
// before this one took over, or this one may not have installed yet: the page does not wait for it.
// The controller read here may already be the wallet's worker although the portal's served the
// page (the wallet's claimed it in between, seen under load): so the wallet's is trusted only where
// the cache holds a copy, and a first visit never ends without one.
const loadedBy = navigator.serviceWorker && navigator.serviceWorker.controller ? navigator.serviceWorker.controller.scriptURL : "";
async function keepPage() {
  const [navigation] = performance.getEntriesByType("navigation");
  if (!navigation || !globalThis.caches) return;
  const cache = await caches.open(root.dataset.cache);
  const servedByWallet = navigation.workerStart > 0 && new URL(loadedBy || "/", location.href).pathname === root.dataset.worker;
  if (servedByWallet && (await cache.match(location.pathname))) return;
  for (const path of [location.pathname, root.dataset.documents]) {
    const response = await fetch(path, { credentials: "same-origin" });
    if (response.ok && !response.redirected) await cache.put(path, response);
  }
}

async function main() {
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker
      .register(root.dataset.worker, { scope: root.dataset.scope })
      .then(keepPage)
      .catch((e) => console.warn("Hawiyati: no offline use", e));
  }
  if (!globalThis.indexedDB || !globalThis.crypto || !crypto.subtle || !globalThis.qrcode) {
    say(texts.unsupported);
    return;
  }
  const store = new Store(await openDatabase(), holder);
  wire(store);
  await sync(store);
  await answerLogin(store);
}

main()
  .catch((error) => {
    console.error("Hawiyati:", error);
    say(texts.syncFailed);
  })
  .finally(() => {
    root.dataset.ready = "true"; // for tests and for anyone waiting on the page's first pass
  });
