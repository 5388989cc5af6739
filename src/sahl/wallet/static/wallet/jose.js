// Hawiyati's JOSE in the browser, on panva's jose library (vendor/jose.js, see vendor/README.md).
// The library signs, verifies, makes and imports keys and writes base64url; this module keeps the
// profile, as wallet/jose.py does on joserfc (docs/adr/0015 and 0018): ES256 only, checked with the
// `typ` before any signature work, no `crit`, canonical base64url only, JSON objects only, and one
// short code for each way a token can be wrong, which the pages translate. The wallet (holder.js)
// and the verifier (verify.js) both use it; nothing else imports the library.

import { CompactSign, base64url, compactVerify, exportJWK, generateKeyPair, importJWK } from "./vendor/jose.js";

const ALG = "ES256";
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true }); // bad UTF-8 is malformed, as in Python

export class JoseError extends Error {
  constructor(code) {
    super(code);
    this.code = code;
  }
}

const b64url = (bytes) => base64url.encode(bytes);

// Unpadded base64url in its one spelling (RFC 7515, section 2): the library's decoder also takes
// padding, spaces and changed spare bits, which would let a signature be spelled two ways.
export function unb64url(text) {
  if (typeof text !== "string" || !/^[A-Za-z0-9_-]+$/.test(text)) throw new JoseError("malformed");
  let bytes;
  try {
    bytes = base64url.decode(text);
  } catch (e) {
    throw new JoseError("malformed");
  }
  if (b64url(bytes) !== text) throw new JoseError("malformed");
  return bytes;
}

const utf8 = (text) => encoder.encode(text);

export function unb64json(text) {
  try {
    return JSON.parse(decoder.decode(unb64url(text)));
  } catch (e) {
    throw new JoseError("malformed");
  }
}

export async function sha256b64(text) {
  return b64url(new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(text))));
}

// A holder key pair: the private half can sign but never leaves WebCrypto (not extractable).
export function generateKey() {
  return generateKeyPair(ALG, { extractable: false });
}

// The four members that make a P-256 public key, in the order Sahl has always written them.
export async function publicJwk(publicKey) {
  const { kty, crv, x, y } = await exportJWK(publicKey);
  return { kty, crv, x, y };
}

// A P-256 public JWK as a verifying key; private keys, other curves and points off the curve are `bad_key`.
export async function importJwk(jwk) {
  if (!jwk || jwk.kty !== "EC" || jwk.crv !== "P-256" || "d" in jwk) throw new JoseError("bad_key");
  try {
    return await importJWK({ kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y }, ALG, { extractable: false });
  } catch (e) {
    throw new JoseError("bad_key");
  }
}

// The compact JSON the profile signs (JSON.stringify has no spaces and keeps Arabic as UTF-8).
export function sign(privateKey, header, payload) {
  return new CompactSign(utf8(JSON.stringify(payload))).setProtectedHeader(header).sign(privateKey);
}

// Split a compact JWS; refuse a wrong alg or typ before any signature work (like jose.py).
export function parse(token, typ) {
  const parts = typeof token === "string" ? token.split(".") : [];
  if (parts.length !== 3) throw new JoseError("malformed");
  const header = unb64json(parts[0]);
  const payload = unb64json(parts[1]);
  if (!header || typeof header !== "object" || Array.isArray(header) || !payload || typeof payload !== "object" || Array.isArray(payload)) throw new JoseError("malformed");
  if (header.alg !== ALG) throw new JoseError("alg_not_allowed");
  if (header.typ !== typ) throw new JoseError("wrong_type");
  if ("crit" in header) throw new JoseError("malformed"); // Sahl understands no extension (RFC 7515, 4.1.11)
  unb64url(parts[2]); // an empty or damaged signature is malformed, not merely wrong
  return { header, payload, token };
}

// The library verifies, with ES256 as its only allowed algorithm too: `none` never reaches a key.
export async function verifyJws(jws, publicKey) {
  try {
    await compactVerify(jws.token, publicKey, { algorithms: [ALG] });
  } catch (e) {
    throw new JoseError("bad_signature");
  }
}
