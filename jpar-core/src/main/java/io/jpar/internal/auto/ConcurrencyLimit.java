package io.jpar.internal.auto;

import java.util.Locale;

/**
 * How many waiting tasks to keep in flight, chosen as a congestion controller chooses a window (TCP
 * Vegas, BBR; Netflix's Vegas and Gradient limiters): against the minimum latency seen recently, the
 * latency now tells whether calls queue somewhere. Figures in, a limit out; no clocks.
 *
 * <ul>
 *   <li><b>Grow</b> while each raise pays (throughput up by >= {@value #PAYS}x): by {@code growth}, which
 *       starts at 4 (slow start) and shrinks (square root, down to {@value #MIN_GROWTH}) after every raise
 *       that did not pay or paid less than in proportion (a knee is near), so probes near a known knee are
 *       small; it grows again (to the power 1.5, up to 4) after a raise that kept the latency within 1.2x
 *       the minimum (by Little's law, throughput in proportion). A raise that did not pay is taken back;
 *       when it was a longer step than the next ones will be, the next probe comes two spans later. Below
 *       a level seen not to pay (a raise taken back, a back-off's start), raises go halfway there
 *       (geometrically), so the level between is found by bisection; once that has narrowed to within the
 *       smallest step it holds, until a probe after holding asks again, in the smallest step, whether the
 *       knee moved up.
 *   <li><b>Back off</b> when latency inflates past {@value #TOLERANCE}x the minimum without a gain in
 *       throughput: multiplicatively, to {@code limit x TOLERANCE x min / latency} (halving at most),
 *       the Gradient limiters' rule, and later raises are smaller, as after a raise that did not pay. A
 *       back-off that lost throughput (the floor of latency itself moved)
 *       is taken back, and the minimum is re-learned from there.
 *   <li><b>Never far past the knee</b>: a raise goes no further than 4x (2x once a knee has shown itself)
 *       the calls the service holds without queueing, estimated as BBR estimates a path's
 *       bandwidth-delay product: the highest recent delivery rate (the measured throughput, or, while
 *       latency is flat, the limit over the latency when higher) times the minimum latency.
 *   <li><b>Hold</b> otherwise; every {@value #PROBE_EVERY} judged spans of holding (twice, then four times
 *       as many after probes that did not pay), probe one step up, so that a knee that moved up is found. The minimum latency is the lowest of the last {@value #WINDOW}
 *       spans, so a knee that moved down (higher latency at the same load) is seen as inflation.
 * </ul>
 *
 * <p>After the limit is lowered, one span is let pass unjudged: the calls sent above the new limit end
 * in it, at the latency of the higher load; and up to {@value #MAX_DRAINING} more while latency, still
 * inflated, keeps falling by a tenth a span (a deeper queue, as a server's, draining). Never above {@code max}, never below {@code floor}. Not thread-safe: the planner calls it under the
 * auto pool's lock.
 */
final class ConcurrencyLimit {
  /** A raise pays when throughput rose by this factor. */
  static final double PAYS = 1.10;
  /** Latency over the minimum past which calls are taken to queue. */
  static final double TOLERANCE = 1.5;
  static final double MIN_GROWTH = 1.25;
  static final int PROBE_EVERY = 8;
  static final int PROBE_SOON = 2;
  static final int MAX_DRAINING = 3;
  static final int WINDOW = 24;

  /** What one judged span showed at a limit. */
  record Span(int limit, long latencyNanos, double tasksPerSecond) {}

  /** The next limit, and why when it changed (null when held). */
  record Step(int limit, String reason) {}

  private enum Trial { NONE, RAISE, BACK_OFF }

  private final int floor;
  private final int max;
  private final long[] latencies = new long[WINDOW];
  private final double[] throughputs = new double[WINDOW];
  private int seen;
  private double growth = 4;
  private Trial trial = Trial.NONE;
  private int trialFrom;
  private double trialFromThroughput;
  private long trialFromLatency;
  private int held;
  /** Spans held before a probe: doubles (up to 4x) while probes fail, back to the start when one pays. */
  private int probeEvery = PROBE_EVERY;
  private boolean probing;
  /** The next probe comes {@value #PROBE_SOON} spans from now, not {@code probeEvery}. */
  private boolean probeSoon;
  /** The lowest limit seen not to pay since the last probe after holding (0: none): raises stop halfway to it. */
  private int ceiling;
  /** The raise being judged is such a probe: part of a search below a long step, not a check of the knee. */
  private boolean searching;
  /** Spans to let pass after the limit was lowered: calls started above it still drain, slowly. */
  private int settling;
  /** Spans after those that may still pass unjudged while latency keeps falling (a deeper queue draining). */
  private int draining;
  private long lastLatency;

