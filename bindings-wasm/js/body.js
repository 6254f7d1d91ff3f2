// Reading a response: its headers as a plain object, its body within the
// core's limit.

/** A fetch `Headers` as a plain object (values of repeated headers joined by `fetch`). */
export function headerRecord(headers) {
  const out = {};
  headers.forEach((value, name) => {
    out[name] = value;
  });
  return out;
}

/**
 * The body, or `null` once it is known to exceed `limit` bytes: from its
 * `Content-Length` before reading, else after reading at most `limit` + one
 * chunk (the rest is cancelled, never buffered). `length` and `encoding`:
 * the response's `Content-Length` and `Content-Encoding`, when the caller
 * read them already.
 */
export async function readCapped(
  response,
  limit,
  length = response.headers.get("content-length"),
  encoding = response.headers.get("content-encoding"),
) {
  const declared = length === null ? NaN : Number(length);
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel().catch(() => {});
    return null;
  }
  // A declared length within the limit, of a body fetch does not decompress
  // (the length is then of what arrives): read it whole, the fast path.
  if (!response.body || (Number.isFinite(declared) && (encoding === null || encoding === "identity"))) {
    return new Uint8Array(await response.arrayBuffer());
  }
  const reader = response.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
