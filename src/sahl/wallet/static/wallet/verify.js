// Verifying a Hawiyati presentation in the browser, offline if need be: the same checks in the
// same order as sahl.wallet.sdjwt.verify and sahl.wallet.verifying.verify, with the same refusal
// codes (docs/wallet-qr-profile.md, "Verifying"), then the state from the status list token.
// tests/e2e/test_verifier.py runs this module against the Python verifier on crafted cases so the
// two cannot drift apart.

import { JoseError, importJwk, parse, sha256b64, unb64json, unb64url, verifyJws } from "./jose.js";

export const TYP = "dc+sd-jwt";
export const KB_TYP = "kb+jwt";
export const STATUS_TYP = "statuslist+jwt";
export const SD_ALG = "sha-256";
export const LEEWAY = 60; // seconds of clock difference tolerated on nbf, exp and iat
export const QR_AUDIENCE = "sahl:qr";
export const WINDOW = 60; // seconds per nonce window of the QR profile
const PLAIN_ONLY = new Set(["iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "status", "_sd", "_sd_alg", "..."]);
const HIDDEN = new Set(["iss", "iat", "nbf", "exp", "vct", "cnf", "status"]);
const MAX_STATUS_BYTES = 16 * 1024 * 1024; // a decompression bomb stops here (as statuslist.py)
const STATUS_NAMES = { 0: "valid", 1: "revoked", 2: "suspended" };

const own = (object, name) => Object.prototype.hasOwnProperty.call(object, name);
const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);
const isInt = (value) => typeof value === "number" && Number.isInteger(value);
// Python's str() of what JSON can hold, as far as the checks below can tell the difference.
const pyStr = (value) => (typeof value === "string" ? value : value === null ? "None" : typeof value === "boolean" ? (value ? "True" : "False") : String(value));
// A claims object without a prototype, so a disclosure named "constructor" or "__proto__" is a claim like any other.
const bare = (from = {}) => Object.assign(Object.create(null), from);

// --- The presentation's parts ------------------------------------------------------------------

export function split(text) {
  const pieces = String(text).trim().split("~");
  if (pieces.length < 2 || !pieces[0]) throw new JoseError("malformed");
  const disclosures = pieces.slice(1, -1);
  if (disclosures.some((d) => !d)) throw new JoseError("malformed");
  const jwt = pieces[0];
  return { jwt, disclosures, kbJwt: pieces[pieces.length - 1], withoutKb: [jwt, ...disclosures].join("~") + "~" };
}

export function decodeDisclosure(text) {
  let value;
  try {
    value = unb64json(text);
  } catch (e) {
    throw new JoseError("disclosure_malformed");
  }
  if (!Array.isArray(value) || value.length !== 3 || typeof value[1] !== "string") throw new JoseError("disclosure_malformed");
  if (PLAIN_ONLY.has(value[1])) throw new JoseError("disclosure_malformed");
  return value;
}

function digests(value) {
  if (!Array.isArray(value) || !value.every((d) => typeof d === "string")) throw new JoseError("malformed");
  return value;
}

// The plain claims (without the SD machinery) plus what each disclosure reveals, placed where its
// digest sits. A disclosure whose digest is nowhere, or twice, is refused.
async function disclosed(payload, disclosures) {
  const places = new Map();
  const claims = bare();
  for (const [name, value] of Object.entries(payload)) {
    if (name === "_sd" || name === "_sd_alg") continue;
    if (isObject(value) && own(value, "_sd")) {
      const inner = bare();
      for (const [k, v] of Object.entries(value)) if (k !== "_sd") inner[k] = v;
      claims[name] = inner;
      for (const d of digests(value._sd)) places.set(d, inner);
    } else {
      claims[name] = value;
    }
  }
  for (const d of digests(own(payload, "_sd") ? payload._sd : [])) places.set(d, claims);
  const seen = new Set();
  for (const text of disclosures) {
    const h = await sha256b64(text);
    if (seen.has(h)) throw new JoseError("disclosure_repeated");
    seen.add(h);
    const target = places.get(h);
    const [, name, value] = decodeDisclosure(text);
    if (target === undefined) throw new JoseError("disclosure_not_referenced");
    if (own(target, name)) throw new JoseError("disclosure_repeated");
    target[name] = value;
  }
  return claims;
}

// --- Key binding -------------------------------------------------------------------------------

// The QR profile's binding: audience "sahl:qr", nonce = the time window floor(iat / 60); windows
// from two before the verifier's clock to one after are accepted, and iat must be inside its own.
export function qrBinding(now) {
  const current = Math.floor(now / WINDOW);
  return {
    audience: QR_AUDIENCE,
    nonceOk(nonce, iat) {
      if (!/^[0-9]+$/.test(nonce)) return false;
      const window = Number(nonce);
      return current - 2 <= window && window <= current + 1 && Math.floor(iat / WINDOW) === window;
    },
  };
}

async function checkBinding(parts, cnf, binding, now) {
  if (!parts.kbJwt) throw new JoseError("key_binding_missing");
  let holder;
  let kb;
  try {
    holder = await importJwk(isObject(cnf) ? cnf.jwk : undefined);
    kb = parse(parts.kbJwt, KB_TYP);
  } catch (e) {
    throw new JoseError(e && e.code === "alg_not_allowed" ? "alg_not_allowed" : "key_binding_invalid");
  }
  try {
    await verifyJws(kb, holder);
  } catch (e) {
    throw new JoseError("key_binding_invalid");
  }
  const claims = kb.payload;
  if (claims.sd_hash !== (await sha256b64(parts.withoutKb))) throw new JoseError("sd_hash_mismatch");
  if (claims.aud !== binding.audience) throw new JoseError("key_binding_invalid");
  const iat = claims.iat;
  if (!isInt(iat) || iat > now + LEEWAY) throw new JoseError("key_binding_invalid");
  if (!binding.nonceOk(pyStr(own(claims, "nonce") ? claims.nonce : ""), iat)) throw new JoseError("nonce_outside_window");
}

function timing(payload, now) {
  const { nbf, exp } = payload;
  if (isInt(nbf) && nbf > now + LEEWAY) return "not_yet_valid";
  if (isInt(exp) && exp <= now - LEEWAY) return "expired";
  return "valid";
}

// --- Keys ---------------------------------------------------------------------------------------

async function keyFor(jwks, kid) {
  const keys = isObject(jwks) && Array.isArray(jwks.keys) ? jwks.keys : [];
  const jwk = keys.find((k) => isObject(k) && k.kid === kid);
  if (!jwk) return null;
  try {
    return await importJwk({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y });
  } catch (e) {
    return null; // a key we cannot use is as good as an unknown one
  }
}

// sdjwt.verify: the checks in the profile's order; the first failure throws a JoseError. Validity
// times do not throw: a genuine expired document is still worth telling apart.
export async function check(text, { issuer, jwks, binding, now }) {
  const parts = split(text);
  const jws = parse(parts.jwt, TYP);
  const payload = jws.payload;
  if (payload.iss !== issuer) throw new JoseError("unknown_issuer");
  const key = await keyFor(jwks, pyStr(own(jws.header, "kid") ? jws.header.kid : ""));
  if (key === null) throw new JoseError("unknown_key");
  await verifyJws(jws, key);
  if ((own(payload, "_sd_alg") ? payload._sd_alg : SD_ALG) !== SD_ALG) throw new JoseError("malformed");
  const claims = await disclosed(payload, parts.disclosures);
  if (own(payload, "cnf")) await checkBinding(parts, payload.cnf, binding, now);
  else if (parts.kbJwt) throw new JoseError("key_binding_invalid");
  return { header: jws.header, payload, claims, timing: timing(payload, now) };
}

// --- Status list --------------------------------------------------------------------------------

function statusReference(payload) {
  const ref = isObject(payload.status) ? payload.status.status_list : undefined;
  if (!isObject(ref) || typeof ref.uri !== "string" || !isInt(ref.idx)) return null;
  return { uri: ref.uri, index: ref.idx };
}

async function inflate(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate")); // "deflate" is ZLIB (RFC 1950)
  const reader = stream.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_STATUS_BYTES) {
      await reader.cancel();
      throw new JoseError("status_list_malformed");
    }
    chunks.push(value);
  }
  const data = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    data.set(chunk, at);
    at += chunk.length;
  }
  return data;
}

