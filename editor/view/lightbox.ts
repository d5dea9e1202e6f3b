/** The enlarged preview: a tiny store shared by node views (own React roots) and the app. */
export interface LightboxState {
  images: string[];
  index: number;
}

let current: LightboxState | null = null;
const listeners = new Set<() => void>();

export const lightbox = {
  get: () => current,
  open(images: string[], index: number) {
    current = { images, index };
    listeners.forEach((l) => l());
  },
  close() {
    current = null;
    listeners.forEach((l) => l());
  },
  subscribe(l: () => void) {
    listeners.add(l);
    return () => void listeners.delete(l);
  },
};