  ConcurrencyLimit(int floor, int max) {
    this.floor = Math.max(1, Math.min(floor, max));
    this.max = max;
  }

  /**
   * Starts at {@code limit}, coming from {@code from} at which {@code before} was measured: judged as a
   * raise by the next span.
   */
  void start(int from, Span before, int limit) {
    seen = 0;
    growth = 4;
    held = 0;
    // The span before is not observed: its tasks ran on other machinery, and were often of another kind
    // (a batch that turned from computing to waiting); the first span here sets the minimum.
    trial = limit > from ? Trial.RAISE : Trial.NONE;
    trialFrom = from;
    trialFromThroughput = before.tasksPerSecond;
    trialFromLatency = before.latencyNanos;
  }

  /**
   * Forgets what was learned (the work changed character: its latencies say nothing about the new
   * work's) and probes up at the next span, growing fast again.
   */
  void restart() {
    seen = 0;
    growth = 4;
    trial = Trial.NONE;
    settling = 0;
    draining = 0;
    probeEvery = PROBE_EVERY;
    probeSoon = false;
    ceiling = 0;
    held = PROBE_EVERY - 1;
  }

  /** Whether the next span judges a raise (which needs a steadier, longer span than holding). */
  boolean judgingRaise() {
    return trial == Trial.RAISE;
  }

  /** The throughput a raise is judged against, or NaN when none is being judged. */
  double throughputBeforeRaise() {
    return trial == Trial.RAISE ? trialFromThroughput : Double.NaN;
  }

  /**
   * Whether the raise being judged plainly did not pay: at {@code limitNow} calls in flight the latency
   * is past {@value #TOLERANCE}x the minimum and, by Little's law (throughput = calls in flight /
   * latency), it delivers less than {@value #PAYS}x what the limit before did — known a latency after the
   * raise, where the measured throughput needs a few to settle.
   */
  boolean plainlyDidNotPay(int limitNow, long latencyNanos) {
    long min = minLatency();
    if (trial != Trial.RAISE || min <= 0 || latencyNanos <= TOLERANCE * min || trialFromLatency <= 0) {
      return false;
    }
    return limitNow / (double) latencyNanos < PAYS * trialFrom / (double) trialFromLatency;
  }

  /** The lowest latency of the last spans, -1 before any. */
  long minLatency() {
    long min = Long.MAX_VALUE;
    for (int i = 0; i < Math.min(seen, WINDOW); i++) {
      min = Math.min(min, latencies[i]);
    }
    return min == Long.MAX_VALUE ? -1 : min;
  }

