/**
 * The one promise queue: tasks run one after another, in the order they were queued, and a failed task does not
 * block the ones after it. The engine serialises graph work with it (onnxruntime-web rejects overlapping runs on one
 * session, and one GPU queue is all there is anyway); the folder review runs key presses through one.
 */
export class PromiseQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
