/**
 * Deterministic gzip. zlib's gzip wrapper writes the current time and the build's OS code into the
 * header; here the header is fixed (mtime 0, no file name, OS "unknown"), the level is fixed (9) and
 * only the raw deflate stream comes from zlib, so the same content gives the same file with a given
 * Node build. (Different zlib builds may deflate differently, which is why the store compares
 * duplicates by decompressed content, not by compressed bytes.) Any gunzip reads the files.
 */
import * as zlib from "node:zlib";

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3, the one gzip uses). */
export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** RFC 1952 member: ID1 ID2 CM=8 FLG=0 MTIME=0 XFL=2 (max compression) OS=255, deflate, CRC32, ISIZE. */
export function gzipDeterministic(text: string): Buffer {
  const raw = Buffer.from(text, "utf8");
  const body = zlib.deflateRawSync(raw, { level: 9 });
  const header = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 0xff]);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(raw), 0);
  trailer.writeUInt32LE(raw.length >>> 0, 4);
  return Buffer.concat([header, body, trailer]);
}

export function gunzipText(data: Uint8Array): string {
  return zlib.gunzipSync(data).toString("utf8");
}
