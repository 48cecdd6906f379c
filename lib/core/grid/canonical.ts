/**
 * Canonical JSON and hashes. A job's key and its stored record are computed from canonical JSON so
 * that the same spec and result give the same bytes on every machine, whatever the key order of the
 * objects a job built or the thread that built them.
 */
import * as crypto from "node:crypto";

/** Plain JSON data: what a job spec and a job result must be. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * JSON with object keys sorted (by UTF-16 code units, as `Array.prototype.sort`), no whitespace and
 * numbers in JavaScript's shortest round-trip form (ECMA-262 Number::toString, identical in every
 * engine). Typed arrays become plain arrays and `undefined` object members are dropped (as
 * JSON.stringify does). Anything JSON cannot carry faithfully (NaN, ±Infinity, undefined in an array,
 * functions, class instances such as Date or Map) throws with the path of the offending value, so a
 * result is never stored lossily (`JSON.stringify(NaN)` would silently give null).
 */
export function canonicalJson(value: unknown, where = "$"): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "string":
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) {
        throw new Error(
          `${where} is ${value}, which JSON cannot carry; store it as null or as a string such as "NaN" (and say why in the result)`,
        );
      }
      return JSON.stringify(value); // -0 prints as 0
    case "object":
      break;
    default:
      throw new Error(
        `${where} is a ${typeof value}; job specs and results must be plain JSON (objects, arrays, strings, finite numbers, booleans, null)`,
      );
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return canonicalJson(Array.from(value as unknown as ArrayLike<number>), where);
  }
  if (Array.isArray(value)) {
    return `[${value
      .map((v, i) => {
        if (v === undefined) throw new Error(`${where}[${i}] is undefined; use null for a missing entry`);
        return canonicalJson(v, `${where}[${i}]`);
      })
      .join(",")}]`;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    const name = (value as object).constructor?.name ?? "object";
    throw new Error(`${where} is a ${name}; convert it to plain JSON first (e.g. a Date to an ISO string, a Map to an object)`);
  }
  const obj = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const k of Object.keys(obj).sort()) {
    const v = obj[k];
    if (v === undefined) continue;
    parts.push(`${JSON.stringify(k)}:${canonicalJson(v, `${where}.${k}`)}`);
  }
  return `{${parts.join(",")}}`;
}

export function sha256Hex(data: string | Uint8Array): string {
  return crypto.createHash("sha256").update(data).digest("hex");
}

/**
 * The first 24 hex digits (96 bits) of SHA-256: short enough for file names, and a collision among
 * even a million jobs has probability ~1e-17.
 */
export function shortHash(data: string | Uint8Array): string {
  return sha256Hex(data).slice(0, 24);
}
