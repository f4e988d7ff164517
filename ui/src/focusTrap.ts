// Tab and Shift+Tab go round the elements of a dialog and never leave it.

const FOCUSABLE = 'button, input, select, textarea, [href], [tabindex]:not([tabindex="-1"])';

/** On Tab at the last focusable element (or Shift+Tab at the first, or on the dialog itself), moves
 *  the focus to the other end instead of out of the dialog. Other keys are left alone. */
export function keepTabInside(e: { key: string; shiftKey: boolean; preventDefault(): void }, dialog: HTMLElement): void {
  if (e.key !== 'Tab') return;
  const focusable = Array.from(dialog.querySelectorAll<HTMLElement>(FOCUSABLE)).filter((el) => !el.hasAttribute('disabled'));
  if (focusable.length === 0) return;
  const first = focusable[0]!;
  const last = focusable[focusable.length - 1]!;
  if (e.shiftKey && (document.activeElement === first || document.activeElement === dialog)) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && document.activeElement === last) {
    e.preventDefault();
    first.focus();
  }
}
