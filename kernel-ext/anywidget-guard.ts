/**
 * anywidget's front end leaves the output empty when a widget's module fails (the error goes
 * to the browser console only). The notebook should say what went wrong, so `AnyWidget` sends
 * as `_esm` a small module that loads the user's (from its source text or URL) and catches a
 * failed load, a missing default export or an error thrown by `render`, writing it into the
 * view's element. Being an ES module itself, it works with any anywidget front end (pip's or
 * the one setup builds from npm), and saved notebooks carry it whole. The user's module and
 * everything it is given (`model`, `el`, ...) are unchanged.
 */

/** Browser code, sent as text: shown in the output, and logged with the full error. */
const SHOW_ERROR = `function showError(el, what, error) {
  console.error("[anywidget] " + what, error);
  const box = document.createElement("pre");
  box.className = "anywidget-error";
  box.style.cssText = "color: var(--jp-error-color1, #c00); white-space: pre-wrap; margin: 0.25em 0;";
  const detail = error instanceof Error ? error.name + ": " + error.message : String(error);
  box.textContent = "anywidget: " + what + "\\n" + detail;
  el.appendChild(box);
}`;

/** The module sent as `_esm` for a module given as source text or as an http(s) URL. */
export function guardedModule(esm: string, isUrl: boolean): string {
  const load = isUrl
    ? `() => import(${JSON.stringify(esm)})`
    : `async () => {
  const url = URL.createObjectURL(new Blob([${JSON.stringify(esm)}], { type: "text/javascript" }));
  try {
    return await import(url);
  } finally {
    URL.revokeObjectURL(url);
  }
}`;
  return `// activation-lab AnyWidget: the module below, with its errors shown in the output.
${SHOW_ERROR}
const load = ${load};
export default async function () {
  let mod;
  try {
    mod = await load();
  } catch (error) {
    return { render: ({ el }) => showError(el, "the widget's module could not be loaded", error) };
  }
  let widget;
  try {
    widget = typeof mod.render === "function" ? { initialize: mod.initialize, render: mod.render }
      : typeof mod.default === "function" ? await mod.default() : mod.default;
  } catch (error) {
    return { render: ({ el }) => showError(el, "the widget's default export failed", error) };
  }
  if (!widget || typeof widget !== "object") {
    return { render: ({ el }) => showError(el, "the widget's module must export default { initialize?, render } or a function returning it", new Error("no default export")) };
  }
  const render = widget.render;
  if (typeof render !== "function") return widget;
  return {
    ...widget,
    async render(context) {
      try {
        return await render.call(widget, context);
      } catch (error) {
        showError(context.el, "render failed", error);
      }
    },
  };
}
`;
}
