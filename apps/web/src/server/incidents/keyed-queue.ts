// Runs tasks one after another per key, and tasks of different keys side by side. A failed task
// does not block the ones queued behind it (each gets its own outcome).
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    // Tails never reject (below), so the task starts once the one before has settled, either way.
    const result = previous.then(task);
    // The caller gets the task's own outcome through `result`; the tail only marks "settled".
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    // The map forgets a key once its last task settled, so it holds only keys with work in flight.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with a task running or waiting (tests). */
  get size(): number {
    return this.tails.size;
  }
}
