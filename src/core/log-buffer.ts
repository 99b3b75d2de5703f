/**
 * The log lines of one execution, bounded in count and line length. When lines are dropped the
 * buffer ends with a marker line saying how many, so a reader knows the logs were cut.
 */
export class LogBuffer {
  private readonly lines: string[] = [];
  private dropped = 0;

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
    return stored;
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
