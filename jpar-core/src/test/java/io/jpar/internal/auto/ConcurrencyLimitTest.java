package io.jpar.internal.auto;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpar.internal.auto.ConcurrencyLimit.Span;
import io.jpar.internal.auto.ConcurrencyLimit.Step;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The congestion controller for waiting work, fed with figures instead of timing real calls. */
class ConcurrencyLimitTest {
  private static final long MS = 1_000_000;

  /** A span at {@code limit} calls in flight, each taking {@code latencyMs}: throughput by Little's law. */
  private static Span at(int limit, double latencyMs) {
    return new Span(limit, Math.round(latencyMs * MS), limit * 1000 / latencyMs);
  }

  /** A controller that came from 2 at once with 20 ms calls and starts at {@code start}. */
  private static ConcurrencyLimit startedAt(int start, int max) {
    ConcurrencyLimit c = new ConcurrencyLimit(2, max);
    c.start(2, at(2, 20), start);
    return c;
  }

  @Test
  void growsFourfoldWhileThroughputRisesInProportionAndLatencyStaysAtTheMinimum() {
    ConcurrencyLimit c = startedAt(32, 10_000);
    Step s = c.next(at(32, 20), true);
    assertThat(s.limit()).isEqualTo(128);
    assertThat(s.reason()).contains("throughput rose").contains("1.0x the minimum 20.0 ms");
    assertThat(c.next(at(128, 20), true).limit()).isEqualTo(512);
  }

  @Test
  void aRaiseJudgedBeforeItsAddedCallsAllEndedStillGrowsFourfoldWhileLatencyIsFlat() {
    // 100 ms calls: a span judged 1.2 latencies after a raise from 32 to 128 counts the 96 added calls
    // for a sixth of its length, and measures about 1,060 tasks/s where 128 at once deliver 1,280.
    ConcurrencyLimit c = startedAt(32, 10_000);
    assertThat(c.next(at(32, 100), true).limit()).isEqualTo(128);
    Step s = c.next(new Span(128, 101 * MS, 1_060), true);
    // x4, up to 4x the 127 that 128 at 101 ms hold unqueued: not x2, nor 2x a lagging 106
    assertThat(s.limit()).as(s.reason()).isBetween(500, 512);
    assertThat(c.unqueued()).isGreaterThan(125);
  }

  @Test
  void aRaiseThatDidNotPayIsTakenBackAndLaterProbesAreSmaller() {
    ConcurrencyLimit c = startedAt(32, 10_000);
    c.next(at(32, 20), true); // -> 128
    // A service whose throughput peaked at 32: 128 at once take four times as long each.
    Step back = c.next(at(128, 80), true);
    assertThat(back.limit()).isEqualTo(32);
    assertThat(back.reason()).contains("back to 32").contains("less than 10% more").contains("grow by 2.00x");
  }

  @Test
  void holdsAtAKneeAndProbesOneStepUpEveryFewSpans() {
    ConcurrencyLimit c = startedAt(32, 10_000);
    c.next(at(32, 20), true);
    c.next(at(128, 80), true); // back to 32, growth now 2
    // The span after a decrease is let pass: calls sent at 128 end in it, slowly.
    assertThat(c.next(at(32, 80), true)).isEqualTo(new Step(32, null));
    // x4 was a long step: the level between is searched two spans later, in halving steps (x2, then
    // x1.41), until a step is no longer long against the next.
    c.next(at(32, 20), true);
    Step search = c.next(at(32, 20), true);
    assertThat(search.limit()).isEqualTo(64);
    assertThat(search.reason()).contains("probing after 2 spans");
    assertThat(c.next(at(64, 80), true).limit()).isEqualTo(32);
    c.next(at(32, 80), true); // draining
    c.next(at(32, 20), true);
    assertThat(c.next(at(32, 20), true).limit()).isEqualTo(46);
    assertThat(c.next(at(46, 41), true).reason()).contains("back to 32").doesNotContain("spans from now");
    // The search ended at the knee: from now on hold, probing one step up every 8 spans.
    c.next(at(32, 41), true); // draining
    for (int i = 1; i < ConcurrencyLimit.PROBE_EVERY; i++) {
      assertThat(c.next(at(32, 20), true).reason()).as("span %d", i).isNull();
    }
    Step probe = c.next(at(32, 20), true);
    assertThat(probe.limit()).isEqualTo(40);
    assertThat(probe.reason()).contains("probing after 8 spans");
    // The probe did not pay (the knee is still there): back, and probe half as often.
    assertThat(c.next(at(40, 31.25), true).limit()).isEqualTo(32);
    c.next(at(32, 31.25), true); // draining
    for (int i = 1; i < 2 * ConcurrencyLimit.PROBE_EVERY; i++) {
      assertThat(c.next(at(32, 20), true).reason()).as("span %d", i).isNull();
    }
    assertThat(c.next(at(32, 20), true).reason()).contains("probing after 16 spans");
  }

