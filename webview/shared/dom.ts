/** Tiny DOM helpers (no innerHTML anywhere: text goes in as text). */

type Attrs = Record<string, string | number | boolean | undefined>;

/** Creates an element with attributes and children (strings become text nodes). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs,
  ...children: Array<Node | string | undefined>
): HTMLElementTagNameMap[K];
export function h(tag: string, attrs?: Attrs, ...children: Array<Node | string | undefined>): HTMLElement;
export function h(tag: string, attrs: Attrs = {}, ...children: Array<Node | string | undefined>): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== undefined) el.append(c);
  return el;
}

/** Replaces the children of `el`. */
export function setChildren(el: Element, ...children: Array<Node | string>): void {
  el.replaceChildren(...children);
}

/** Options for a <vscode-single-select>; `value` is set after the options exist. */
export function fillSelect(select: HTMLElement & { value: string }, options: Array<{ value: string; label: string }>, value: string): void {
  const same =
    select.children.length === options.length &&
    options.every(
      (o, i) => (select.children[i] as HTMLElement).getAttribute('value') === o.value && select.children[i]!.textContent === o.label,
    );
  if (!same) {
    select.replaceChildren(...options.map((o) => h('vscode-option', { value: o.value, selected: o.value === value }, o.label)));
  }
  if (select.value !== value) select.value = value;
  // The component reads its options on slotchange; set the value again once it has.
  queueMicrotask(() => {
    if (select.value !== value) select.value = value;
  });
}
