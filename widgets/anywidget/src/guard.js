/**
 * anywidget's own view leaves the output empty when a module fails (the error goes to the
 * browser console only). The notebook should say what went wrong, so the module a model names
 * in `_esm` is loaded through a small wrapper module that catches a failed import, a missing
 * default export or an error thrown by `render`, and writes it into the view's element. The
 * module itself and everything it is given (`model`, `el`, ...) are unchanged.
 */

/** Shown in the output; the same text goes to the console with the full error. */
function showError(el, what, error) {
  console.error(`[anywidget] ${what}`, error);
  const box = document.createElement("pre");
  box.className = "anywidget-error";
  box.style.cssText = "color: var(--jp-error-color1, #c00); white-space: pre-wrap; margin: 0.25em 0;";
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  box.textContent = `anywidget: ${what}\n${detail}`;
  el.appendChild(box);
}

function wrapperSource(moduleUrl) {
  // A module of its own, so it can `import()` the user's module by URL (a blob URL for
  // source text); showError travels in it as source text.
  return `const showError = ${showError.toString()};
const moduleUrl = ${JSON.stringify(moduleUrl)};
export default async function () {
  let mod;
  try {
    mod = await import(moduleUrl);
  } catch (error) {
    return { render: ({ el }) => showError(el, "the widget's module could not be loaded", error) };
  }
  const widget = typeof mod.render === "function" ? { initialize: mod.initialize, render: mod.render }
    : typeof mod.default === "function" ? await mod.default() : mod.default;
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

const isHref = (text) => text.startsWith("http://") || text.startsWith("https://");
const wrappers = new Map();

/** The wrapper module's source for a model's `_esm` (source text or URL); one per distinct `_esm`. */
export function guardedModule(esm) {
  let wrapper = wrappers.get(esm);
  if (wrapper === undefined) {
    // Not revoked: every view of every model with this source imports it again.
    const url = isHref(esm) ? esm : URL.createObjectURL(new Blob([esm], { type: "text/javascript" }));
    wrapper = wrapperSource(url);
    wrappers.set(esm, wrapper);
  }
  return wrapper;
}