  @Test
  void aLongRaiseThatDidNotPayIsFollowedSoonByAShorterOneThatFindsTheLevelBetween() {
    // A service that scales to 256 at once and no further (a loopback server sharing the cores): x4 from
    // 128 overshoots to 512 and gains nothing, but 256 doubles the throughput of 128.
    ConcurrencyLimit c = startedAt(32, 10_000);
    c.next(at(32, 20), true); // -> 128
    c.next(at(128, 20), true); // -> 512
    Step back = c.next(at(512, 80), true);
    assertThat(back.limit()).isEqualTo(128);
    assertThat(back.reason()).contains("the next one 2 spans from now");
    assertThat(c.next(at(128, 80), true).reason()).isNull(); // draining
    assertThat(c.next(at(128, 20), true).reason()).isNull();
    Step probe = c.next(at(128, 20), true);
    assertThat(probe.limit()).as(probe.reason()).isEqualTo(256);
    // It paid: kept, and the climb goes on halfway (geometrically) to the 512 that did not pay, not x2.83.
    Step on = c.next(at(256, 20), true);
    assertThat(on.limit()).as(on.reason()).isEqualTo(363);
    assertThat(on.reason()).contains("halfway to 512, which did not pay");
    // 363 gained nothing: back to 256, and with x1.68 next, a x1.42 step was not long: hold there.
    Step settled = c.next(at(363, 28.4), true);
    assertThat(settled.limit()).isEqualTo(256);
    assertThat(settled.reason()).doesNotContain("spans from now");
  }

  @Test
  void aSearchNarrowedToWithinTheSmallestStepHoldsThereAndThenProbesInTheSmallestStep() {
    ConcurrencyLimit c = startedAt(32, 10_000);
    c.next(at(32, 20), true); // -> 128
    c.next(at(128, 20), true); // -> 512
    c.next(at(512, 80), true); // -> back to 128
    c.next(at(128, 80), true); // draining
    c.next(at(128, 20), true);
    assertThat(c.next(at(128, 20), true).limit()).isEqualTo(256);
    assertThat(c.next(at(256, 20), true).limit()).isEqualTo(363); // halfway to 512
    // 363 paid in proportion too (growth would be back to x4 by now): halfway to 512 is 431, less than a
    // x1.25 step, so the search is over. Hold, rather than climb x4 into the level that did not pay.
    Step done = c.next(at(363, 20), true);
    assertThat(done.limit()).isEqualTo(363);
    assertThat(done.reason()).contains("hold at 363").contains("within a x1.25 step");
    for (int i = 1; i < ConcurrencyLimit.PROBE_EVERY; i++) {
      assertThat(c.next(at(363, 20), true).reason()).as("span %d", i).isNull();
    }
    // The probe after holding asks whether the knee moved up, in the smallest step.
    Step probe = c.next(at(363, 20), true);
    assertThat(probe.limit()).isEqualTo(454);
    assertThat(probe.reason()).contains("probing after 8 spans");
  }

  @Test
  void aRaiseThatPaidLessThanInProportionStopsAtTwiceWhatTheServiceHoldsUnqueued() {
    ConcurrencyLimit c = startedAt(32, 10_000);
    assertThat(c.next(at(32, 20), true).limit()).isEqualTo(128); // 16x the throughput for 16x: x4
    // 128 gave 1.5x for 4x, latency 1.3x the minimum: a knee is near. The service holds about
    // 2,400/s x 20 ms = 48 calls unqueued; 128 is past twice that already: no further.
    Step s = c.next(new Span(128, 26 * MS, 2_400), true);
    assertThat(c.unqueued()).isCloseTo(48.0, org.assertj.core.data.Offset.offset(0.01));
    assertThat(s).isEqualTo(new Step(128, null));
  }

