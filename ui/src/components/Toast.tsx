// A short message at the bottom of the window, with an optional action (e.g. Undo).
import type { Toast as ToastValue } from '../history/useHistory';
import './Toast.css';

export function Toast({ toast, onDismiss }: { toast: ToastValue | null; onDismiss: () => void }) {
  if (!toast) return null;
  return (
    <div className="toast" role="status" data-testid="toast">
      <span>{toast.message}</span>
      {toast.action && (
        <button type="button" className="button toast-action" data-testid="toast-action" onClick={toast.action.run}>
          {toast.action.label}
        </button>
      )}
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={onDismiss}>
        ×
      </button>
    </div>
  );
}
