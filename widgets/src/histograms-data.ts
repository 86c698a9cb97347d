/**
 * The GradientHistograms view's data plumbing: the `cube` trait to and from its binary
 * wire form, and the layer under a click on the overview.
 */
import type { View } from "vega";
import type { HistogramCube } from "../../src/histograms/cube";
import { toFloat64, toInt32 } from "./binary-traits";

export const EMPTY_CUBE: HistogramCube = {
  activations: [],
  layers: [],
  names: [],
  step: 0,
  binOffsets: new Int32Array(1),
  edgeOffsets: new Int32Array(1),
  edges: new Float64Array(0),
  counts: new Float64Array(0),
  stats: new Float64Array(0),
};

export function decodeCube(value: unknown): HistogramCube {
  if (typeof value !== "object" || value === null) return EMPTY_CUBE;
  const c = value as Record<string, unknown>;
  return {
    activations: (c.activations as string[]) ?? [],
    layers: (c.layers as number[]) ?? [],
    names: (c.names as string[]) ?? [],
    step: Number(c.step ?? 0),
    binOffsets: toInt32(c.binOffsets, "cube.binOffsets"),
    edgeOffsets: toInt32(c.edgeOffsets, "cube.edgeOffsets"),
    edges: toFloat64(c.edges, "cube.edges"),
    counts: toFloat64(c.counts, "cube.counts"),
    stats: toFloat64(c.stats, "cube.stats"),
  };
}

/** Fresh copies when the notebook saves widget state (see the explorer model). */
export function encodeCube(c: HistogramCube): Record<string, unknown> {
  return {
    ...c,
    binOffsets: new Int32Array(c.binOffsets),
    edgeOffsets: new Int32Array(c.edgeOffsets),
    edges: new Float64Array(c.edges),
    counts: new Float64Array(c.counts),
    stats: new Float64Array(c.stats),
  };
}

/** The parts of a vega scenegraph item the click handler reads. */
export interface SceneItem {
  x?: number;
  y?: number;
  height?: number;
  datum?: { layer?: unknown };
  items?: { items?: SceneItem[] }[];
  mark?: { group?: SceneItem };
}

/**
 * The layer under a click: the picked item's own, or, when vega hands back the plot's group
 * (its canvas hit test can miss thin cells), the layer of the group's row under the pointer.
 */
export function clickedLayer(view: View, event: MouseEvent, item: SceneItem | null | undefined): number | undefined {
  if (!item) return undefined;
  if (typeof item.datum?.layer === "number") return item.datum.layer;
  const canvas = (view.container() as HTMLElement | null)?.querySelector("canvas");
  if (!canvas || !item.items) return undefined;
  let top = canvas.getBoundingClientRect().top + view.origin()[1];
  for (let g: SceneItem | undefined = item; g; g = g.mark?.group) top += g.y ?? 0;
  const y = event.clientY - top;
  for (const mark of item.items) {
    for (const child of mark.items ?? []) {
      const layer = child.datum?.layer;
      if (typeof layer === "number" && child.y !== undefined && child.height !== undefined && y >= child.y && y < child.y + child.height) return layer;
    }
  }
  return undefined;
}

