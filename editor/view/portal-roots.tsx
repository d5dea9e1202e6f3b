import { useSyncExternalStore, type ReactNode } from 'react';
import { createPortal } from 'react-dom';

/**
 * React roots for Rete that are portals of one host component. Rete mounts every node and wire
 * in its own root under flushSync; with 500 nodes that is 500 synchronous renders. Here a mount
 * only records the element and one batched render (next task) draws them all.
 */
export class PortalRoots {
  private readonly items = new Map<Element | DocumentFragment, { key: number; node: ReactNode }>();
  private readonly listeners = new Set<() => void>();
  private nextKey = 0;
  private version = 0;
  private scheduled = false;

  createRoot = (container: Element | DocumentFragment) => ({
    render: (node: ReactNode) => {
      const key = this.items.get(container)?.key ?? this.nextKey++;
      this.items.set(container, { key, node });
      this.schedule();
    },
    unmount: () => {
      if (this.items.delete(container)) this.schedule();
    },
  });

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // A task, not a microtask: Rete's own mounting is a chain of microtasks, all batched here.
    setTimeout(() => {
      this.scheduled = false;
      this.version++;
      for (const l of this.listeners) l();
    });
  }

  subscribe = (l: () => void) => {
    this.listeners.add(l);
    return () => void this.listeners.delete(l);
  };

  getVersion = () => this.version;

  portals(): ReactNode[] {
    return [...this.items].map(([container, { key, node }]) => createPortal(node, container as Element, String(key)));
  }
}

export function PortalHost({ roots }: { roots: PortalRoots }) {
  useSyncExternalStore(roots.subscribe, roots.getVersion);
  return <>{roots.portals()}</>;
}
