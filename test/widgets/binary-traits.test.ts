/**
 * The browser views' binary traits, tested without a browser: as they arrive over the websocket
 * (DataViews at any offset), as plain JSON arrays, and malformed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { toFloat32, toFloat64, toInt32 } from "../../widgets/src/binary-traits";

/** A DataView over `values`' bytes, starting `offset` bytes into a larger buffer (as a websocket frame holds it). */
function viewAt<T extends Float32Array | Float64Array | Int32Array>(values: T, offset: number): DataView {
  const bytes = new Uint8Array(offset + values.byteLength);
  bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), offset);
  return new DataView(bytes.buffer, offset, values.byteLength);
}

test("binary traits: aligned DataViews are wrapped, unaligned ones copied, both read the same numbers", () => {
  const f32 = Float32Array.from([1.5, -2, 3.25]);
  const aligned = toFloat32(viewAt(f32, 8), "y");
  assert.deepEqual(Array.from(aligned), [1.5, -2, 3.25]);
  assert.equal(aligned.buffer.byteLength, 8 + 12, "wrapped in place, no copy");
  assert.deepEqual(Array.from(toFloat32(viewAt(f32, 3), "y")), [1.5, -2, 3.25], "unaligned offset copied");
  const f64 = Float64Array.from([1e-20, -0.5]);
  assert.deepEqual(Array.from(toFloat64(viewAt(f64, 5), "edges")), [1e-20, -0.5]);
  assert.deepEqual(Array.from(toInt32(viewAt(Int32Array.from([0, 50, 100]), 2), "offsets")), [0, 50, 100]);
});

test("binary traits: JSON arrays (a kernel without binary support) are accepted, null as NaN; bad data is named", () => {
  assert.ok(Number.isNaN(toFloat32([1, null, 3], "y")[1]));
  assert.deepEqual(Array.from(toFloat64(Float32Array.from([0.5, 2]), "edges")), [0.5, 2], "float32 values widened, not reinterpreted");
  assert.throws(() => toFloat32(new DataView(new ArrayBuffer(6)), "curves.y"), /curves\.y: 6 bytes is not a whole number of float32 values/);
  assert.throws(() => toFloat64(new DataView(new ArrayBuffer(12)), "cube.edges"), /cube\.edges: 12 bytes/);
  assert.throws(() => toInt32("0,1", "cube.binOffsets"), /cube\.binOffsets: expected int32 data, got string/);
  assert.throws(() => toFloat32(null, "x"), /x: expected float32 data, got null/);
});
