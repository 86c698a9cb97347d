/**
 * Binary buffers in widget state, as the Jupyter widget protocol carries them: binary values
 * are taken out of the JSON state and sent as message buffers, with `buffer_paths` saying where
 * each one goes back. The rules match ipywidgets' `_remove_buffers`/`_put_buffers`: a binary
 * value inside an object is removed from it, one inside an array is replaced by null.
 */

export type BufferPath = (string | number)[];

export function isBinary(x: unknown): x is ArrayBuffer | ArrayBufferView {
  return x instanceof ArrayBuffer || ArrayBuffer.isView(x);
}

/** The bytes of a binary value, without copying. */
export function bytesOf(x: ArrayBuffer | ArrayBufferView): Uint8Array {
  return x instanceof ArrayBuffer ? new Uint8Array(x) : new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
}

export interface SeparatedState {
  state: Record<string, unknown>;
  bufferPaths: BufferPath[];
  buffers: (ArrayBuffer | ArrayBufferView)[];
}

/**
 * Splits binary values out of `state`. `encode` maps other leaf values first (widgets become
 * "IPY_MODEL_<id>" references). The input is not modified: containers on a path to a binary
 * value or an encoded value are copied.
 */
export function separateBuffers(state: Record<string, unknown>, encode: (value: unknown) => unknown = (v) => v): SeparatedState {
  const bufferPaths: BufferPath[] = [];
  const buffers: (ArrayBuffer | ArrayBufferView)[] = [];
  const walk = (value: unknown, path: BufferPath): unknown => {
    const encoded = encode(value);
    if (encoded !== value) return encoded;
    if (Array.isArray(value)) {
      return value.map((item, i) => {
        if (isBinary(item)) {
          bufferPaths.push([...path, i]);
          buffers.push(item);
          return null;
        }
        return walk(item, [...path, i]);
      });
    }
    if (isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        if (isBinary(item)) {
          bufferPaths.push([...path, key]);
          buffers.push(item);
          continue;
        }
        out[key] = walk(item, [...path, key]);
      }
      return out;
    }
    return value;
  };
  const out = walk(state, []) as Record<string, unknown>;
  return { state: out, bufferPaths, buffers };
}

export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== "object" || x === null || Array.isArray(x) || isBinary(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/**
 * Puts received buffers back into `state` at their paths (in place). Throws with a message
 * naming the problem when paths and buffers do not match, so the caller can log and drop.
 */
export function putBuffers(state: Record<string, unknown>, paths: unknown, buffers: readonly DataView[]): void {
  if (paths === undefined || paths === null) {
    if (buffers.length > 0) throw new Error(`${buffers.length} buffer(s) arrived without buffer_paths`);
    return;
  }
  if (!Array.isArray(paths)) throw new Error("buffer_paths is not an array");
  if (paths.length !== buffers.length) {
    throw new Error(`buffer_paths has ${paths.length} entries but ${buffers.length} buffer(s) arrived`);
  }
  paths.forEach((path, i) => {
    if (!Array.isArray(path) || path.length === 0 || !path.every((p) => typeof p === "string" || typeof p === "number")) {
      throw new Error(`buffer_paths[${i}] is not a non-empty list of keys`);
    }
    let target: unknown = state;
    for (const key of path.slice(0, -1)) {
      target = (target as Record<string | number, unknown>)[key];
      if (typeof target !== "object" || target === null) throw new Error(`buffer_paths[${i}] = ${JSON.stringify(path)} does not lead into the state`);
    }
    (target as Record<string | number, unknown>)[path[path.length - 1]] = buffers[i];
  });
}
