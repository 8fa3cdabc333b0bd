/**
 * Serialises graph work: onnxruntime-web rejects overlapping runs on one session, and one GPU queue is
 * all we have anyway. A failed task does not block the ones after it.
 */
export class RunQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