// The status at `index` in a status list token for `uri`, or "unknown" when the token is not a
// good one: typ statuslist+jwt, ES256, a kid of the issuer's JWKS, sub = uri, exp not passed.
export async function statusFromToken(token, uri, index, { jwks, now }) {
  try {
    const jws = parse(token, STATUS_TYP);
    const key = await keyFor(jwks, pyStr(own(jws.header, "kid") ? jws.header.kid : ""));
    if (key === null) return { state: "unknown", iat: null };
    await verifyJws(jws, key);
    const claims = jws.payload;
    if (claims.sub !== uri || !isInt(claims.exp) || claims.exp <= now) return { state: "unknown", iat: null };
    const list = claims.status_list;
    if (!isObject(list) || ![1, 2, 4, 8].includes(list.bits)) return { state: "unknown", iat: null };
    const data = await inflate(unb64url(list.lst));
    const perByte = 8 / list.bits;
    if (index < 0 || index >= data.length * perByte) return { state: "unknown", iat: null };
    const value = (data[Math.floor(index / perByte)] >> (list.bits * (index % perByte))) & ((1 << list.bits) - 1);
    return { state: STATUS_NAMES[value] || "unknown", iat: isInt(claims.iat) ? claims.iat : null };
  } catch (e) {
    return { state: "unknown", iat: null };
  }
}

