/**
 * Binary traits arrive from the kernel as DataViews over the websocket message (the widget
 * protocol's `buffer_paths`). Float32Array needs a 4-byte aligned offset, so unaligned
 * views are copied; aligned ones are wrapped without copying.
 */
export function toFloat32(value: unknown, what: string): Float32Array {
  if (value instanceof Float32Array) return value;
  if (value instanceof DataView || ArrayBuffer.isView(value)) {
    const view = value as ArrayBufferView;
    if (view.byteLength % 4 !== 0) {
      throw new Error(`${what}: ${view.byteLength} bytes is not a whole number of float32 values`);
    }
    if (view.byteOffset % 4 === 0) {
      return new Float32Array(view.buffer, view.byteOffset, view.byteLength / 4);
    }
    return new Float32Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
  }
  if (value instanceof ArrayBuffer) return new Float32Array(value);
  // A kernel without binary support may send plain JSON arrays; accept them too.
  if (Array.isArray(value)) return Float32Array.from(value, (v) => (v === null ? NaN : Number(v)));
  throw new Error(`${what}: expected float32 data, got ${value === null ? "null" : typeof value}`);
}

/** As `toFloat32`, for float64 traits (histogram edges keep full precision for tiny gradients). */
export function toFloat64(value: unknown, what: string): Float64Array {
  if (value instanceof Float64Array) return value;
  if (value instanceof DataView || (ArrayBuffer.isView(value) && !(value instanceof Float32Array))) {
    const view = value as ArrayBufferView;
    if (view.byteLength % 8 !== 0) throw new Error(`${what}: ${view.byteLength} bytes is not a whole number of float64 values`);
    if (view.byteOffset % 8 === 0) return new Float64Array(view.buffer, view.byteOffset, view.byteLength / 8);
    return new Float64Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
  }
  if (value instanceof ArrayBuffer) return new Float64Array(value);
  if (value instanceof Float32Array || Array.isArray(value)) return Float64Array.from(value as ArrayLike<number>, (v) => (v === null ? NaN : Number(v)));
  throw new Error(`${what}: expected float64 data, got ${value === null ? "null" : typeof value}`);
}

/** As `toFloat64`, for int32 traits (offsets into the histogram cube's flat arrays). */
export function toInt32(value: unknown, what: string): Int32Array {
  if (value instanceof Int32Array) return value;
  if (value instanceof DataView || ArrayBuffer.isView(value)) {
    const view = value as ArrayBufferView;
    if (view.byteLength % 4 !== 0) throw new Error(`${what}: ${view.byteLength} bytes is not a whole number of int32 values`);
    if (view.byteOffset % 4 === 0) return new Int32Array(view.buffer, view.byteOffset, view.byteLength / 4);
    return new Int32Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
  }
  if (value instanceof ArrayBuffer) return new Int32Array(value);
  if (Array.isArray(value)) return Int32Array.from(value, Number);
  throw new Error(`${what}: expected int32 data, got ${value === null ? "null" : typeof value}`);
}
