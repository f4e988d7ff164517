// The token `telltale serve` printed, for the page it served: taken from the address the user
// opened (`/?token=…`), kept in this tab's session storage, and removed from the address bar.
const KEY = 'telltale-serve-token';

/** The server's token: from the address (then stored and removed from it), else the tab's storage. */
export function takeToken(win: Window = window): string | null {
  const url = new URL(win.location.href);
  const given = url.searchParams.get('token');
  if (given) {
    win.sessionStorage.setItem(KEY, given);
    url.searchParams.delete('token');
    win.history.replaceState(win.history.state, '', url.pathname + url.search + url.hash);
    return given;
  }
  return win.sessionStorage.getItem(KEY);
}
