// Shared by the tests that render React into a DOM (happy-dom): a fresh container and root for each
// test, unmounted and removed after it, and queries by data-testid.
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach } from 'vitest';

// React's act() checks that it runs where tests drive rendering.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

export interface Mounted {
  /** The element this test renders into, in document.body. */
  container: HTMLDivElement;
  /** The React root on the container; a test that unmounts it early puts a new one here. */
  root: Root;
  /** The first element in the container with this data-testid. */
  byTestId<T extends Element = HTMLElement>(id: string): T | null;
  /** Every element in the container with this data-testid, in document order. */
  allByTestId<T extends Element = HTMLElement>(id: string): T[];
}

/**
 * Registers the hooks of the calling test file: before each test a new container and root, after
 * it the root unmounted and the container removed. Call it at the top level of the file.
 */
export function mountPerTest(): Mounted {
  const selector = (id: string) => `[data-testid="${id}"]`;
  const mounted: Mounted = {
    container: undefined as unknown as HTMLDivElement,
    root: undefined as unknown as Root,
    byTestId: <T extends Element = HTMLElement>(id: string) => mounted.container.querySelector<T>(selector(id)),
    allByTestId: <T extends Element = HTMLElement>(id: string) => [...mounted.container.querySelectorAll<T>(selector(id))],
  };
  beforeEach(() => {
    mounted.container = document.createElement('div');
    document.body.appendChild(mounted.container);
    mounted.root = createRoot(mounted.container);
  });
  afterEach(() => {
    act(() => mounted.root.unmount());
    mounted.container.remove();
  });
  return mounted;
}