  @Test
  void backsOffMultiplicativelyWhenLatencyInflatesWithoutAGainInThroughput() {
    ConcurrencyLimit c = startedAt(64, 10_000);
    assertThat(c.next(at(64, 20), true).limit()).isEqualTo(256);
    assertThat(c.next(at(256, 20), false).reason()).isNull(); // paid in proportion; cores busy: hold
    // The service slows down under the same load: 4x the minimum latency, throughput lower.
    Step s = c.next(new Span(256, 80 * MS, 3_200), true);
    assertThat(s.limit()).isEqualTo(128); // 256 x 1.5 / 4 would be 96: halving at most
    assertThat(s.reason()).contains("back off to 128").contains("4.0x the minimum");
    assertThat(c.next(new Span(128, 80 * MS, 1_600), true).reason()).isNull(); // draining: let pass
    // Latency fell from 80 to 50 ms: the queue may still be draining; let pass while it keeps falling.
    assertThat(c.next(new Span(128, 50 * MS, 3_300), true).reason()).isNull();
    // Throughput held (no loss from backing off), latency still 2.5x and no longer falling: back off by
    // 1.5 / 2.5.
    assertThat(c.next(new Span(128, 50 * MS, 3_300), true).limit()).isEqualTo(76);
  }

  @Test
  void aBackOffThatLostThroughputIsTakenBackAndTheMinimumRelearned() {
    ConcurrencyLimit c = startedAt(64, 10_000);
    c.next(at(64, 20), true); // -> 256
    c.next(new Span(256, 20 * MS, 12_000), false); // paid, hold (cores busy)
    // Every call now takes 60 ms whatever the load (a slower service, not a queue): backing off loses.
    assertThat(c.next(at(256, 60), true).limit()).isEqualTo(128);
    c.next(at(128, 60), true); // draining: let pass
    Step s = c.next(at(128, 60), true);
    assertThat(s.limit()).isEqualTo(256);
    assertThat(s.reason()).contains("lost throughput").contains("re-learned as 60.0 ms");
    assertThat(c.minLatency()).isEqualTo(60 * MS);
    c.next(at(256, 60), true); // let pass after the change
    assertThat(c.next(at(256, 60), true).reason()).isNull(); // 1.0x the new minimum: hold
  }

  @Test
  void aSpanInWhichNoCallEndedIsNoNewsNotALossOfThroughput() {
    ConcurrencyLimit c = startedAt(64, 10_000);
    c.next(at(64, 20), true); // -> 256
    c.next(at(256, 20), false); // hold
    assertThat(c.next(at(256, 80), true).limit()).isEqualTo(128); // calls queue: back off
    c.next(at(128, 80), true); // draining
    // The calls in flight are slow ones: none ended in this span. Not "backing off lost throughput".
    assertThat(c.next(new Span(128, -1, 0), true)).isEqualTo(new Step(128, null));
    assertThat(c.minLatency()).isEqualTo(20 * MS);
    // The back-off is judged on the next span with news: throughput held, latency 1.2x: hold at 128.
    assertThat(c.next(new Span(128, 24 * MS, 5_300), true).reason()).isNull();
  }

  @Test
  void startedBeforeAnyCallEndedTheFirstSpanSetsTheMinimum() {
    ConcurrencyLimit c = new ConcurrencyLimit(2, 10_000);
    c.start(2, new Span(2, -1, 0), 32); // the platform threads were seen waiting before any task ended
    assertThat(c.minLatency()).isEqualTo(-1);
    c.next(at(32, 20), true);
    assertThat(c.minLatency()).isEqualTo(20 * MS);
    assertThat(c.unqueued()).isCloseTo(32.0, org.assertj.core.data.Offset.offset(0.01));
  }

  @Test
  void neverAboveMaxConcurrencyNorGrowingWhileTheCoresAreBusy() {
    ConcurrencyLimit c = startedAt(32, 100);
    Step s = c.next(at(32, 20), true);
    assertThat(s.limit()).isEqualTo(100);
    assertThat(s.reason()).contains("capped by maxConcurrency");
    assertThat(c.next(at(100, 20), true).reason()).isNull(); // at the cap: hold
    ConcurrencyLimit busy = startedAt(32, 10_000);
    assertThat(busy.next(at(32, 20), false).limit()).isEqualTo(32);
  }

  /**
   * A service whose calls take 20 ms up to {@code knee} at once and (n / knee)^2 times longer past it,
   * so that its throughput falls past the knee; the limit is run against it span after span.
   */
  private static List<Integer> runAgainstKnee(ConcurrencyLimit c, int start, int[] knees, int spansEach) {
    List<Integer> limits = new ArrayList<>();
    int n = start;
    for (int knee : knees) {
      for (int i = 0; i < spansEach; i++) {
        double latency = 20 * Math.max(1, Math.pow(n / (double) knee, 2));
        n = c.next(at(n, latency), true).limit();
        limits.add(n);
      }
    }
    return limits;
  }

