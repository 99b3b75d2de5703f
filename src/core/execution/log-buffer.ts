/**
 * The log lines of one execution, bounded in count and line length. When lines are dropped the
 * buffer ends with a marker line saying how many, so a reader knows the logs were cut.
 */
export class LogBuffer {
  private readonly lines: string[] = [];
  private dropped = 0;
  /** Followers told of each stored line (FollowExecutionLogs); none on the common path. */
  private listeners: Set<(line: string) => void> | undefined;

  constructor(
    private readonly maxLines: number,
    private readonly maxLineBytes: number,
  ) {}

  /** Adds a line; returns the line as stored, or undefined when it was dropped. */
  push(line: string): string | undefined {
    if (this.lines.length >= this.maxLines) {
      this.dropped++;
      return undefined;
    }
    const stored = line.length > this.maxLineBytes ? `${line.slice(0, this.maxLineBytes)}… [line cut at ${this.maxLineBytes} characters]` : line;
    this.lines.push(stored);
    if (this.listeners) for (const listener of this.listeners) listener(stored);
    return stored;
  }

  /** Calls `listener` with each line stored from now on; returns the function that stops it. */
  follow(listener: (line: string) => void): () => void {
    (this.listeners ??= new Set()).add(listener);
    return () => this.listeners?.delete(listener);
  }

  /** Counts lines dropped before they reached this buffer (the sandbox counted them). */
  noteDropped(lines: number): void {
    if (Number.isSafeInteger(lines) && lines > 0) this.dropped += lines;
  }

  get truncated(): boolean {
    return this.dropped > 0;
  }

  toArray(): string[] {
    if (this.dropped === 0) return [...this.lines];
    return [...this.lines, `[spearlet] ${this.dropped} more log lines dropped (limit ${this.maxLines} per execution)`];
  }
}