  /**
   * The next limit after a span at {@code s.limit()}; {@code mayGrow} is false when something else (busy
   * cores) already says more at once cannot help.
   */
  Step next(Span s, boolean mayGrow) {
    if (s.latencyNanos > 0) {
      observe(s.latencyNanos, deliveryRate(s, minLatency()));
    }
    long min = minLatency();
    double inflation = min <= 0 || s.latencyNanos <= 0 ? 1 : s.latencyNanos / (double) min;
    double x = s.tasksPerSecond;
    String seen = String.format(Locale.ROOT, "latency %s, %.1fx the minimum %s, %.0f tasks/s", Planner.human(s.latencyNanos),
        inflation, Planner.human(Math.max(0, min)), x);
    if (s.latencyNanos <= 0) {
      // No call ended in the span (the calls in flight are slow ones): no news on latency or throughput.
      // Judging it would read zero throughput as a loss; hold, and judge the next span instead.
      return new Step(s.limit, null);
    }
    long previous = lastLatency;
    lastLatency = s.latencyNanos;
    if (settling > 0) {
      // The calls sent before the limit was lowered end in this span, at the latency of the higher
      // load: judging it would back off again for a queue already gone.
      settling--;
      draining = MAX_DRAINING;
      return new Step(s.limit, null);
    }
    if (draining > 0) {
      draining--;
      if (inflation > TOLERANCE && s.latencyNanos < 0.9 * previous) {
        // A deep queue (a loopback server still answering the burst of a raise taken back) drains over
        // more than a span: while latency falls span after span, it is the old queue, not a new one.
        return new Step(s.limit, null);
      }
      draining = 0;
    }
    boolean plainlyNot = plainlyDidNotPay(s.limit, s.latencyNanos);
    Trial judged = trial;
    trial = Trial.NONE;
    if (judged == Trial.RAISE) {
      if (x < PAYS * trialFromThroughput || plainlyNot) {
        growth = Math.max(MIN_GROWTH, Math.sqrt(growth));
        if (probing && !searching) {
          probeEvery = Math.min(4 * PROBE_EVERY, 2 * probeEvery); // the knee has not moved: probe less often
        }
        // A step longer than the next ones says only that throughput stops rising somewhere between the
        // two limits (x4 from 128 to 494 can miss a doubling at 256): probe again after two spans, with
        // the smaller step, rather than hold a full probing period below what may be the best level.
        boolean longStep = s.limit > 1.2 * growth * trialFrom;
        probeSoon = longStep;
        ceiling = s.limit;
        held = 0;
        settling = 1;
        String gave = x < PAYS * trialFromThroughput ? String.format(Locale.ROOT, "%d gave %.0f tasks/s against %.0f",
            s.limit, x, trialFromThroughput) : String.format(Locale.ROOT, "%d at once at %s each deliver %.0f tasks/s"
            + " by Little's law against %.0f", s.limit, Planner.human(s.latencyNanos), s.limit * 1e9 / s.latencyNanos,
            trialFrom * 1e9 / trialFromLatency);
        return new Step(trialFrom, String.format(Locale.ROOT, "%s -> back to %d at once: %s, less than %.0f%% more;"
            + " next probes grow by %.2fx%s", seen, trialFrom, gave, 100 * (PAYS - 1), growth,
            longStep ? ", the next one " + PROBE_SOON + " spans from now" : ""));
      }
      probeEvery = PROBE_EVERY;
      // Judged by latency, not by the span's throughput: the calls added by the raise end a latency after
      // it, so a span judged soon after a raise counts them for part of its length only, and would read a
      // raise that scaled perfectly as one that did not (Little's law: flat latency with more in flight
      // is throughput in proportion).
      boolean proportional = inflation <= 1.2;
      // In proportion, at the minimum latency: no queue yet, so speed up again. Less than that: a knee is
      // near, so take smaller steps towards it.
      growth = proportional ? Math.min(4, Math.pow(growth, 1.5)) : Math.max(MIN_GROWTH, Math.sqrt(growth));
      if (inflation > TOLERANCE) {
        held = 0;
        return new Step(s.limit, null); // it paid, but calls now queue: no further; the next span may back off
      }
    } else if (judged == Trial.BACK_OFF && x < trialFromThroughput / PAYS) {
      // Fewer at once lost throughput: the latency's floor itself rose (a slower service, not a queue).
      // Go back and learn the minimum again from the latency there.
      // Re-learned from this span: with fewer calls in flight than before, its latency is the floor now.
      relearn(s.latencyNanos, x);
      ceiling = 0;
      held = 0;
      settling = 1;
      return new Step(trialFrom, String.format(Locale.ROOT, "%s -> back to %d at once: backing off to %d lost throughput"
          + " (%.0f against %.0f tasks/s), so the latency's floor moved; minimum re-learned as %s", seen, trialFrom,
          s.limit, x, trialFromThroughput, Planner.human(s.latencyNanos)));
    }
    if (inflation > TOLERANCE && s.limit > floor && judged != Trial.RAISE) {
      int next = Math.max(floor, (int) Math.min(s.limit - 1L, (long) Math.floor(s.limit * Math.max(0.5,
          TOLERANCE / inflation))));
      begin(Trial.BACK_OFF, s);
      growth = Math.max(MIN_GROWTH, Math.sqrt(growth)); // a knee is near: probe above it in smaller steps
      held = 0;
      probeSoon = false;
      ceiling = s.limit;
      settling = 1;
      return new Step(next, String.format(Locale.ROOT, "%s -> back off to %d at once: calls queue (latency past %.1fx the"
          + " minimum)", seen, next, TOLERANCE));
    }
    boolean climbing = judged == Trial.RAISE; // a raise that paid continues the climb
    int due = probeSoon ? PROBE_SOON : probeEvery;
    boolean probe = !climbing && ++held >= due;
    // Never past a few times what the service holds without queueing (BBR's in-flight cap): 4x while
    // throughput has scaled in proportion, 2x once a knee has shown itself.
    double cap = unqueued() < 0 ? Double.MAX_VALUE : (growth >= 4 ? 4 : 2) * unqueued();
    if (probe && !probeSoon || ceiling <= s.limit) {
      ceiling = 0; // a probe after holding asks whether the knee moved up: what did not pay before may now
    }
    if (mayGrow && (climbing || probe) && s.limit < max && s.limit < cap) {
      long grown = (long) Math.min(cap, Math.ceil(s.limit * growth));
      // Below a level known not to pay, go halfway there (geometrically), not a whole step: the search
      // narrows in halving steps, and stops once halfway is less than the smallest step.
      long halfway = ceiling == 0 ? Long.MAX_VALUE : (long) Math.ceil(Math.sqrt((double) s.limit * ceiling));
      if (halfway < s.limit * MIN_GROWTH) {
        // The search has narrowed to within the smallest step of a level that did not pay: hold here.
        // (Climbing on from here grew x4 at once — 351 to 1,227 on a loopback server that queues from
        // ~450 — as growth had recovered on the way up.) The next probe after holding asks again whether
        // the knee moved up, in the smallest step.
        ceiling = 0;
        growth = MIN_GROWTH;
        held = 0;
        probeSoon = false;
        return new Step(s.limit, String.format(Locale.ROOT, "%s -> hold at %d: within a x%.2f step of a level that did"
            + " not pay", seen, s.limit, MIN_GROWTH));
      }
      int next = (int) Math.min(max, Math.max(s.limit + 1L, Math.min(grown, halfway)));
      begin(Trial.RAISE, s);
      probing = probe;
      searching = probe && probeSoon;
      probeSoon = false;
      held = 0;
      return new Step(next, String.format(Locale.ROOT, "%s -> %d at once (%s x%.2f%s)", seen, next,
          climbing ? "throughput rose, so grow" : "probing after " + due + " spans held, grow", growth,
          next == max ? ", capped by maxConcurrency" : next == halfway ? ", halfway to " + ceiling + ", which did not pay"
              : next == (long) cap ? String.format(Locale.ROOT,
              ", capped at %.0fx the %.0f calls the service holds unqueued (throughput x minimum latency)",
              growth >= 4 ? 4.0 : 2.0, unqueued()) : ""));
    }
    if (probe) {
      held = 0;
      probeSoon = false;
    }
    return new Step(s.limit, null);
  }

