/** The page's elements by id, and its notice line. */

export const $ = <T extends HTMLElement = HTMLElement>(id: string) =>
  document.getElementById(id) as T;

/** Shows an error or a message in the notice line under the controls. */
export function showNotice(e: unknown): void {
  const notice = $("notice");
  notice.textContent = e instanceof Error ? e.message : String(e);
  notice.hidden = false;
}

export function hideNotice(): void {
  $("notice").hidden = true;
}
