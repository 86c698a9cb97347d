/**
 * Small DOM builders for the widgets' controls. Every control gets a visible <label> tied to
 * it, so screen readers announce it and it is reachable and operable from the keyboard
 * (native range/number/checkbox/select inputs handle arrow keys, Home/End, Space).
 */
let nextId = 0;
function uniqueId(prefix: string): string {
  nextId += 1;
  return `al-${prefix}-${nextId}-${Math.random().toString(36).slice(2, 7)}`;
}

export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

/**
 * Keeps key presses on our controls away from JupyterLab's notebook shortcuts. In command
 * mode the notebook treats keys on non-text controls as its own (arrows move between
 * cells, Enter edits a cell) and cancels them, so a focused slider would not move.
 */
export function isolateKeys(root: HTMLElement): void {
  root.addEventListener("keydown", (event) => {
    const target = event.target as HTMLElement | null;
    if (target && /^(INPUT|SELECT|BUTTON|TEXTAREA)$/.test(target.tagName)) event.stopPropagation();
  });
}

/** Picks a slider step of about 1/200 of the range, rounded to 1, 2 or 5 × 10^k. */
export function niceStep(lo: number, hi: number): number {
  const raw = Math.abs(hi - lo) / 200;
  if (!(raw > 0) || !Number.isFinite(raw)) return 0.01;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const mantissa = raw / power;
  const nice = mantissa < 1.5 ? 1 : mantissa < 3.5 ? 2 : mantissa < 7.5 ? 5 : 10;
  return nice * power;
}

/** Formats a slider value with as many decimals as its step needs. */
export function formatWithStep(value: number, step: number): string {
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step))));
  return value.toFixed(decimals);
}

export interface RangeOptions {
  label: string;
  min: number;
  max: number;
  step: number;
  value: number;
  /** Extra words for assistive technology (e.g. which activation the parameter belongs to). */
  ariaLabel?: string;
  title?: string;
  onInput: (value: number) => void;
}

export interface RangeControl {
  root: HTMLElement;
  input: HTMLInputElement;
  setValue(value: number): void;
}

export function rangeControl(opts: RangeOptions): RangeControl {
  const id = uniqueId("range");
  const root = element("div", "al-control al-range");
  const label = element("label", "al-label", opts.label);
  label.htmlFor = id;
  if (opts.title) label.title = opts.title;
  const input = element("input");
  input.type = "range";
  input.id = id;
  input.min = String(opts.min);
  input.max = String(opts.max);
  input.step = String(opts.step);
  input.value = String(opts.value);
  if (opts.ariaLabel) input.setAttribute("aria-label", opts.ariaLabel);
  const output = element("output", "al-value");
  output.htmlFor.add(id);
  const show = (v: number) => {
    const text = formatWithStep(v, opts.step);
    // Echoes repeat the shown value; rewriting it would still cost the page a layout.
    if (output.textContent !== text) output.textContent = text;
  };
  show(opts.value);
  input.addEventListener("input", () => {
    const v = input.valueAsNumber;
    show(v);
    opts.onInput(v);
  });
  root.append(label, input, output);
  return {
    root,
    input,
    setValue(v: number) {
      // Only move the thumb when the value really differs, so a kernel echo of the value
      // the user is dragging does not make the thumb jump back.
      if (Math.abs(input.valueAsNumber - v) > opts.step / 2) input.value = String(v);
      show(v);
    },
  };
}

export interface NumberOptions {
  label: string;
  value: number;
  step?: number;
  min?: number;
  onChange: (value: number) => void;
}

export function numberControl(opts: NumberOptions): { root: HTMLElement; input: HTMLInputElement; setValue(value: number): void } {
  const id = uniqueId("number");
  const root = element("div", "al-control al-number");
  const label = element("label", "al-label", opts.label);
  label.htmlFor = id;
  const input = element("input");
  input.type = "number";
  input.id = id;
  input.value = String(opts.value);
  if (opts.step !== undefined) input.step = String(opts.step);
  if (opts.min !== undefined) input.min = String(opts.min);
  // Sent when committed (Enter or leaving the field), so half-typed numbers are not sent;
  // Enter is handled here too because a number field does not always fire `change` on it.
  let committed = input.value;
  const commit = () => {
    if (input.value === committed) return;
    committed = input.value;
    opts.onChange(input.valueAsNumber);
  };
  input.addEventListener("change", commit);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") commit();
  });
  root.append(label, input);
  return {
    root,
    input,
    setValue(value: number) {
      input.value = String(value);
      committed = input.value;
    },
  };
}

export function checkboxControl(label: string, checked: boolean, onChange: (checked: boolean) => void): { root: HTMLElement; input: HTMLInputElement } {
  const id = uniqueId("check");
  const root = element("div", "al-control al-check");
  const input = element("input");
  input.type = "checkbox";
  input.id = id;
  input.checked = checked;
  input.addEventListener("change", () => onChange(input.checked));
  const text = element("label", "al-label", label);
  text.htmlFor = id;
  root.append(input, text);
  return { root, input };
}

export function selectControl(
  label: string,
  choices: readonly string[],
  value: string,
  onChange: (value: string) => void,
  placeholder?: string,
): { root: HTMLElement; select: HTMLSelectElement } {
  const id = uniqueId("select");
  const root = element("div", "al-control al-select");
  const text = element("label", "al-label", label);
  text.htmlFor = id;
  const select = element("select");
  select.id = id;
  if (placeholder !== undefined) {
    const option = element("option", undefined, placeholder);
    option.value = "";
    select.append(option);
  }
  for (const choice of choices) {
    const option = element("option", undefined, choice);
    option.value = choice;
    select.append(option);
  }
  select.value = value;
  select.addEventListener("change", () => onChange(select.value));
  root.append(text, select);
  return { root, select };
}
