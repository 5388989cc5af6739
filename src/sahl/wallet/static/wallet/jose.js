// Just enough JOSE for Hawiyati in the browser: base64url, SHA-256 and ES256 compact JWS with
// WebCrypto. The wallet (holder.js) and the verifier (verify.js) both use it. WebCrypto's ECDSA
// signatures are already the raw r||s that JWS wants.

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true }); // bad UTF-8 is malformed, as in Python

export function b64url(bytes) {
  const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let text = "";
  for (let i = 0; i < data.length; i += 0x8000) text += String.fromCharCode(...data.subarray(i, i + 0x8000));
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function unb64url(text) {
  if (typeof text !== "string" || !/^[A-Za-z0-9_-]+$/.test(text) || text.length % 4 === 1) throw new JoseError("malformed");
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export class JoseError extends Error {
  constructor(code) {
    super(code);
    this.code = code;
  }
}

export const utf8 = (text) => encoder.encode(text);
export const fromUtf8 = (bytes) => decoder.decode(bytes);
export const b64json = (value) => b64url(utf8(JSON.stringify(value)));

export function unb64json(text) {
  try {
    return JSON.parse(fromUtf8(unb64url(text)));
  } catch (e) {
    throw new JoseError("malformed");
  }
}

export async function sha256b64(text) {
  return b64url(new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(text))));
}

const ES256 = { name: "ECDSA", hash: "SHA-256" };
const P256 = { name: "ECDSA", namedCurve: "P-256" };

// A holder key pair: the private half can sign but never leaves WebCrypto (not extractable).
export function generateKey() {
  return crypto.subtle.generateKey(P256, false, ["sign", "verify"]);
}

export async function publicJwk(publicKey) {
  const { kty, crv, x, y } = await crypto.subtle.exportKey("jwk", publicKey);
  return { kty, crv, x, y };
}

export function importJwk(jwk) {
  if (!jwk || jwk.kty !== "EC" || jwk.crv !== "P-256" || "d" in jwk) throw new JoseError("bad_key");
  return crypto.subtle.importKey("jwk", { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y }, P256, false, ["verify"]);
}

export async function sign(privateKey, header, payload) {
  const input = `${b64json(header)}.${b64json(payload)}`;
  const signature = await crypto.subtle.sign(ES256, privateKey, utf8(input));
  return `${input}.${b64url(new Uint8Array(signature))}`;
}

// Split a compact JWS; refuse a wrong alg or typ before any signature work (like jose.py).
export function parse(token, typ) {
  const parts = typeof token === "string" ? token.split(".") : [];
  if (parts.length !== 3) throw new JoseError("malformed");
  const header = unb64json(parts[0]);
  const payload = unb64json(parts[1]);
  if (!header || typeof header !== "object" || Array.isArray(header) || !payload || typeof payload !== "object" || Array.isArray(payload)) throw new JoseError("malformed");
  if (header.alg !== "ES256") throw new JoseError("alg_not_allowed");
  if (header.typ !== typ) throw new JoseError("wrong_type");
  if ("crit" in header) throw new JoseError("malformed");
  return { header, payload, input: utf8(`${parts[0]}.${parts[1]}`), signature: unb64url(parts[2]) };
}

export async function verifyJws(jws, publicKey) {
  if (jws.signature.length !== 64 || !(await crypto.subtle.verify(ES256, publicKey, jws.signature, jws.input))) {
    throw new JoseError("bad_signature");
  }
}
