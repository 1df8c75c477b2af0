type Listener = (...args: never[]) => void;

/** A tiny typed event emitter: `on` returns its own unsubscribe function. */
export class Emitter<Events extends Record<string, unknown[]>> {
  private readonly listeners = new Map<keyof Events, Set<Listener>>();

  on<K extends keyof Events>(event: K, listener: (...args: Events[K]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    const stored = listener as unknown as Listener;
    set.add(stored);
    return () => set.delete(stored);
  }

  protected emit<K extends keyof Events>(event: K, ...args: Events[K]): void {
    for (const l of this.listeners.get(event) ?? []) {
      (l as unknown as (...a: Events[K]) => void)(...args);
    }
  }

  protected removeAllListeners(): void {
    this.listeners.clear();
  }
}