// `statusLists`: a Map or an object of uri -> token (or {token, fetchedAt}), or an async function
// (uri) -> the same or null. `fetchedAt` (Unix seconds) is when the copy was fetched.
async function listFor(statusLists, uri) {
  let found = null;
  if (typeof statusLists === "function") found = await statusLists(uri);
  else if (statusLists instanceof Map) found = statusLists.get(uri);
  else if (isObject(statusLists) && own(statusLists, uri)) found = statusLists[uri];
  if (typeof found === "string") return { token: found, fetchedAt: null };
  if (isObject(found) && typeof found.token === "string") return { token: found.token, fetchedAt: isInt(found.fetchedAt) ? found.fetchedAt : null };
  return null;
}

function isEmptyObject(value) {
  return isObject(value) && Object.keys(value).length === 0;
}

// verifying.verify, offline: the profile's checks, then the state from the status list token.
// `jwks` is the issuer's {"keys": [...]}; `now` is Unix seconds (default: this device's clock).
export async function verifyPresentation(text, { issuer, jwks, statusLists, now, binding } = {}) {
  const at = isInt(now) ? now : Math.floor(Date.now() / 1000);
  let checked;
  try {
    checked = await check(text, { issuer, jwks, binding: binding || qrBinding(at), now: at });
  } catch (e) {
    if (!(e instanceof JoseError)) console.error("verify.js:", e);
    return { genuine: false, state: "refused", reason: e instanceof JoseError ? e.code : "malformed", configuration: "", claims: {}, statusAsOf: null };
  }
  const { payload } = checked;
  const vct = pyStr(own(payload, "vct") ? payload.vct : "");
  const prefix = `${issuer}/vct/`;
  const configuration = vct.startsWith(prefix) ? vct.slice(prefix.length) : vct;
  let state = checked.timing;
  let statusAsOf = null;
  if (state === "valid") {
    state = "unknown";
    const ref = statusReference(payload);
    const lists = `${issuer}/wallet/status/`;
    if (ref && ref.uri.startsWith(lists) && /^[0-9]+$/.test(ref.uri.slice(lists.length))) {
      const list = await listFor(statusLists, ref.uri);
      if (list) {
        const found = await statusFromToken(list.token, ref.uri, ref.index, { jwks, now: at });
        state = found.state;
        if (state !== "unknown") statusAsOf = list.fetchedAt !== null ? list.fetchedAt : found.iat;
      }
    }
  }
  const claims = bare();
  for (const [name, value] of Object.entries(checked.claims)) {
    if (!HIDDEN.has(name) && !isEmptyObject(value)) claims[name] = isObject(value) ? bare(value) : value;
  }
  return {
    genuine: true,
    state,
    reason: "",
    configuration,
    vct,
    claims,
    statusAsOf,
    expiresAt: isInt(payload.exp) ? payload.exp : null,
  };
}
