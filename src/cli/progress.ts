/**
 * Progress for long waits (an async execution being followed, a stream, a conformance run): a
 * spinner with the elapsed time on stderr, only when stderr is a terminal, so pipes and logs stay
 * clean.
 */

export interface Progress {
  /** Changes the label shown next to the spinner. */
  update(label: string): void;
  /** Writes a line to `out` (stdout by default) above the spinner, which keeps spinning below. */
  print(line: string, out?: NodeJS.WritableStream): void;
  /** Clears the spinner line. Idempotent. */
  stop(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function startProgress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) {
    return { update: () => undefined, print: (line, out = process.stdout) => void out.write(`${line}\n`), stop: () => undefined };
  }
  const started = Date.now();
  let frame = 0;
  let current = label;
  let stopped = false;
  const draw = () => {
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    stream.write(`\r\x1b[K${FRAMES[frame++ % FRAMES.length]} ${current} ${secs}s`);
  };
  const timer = setInterval(draw, 100);
  timer.unref();
  draw();
  return {
    update: (l) => {
      current = l;
    },
    print: (line, out = process.stdout) => {
      stream.write('\r\x1b[K');
      out.write(`${line}\n`);
      if (!stopped) draw();
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      stream.write('\r\x1b[K');
    },
  };
}