  private void begin(Trial t, Span s) {
    trial = t;
    trialFrom = s.limit;
    trialFromThroughput = s.tasksPerSecond;
    trialFromLatency = s.latencyNanos;
  }

  /**
   * The span's throughput for the in-flight cap. While latency stays at the minimum (within 1.2x): what
   * it measured, or what Little's law says its limit delivers at that latency, whichever is higher — the
   * measured figure lags a raise by a latency (the calls it added have not ended yet), Little's does not.
   * Once calls queue, only the measured figure: the cap must not grow from calls that wait.
   */
  private static double deliveryRate(Span s, long minBefore) {
    boolean flat = minBefore <= 0 || s.latencyNanos <= 1.2 * minBefore;
    return flat ? Math.max(s.tasksPerSecond, s.limit * 1e9 / s.latencyNanos) : s.tasksPerSecond;
  }

  private void observe(long latency, double tasksPerSecond) {
    throughputs[seen % WINDOW] = tasksPerSecond;
    latencies[seen++ % WINDOW] = latency;
  }

  /**
   * How many calls the service holds without queueing, as BBR estimates a path's bandwidth-delay product:
   * the highest recent throughput times the minimum latency; -1 before any figures.
   */
  double unqueued() {
    long min = minLatency();
    double max = 0;
    for (int i = 0; i < Math.min(seen, WINDOW); i++) {
      max = Math.max(max, throughputs[i]);
    }
    return min <= 0 || max <= 0 ? -1 : max * min / 1e9;
  }

  private void relearn(long latency, double tasksPerSecond) {
    seen = 0;
    observe(latency, tasksPerSecond);
  }
}
