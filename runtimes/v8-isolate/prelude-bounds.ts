/**
 * Prelude part: what a call makes its host hold, kept bounded. Spliced after prelude-core.ts (see
 * prelude.ts); the protocol is described there.
 *
 * - Timers live here, at most MAX_TIMERS per call. The host holds one timer per call (`arm`): it
 *   hears about a timer only when it is due before the one armed, and past MAX_ARMS_PER_ENTRY
 *   requests in one entry it is asked to fire at once instead, which covers the rest. `fire` runs
 *   every due timer, earliest first, then arms the host for the next.
 * - `quiet` answers the host once the call's entry, microtasks included, is over.
 *
 * JavaScript source spliced into the prelude closure (see prelude.ts). No backticks or dollar-brace.
 */
export const BOUNDS_SOURCE = String.raw`
let nextTimerId = 1;
let liveTimers = 0;
let timers = ObjectCreate(null);
const MAX_TIMERS = 10000;
// The host's one timer of the current call is armed for this time (Infinity: none).
let armedDue = Infinity;
let armsThisEntry = 0;
const MAX_ARMS_PER_ENTRY = 2;

/**
 * Asks the host to enter fire() at due unless it already will before. Past MAX_ARMS_PER_ENTRY
 * requests in one entry (timers set ever earlier, in a loop) it asks for "now" instead, which
 * covers every later request of the entry: the host then holds one timer and hears one message
 * per entry, however many timers the guest sets.
 */
function arm(due) {
  if (currentCall === 0 || due >= armedDue) return;
  const now = DateNow();
  if (armsThisEntry >= MAX_ARMS_PER_ENTRY) due = now;
  armsThisEntry++;
  armedDue = due;
  hostTimer(currentCall, due > now ? due - now : 0);
}

function addTimer(callback, delay, args, repeat) {
  if (typeof callback !== 'function') throw new TypeError('The "callback" argument must be of type function');
  if (liveTimers >= MAX_TIMERS) throw new RangeError('too many pending timers (' + MAX_TIMERS + ')');
  let ms = NumberCtor(delay);
  if (!(ms >= 1)) ms = repeat ? 1 : 0;
  if (ms > 2147483647) ms = 2147483647;
  ms = MathFloor(ms);
  const timerId = nextTimerId++;
  const due = DateNow() + ms;
  timers[timerId] = { callback, args, ms, repeat, due };
  liveTimers++;
  arm(due);
  return timerId;
}

function clearTimer(timerId) {
  const key = NumberCtor(timerId);
  if (timers[key] !== undefined) {
    delete timers[key];
    liveTimers--;
  }
}

function setTimeout(callback, delay = 0, ...args) { return addTimer(callback, delay, args, false); }
function setInterval(callback, delay = 0, ...args) { return addTimer(callback, delay, args, true); }
function clearTimeout(timerId) { clearTimer(timerId); }
function clearInterval(timerId) { clearTimer(timerId); }

function queueMicrotask(callback) {
  if (typeof callback !== 'function') throw new TypeError('The "callback" argument must be of type function');
  ReflectApply(PromiseThen, resolvedPromise, [() => {
    try { callback(); } catch (err) { reportUncaught(err); }
  }]);
}

/**
 * Host entry: the host's timer is due. Runs every timer due by now, earliest first (ties in the
 * order they were set), then arms the host for the next one.
 */
function fire(id) {
  if (id !== currentCall) return;
  armedDue = Infinity;
  armsThisEntry = 0;
  const now = DateNow();
  const due = [];
  const ids = ObjectKeys(timers);
  for (let i = 0; i < ids.length; i++) {
    const timer = timers[ids[i]];
    if (timer.due <= now) due[due.length] = NumberCtor(ids[i]);
  }
  ReflectApply(ArraySort, due, [(a, b) => timers[a].due - timers[b].due || a - b]);
  for (let i = 0; i < due.length; i++) {
    if (id !== currentCall) return;
    const timer = timers[due[i]];
    if (timer === undefined) continue;
    if (timer.repeat) timer.due = now + timer.ms;
    else { delete timers[due[i]]; liveTimers--; }
    try { ReflectApply(timer.callback, undefined, timer.args); } catch (err) { reportUncaught(err); }
  }
  if (id !== currentCall) return;
  let next = Infinity;
  const left = ObjectKeys(timers);
  for (let i = 0; i < left.length; i++) if (timers[left[i]].due < next) next = timers[left[i]].due;
  arm(next);
}

/** Host entry, queued right after each call: the call's entry, microtasks included, is over. */
function quiet(id) {
  hostQuiet(id);
}
`;
