// TEST ONLY, worker side of src/sandbox/os/test-hook.ts: --imported into sandbox workers by the
// escape tests' servers (never by a normal one). Runs the code the test sends on the IPC channel,
// as a guest that escaped its isolate would, and answers with its value or error.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AsyncFunction = (async () => {}).constructor;

process.on('message', async (m) => {
  if (m === null || typeof m !== 'object' || Array.isArray(m) || typeof m.testHookCode !== 'string') return;
  let reply;
  try {
    reply = { testHookId: m.testHookId, value: await new AsyncFunction('require', m.testHookCode)(require) };
  } catch (err) {
    reply = { testHookId: m.testHookId, error: { code: err?.code, message: String(err?.message ?? err) } };
  }
  process.send(reply);
});