  @Test
  void settlesNearTheKneeOfAServiceWhoseThroughputFallsPastItAndAgainWhenTheKneeMoves() {
    ConcurrencyLimit c = startedAt(32, 2_000);
    // Knee at 64, then it moves down to 16 mid-batch, then up to 256.
    List<Integer> limits = runAgainstKnee(c, 32, new int[] {64, 16, 256}, 60);
    List<Integer> first = limits.subList(20, 60);
    List<Integer> down = limits.subList(80, 120);
    List<Integer> up = limits.subList(150, 180);
    assertThat(first).allSatisfy(n -> assertThat(n).isBetween(32, 128));
    assertThat(first.stream().mapToInt(Integer::intValue).average().orElseThrow()).isBetween(48.0, 90.0);
    assertThat(down).allSatisfy(n -> assertThat(n).isBetween(8, 32));
    assertThat(up.stream().mapToInt(Integer::intValue).average().orElseThrow()).isBetween(128.0, 400.0);
    assertThat(up).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(512));
  }

  @Test
  void onWorkThatOnlyWaitsItClimbsToMaxConcurrencyAndStays() {
    ConcurrencyLimit c = startedAt(32, 2_000);
    List<Integer> limits = runAgainstKnee(c, 32, new int[] {1_000_000}, 20);
    assertThat(limits.subList(3, 20)).allSatisfy(n -> assertThat(n).isEqualTo(2_000));
  }

  @Test
  void aRaiseWhoseLatencyGrewAsMuchAsItsCallsInFlightPlainlyDidNotPayEvenBeforeThroughputSettles() {
    ConcurrencyLimit c = startedAt(32, 10_000);
    c.next(at(32, 20), true); // -> 128
    assertThat(c.plainlyDidNotPay(128, 25 * MS)).isFalse(); // inflation under 1.5x: not judged this way
    assertThat(c.plainlyDidNotPay(128, 40 * MS)).isFalse(); // 3,200/s by Little's law against 1,600: it pays
    assertThat(c.plainlyDidNotPay(128, 78 * MS)).isTrue(); // 1,641/s: no gain
    // Judged so although the span's own (lagging) throughput read a gain: Little's law at 4x the latency.
    Step back = c.next(new Span(128, 78 * MS, 1_900), true);
    assertThat(back.limit()).isEqualTo(32);
    assertThat(back.reason()).contains("by Little's law");
  }

  @Test
  void afterARaiseIsTakenBackSpansLetPassWhileTheLatencyStillFallsButNoMoreThanThree() {
    ConcurrencyLimit c = startedAt(32, 10_000);
    c.next(at(32, 20), true); // -> 128
    c.next(at(128, 20), true); // -> 512
    assertThat(c.next(at(512, 80), true).limit()).isEqualTo(128); // did not pay: back
    assertThat(c.next(new Span(128, 70 * MS, 2_000), true).reason()).isNull(); // settling
    // A server's queue drains over several spans: 60, 45, 36 ms, each a tenth lower than the one before.
    assertThat(c.next(new Span(128, 60 * MS, 2_000), true).reason()).isNull();
    assertThat(c.next(new Span(128, 45 * MS, 2_800), true).reason()).isNull();
    assertThat(c.next(new Span(128, 36 * MS, 3_500), true).reason()).isNull();
    // Three is the most: still 1.6x and falling, but now judged as a queue of its own.
    assertThat(c.next(new Span(128, 32 * MS, 4_000), true).reason()).contains("back off");
  }

  @Test
  void onAServiceThatSaturatesItSettlesAtTheLevelWhereThroughputStopsRisingNotFarBelowIt() {
    // Flat latency up to 256 at once, then latency in proportion (a server whose cores are all busy):
    // throughput peaks at 256 and stays there. The x4 climb overshoots to 512; the search must come back
    // to about 256, not sit at 128 (half the throughput) nor stay at 512 (twice the queue).
    ConcurrencyLimit c = startedAt(32, 10_000);
    List<Integer> limits = new ArrayList<>();
    int n = 32;
    for (int i = 0; i < 40; i++) {
      double latency = 20 * Math.max(1, n / 256.0);
      n = c.next(at(n, latency), true).limit();
      limits.add(n);
    }
    double meanThroughput = limits.subList(8, 40).stream().mapToDouble(l -> Math.min(l, 256) / 0.020).average().orElseThrow();
    assertThat(meanThroughput).as("limits %s", limits).isGreaterThan(0.85 * 256 / 0.020);
    assertThat(limits.subList(8, 40)).as("limits %s", limits).allSatisfy(l -> assertThat(l).isBetween(180, 520));
  }
}
