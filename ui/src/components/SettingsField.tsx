// One labelled setting: the label, then the control it names (whose id is `controlId`) and what
// is said below it (a hint, an error).
import type { ReactNode } from 'react';

export interface SettingsFieldProps {
  /** The id of the control the label names. */
  controlId: string;
  label: ReactNode;
  /** More classes, for the field's layout. */
  className?: string;
  children: ReactNode;
}

export function SettingsField({ controlId, label, className, children }: SettingsFieldProps) {
  return (
    <div className={className ? `settings-field ${className}` : 'settings-field'}>
      <label htmlFor={controlId}>{label}</label>
      {children}
    </div>
  );
}
