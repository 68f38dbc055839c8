/** An element of index.html by id; a missing one is a build mistake, so it fails loudly at start. */
export function byId<T extends HTMLElement>(id: string, doc: Document = document): T {
  const element = doc.getElementById(id);
  if (!element) {
    throw new Error(`missing #${id}`);
  }
  return element as T;
}

/** Writing the same text again still replaces the text node, and screen readers re-read live regions on that. */
export function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) {
    element.textContent = text;
  }
}
