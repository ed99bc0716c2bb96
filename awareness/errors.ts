// Awareness problems: a kernel structure that is not as expected. They are reported as one-line
// warnings (the walk is cut where it went wrong), never as exceptions past the API.

export class AwarenessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AwarenessError';
  }
}

/** Collects warnings without repeating the same text. */
export class Warnings {
  readonly list: string[] = [];
  add(message: string): void {
    if (!this.list.includes(message) && this.list.length < 100) this.list.push(message);
  }
  caught(what: string, e: unknown): void {
    this.add(e instanceof AwarenessError ? `${what}: ${e.message}` : `${what}: internal error: ${(e as Error)?.message ?? String(e)}`);
  }
}
