// What components deep in the tree need from the shell, without passing the backend down.
import { createContext } from 'react';

export interface ShellActions {
  /** Opens a link outside the app (checked again by the shell: http, https, mailto only). */
  openExternal(url: string): void;
}

export const ShellContext = createContext<ShellActions>({
  openExternal: () => {},
});

/** Puts text on the clipboard; resolves to whether it worked. */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall back below
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  let ok: boolean;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}
