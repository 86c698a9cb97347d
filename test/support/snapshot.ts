/**
 * Golden snapshots of chart specs (Observable Plot's habit): a spec is compared with its JSON
 * fixture, so an unintended change to a chart fails a test. A deliberate change rewrites the
 * fixtures with ACTIVATION_LAB_UPDATE_SNAPSHOTS=1; review their diff before committing.
 */
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";

const UPDATE = process.env.ACTIVATION_LAB_UPDATE_SNAPSHOTS === "1";

/** Compares `value` (as JSON) with `dir/name.json`; writes the file instead only when asked to. */
export function matchSnapshot(dir: string, name: string, value: unknown): void {
  const file = path.join(dir, `${name}.json`);
  const text = `${JSON.stringify(value, null, 2)}\n`;
  if (UPDATE) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, text);
    return;
  }
  assert.ok(fs.existsSync(file), `no snapshot ${path.relative(process.cwd(), file)}; write it with ACTIVATION_LAB_UPDATE_SNAPSHOTS=1 and review it`);
  assert.deepEqual(JSON.parse(text), JSON.parse(fs.readFileSync(file, "utf8")), `${name} differs from its snapshot; if on purpose, rewrite with ACTIVATION_LAB_UPDATE_SNAPSHOTS=1`);
}
