// One titled section of the settings dialog, named (for screen readers) by its heading.
import type { ReactNode } from 'react';

export interface SettingsSectionProps {
  /** The id of the heading, which labels the section. */
  headingId: string;
  title: ReactNode;
  children: ReactNode;
}

export function SettingsSection({ headingId, title, children }: SettingsSectionProps) {
  return (
    <section className="settings-section" aria-labelledby={headingId}>
      <h3 id={headingId}>{title}</h3>
      {children}
    </section>
  );
}
