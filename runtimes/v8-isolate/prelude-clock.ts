/**
 * Guest clocks, coarsened against timing attacks: `Date.now()` and `performance.now()` tick in
 * steps of CLOCK_RESOLUTION_MS, and `performance.now()` never goes backwards (it is derived from the
 * wall clock, which the host may set back).
 *
 * V8's `Date.now()` is already whole milliseconds, so at a 1 ms step this pins that resolution down
 * rather than lowering it: no later change to how the prelude reads time (a finer host clock for
 * `performance.now`, say) can hand guests a sub-millisecond timer. `new Date()` keeps V8's own
 * millisecond clock; a coarser step would have to wrap the Date constructor too.
 *
 * Evaluated after prelude-web.ts, whose `performance` object and `timeOrigin` it amends. The
 * prelude itself keeps the precise `DateNow` it captured first (deadlines, console.time).
 */

/** Step of the guest clocks, ms. */
export const CLOCK_RESOLUTION_MS = 1;

export const CLOCK_SOURCE = String.raw`
// ---- clocks ----
const CLOCK_STEP = ${CLOCK_RESOLUTION_MS};
const coarse = (t) => t - (t % CLOCK_STEP);
let performanceLast = 0;
ObjectDefineProperty(Date, 'now', {
  value: function now() { return coarse(DateNow()); },
  writable: true, configurable: true, enumerable: false,
});
ObjectDefineProperty(performance, 'now', {
  value: function now() {
    const t = coarse(DateNow() - timeOrigin);
    if (t > performanceLast) performanceLast = t;
    return performanceLast;
  },
  writable: true, configurable: true, enumerable: true,
});
`;
