/**
 * Vega draws on a canvas, where CSS variables do not apply, so the chart's colours are read
 * from JupyterLab's `--jp-*` variables when a chart is embedded and again whenever the theme
 * changes (JupyterLab flips `data-jp-theme-light` on <body>).
 */
import type { Config } from "vega-lite";

function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.body).getPropertyValue(name).trim();
  return value || fallback;
}

export function isLightTheme(): boolean {
  return document.body.getAttribute("data-jp-theme-light") !== "false";
}

export function themeConfig(): Config {
  const text = cssVar("--jp-ui-font-color1", isLightTheme() ? "#212121" : "#e0e0e0");
  const muted = cssVar("--jp-ui-font-color2", isLightTheme() ? "#616161" : "#bdbdbd");
  const grid = cssVar("--jp-border-color2", isLightTheme() ? "#e0e0e0" : "#424242");
  const font = cssVar("--jp-ui-font-family", "system-ui, sans-serif");
  return {
    background: null as unknown as string, // transparent: the cell's own background shows
    font,
    axis: {
      labelColor: muted,
      titleColor: text,
      domainColor: muted,
      tickColor: muted,
      gridColor: grid,
      labelFontSize: 11,
      titleFontSize: 12,
    },
    legend: { labelColor: text, titleColor: text, labelFontSize: 12, titleFontSize: 12 },
    header: { labelColor: text, titleColor: text, labelFontSize: 12 },
    title: { color: text },
    view: { stroke: grid },
    rule: { color: muted },
  };
}

/** Calls `onChange` whenever JupyterLab switches between light and dark; returns a disposer. */
export function watchTheme(onChange: () => void): () => void {
  let light = isLightTheme();
  const observer = new MutationObserver(() => {
    const now = isLightTheme();
    if (now !== light) {
      light = now;
      onChange();
    }
  });
  observer.observe(document.body, { attributes: true, attributeFilter: ["data-jp-theme-light", "data-jp-theme-name"] });
  return () => observer.disconnect();
}
