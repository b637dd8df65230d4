package io.jpar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jpar exec}, with expected outputs written from GNU parallel's documented behaviour (its man
 * page and tutorial): input sources and their order, replacement strings, quoting, the job log,
 * resume, retries, timeouts, halt and exit status.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExecCommandTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int exec(String... args) {
    return ExecCommand.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        args);
  }

  private int execWithStdin(String stdin, String... args) {
    InputStream before = System.in;
    System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    try {
      return exec(args);
    } finally {
      System.setIn(before);
    }
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private List<String> lines() {
    return out().lines().toList();
  }

  @Test
  void severalSourcesAreCrossedLastFastestAndKeepOrderPrintsInInputOrder() {
    assertThat(exec("-k", "-j", "4", "echo", "{1}-{2}", ":::", "a", "b", ":::", "1", "2", "3")).isZero();
    assertThat(lines()).containsExactly("a-1", "a-2", "a-3", "b-1", "b-2", "b-3");
  }

  @Test
  void linkedSourcesArePairedAndTheShorterWrapsAround() {
    assertThat(exec("-k", "echo", "{1}{2}", ":::", "a", "b", "c", ":::+", "1", "2", "3")).isZero();
    assertThat(lines()).containsExactly("a1", "b2", "c3");
    out.reset();
    assertThat(exec("-k", "--link", "echo", "{1}{2}", ":::", "a", "b", "c", "d", ":::", "1", "2")).isZero();
    assertThat(lines()).containsExactly("a1", "b2", "c1", "d2");
  }

  @Test
  void replacementStringsTakeThePathApart() {
    assertThat(exec("-k", "echo", "{},{.},{/},{//},{/.},{#}", ":::", "dir/sub/file.tar.gz", "plain")).isZero();
    assertThat(lines()).containsExactly("dir/sub/file.tar.gz,dir/sub/file.tar,file.tar.gz,dir/sub,file.tar,1",
        "plain,plain,plain,.,plain,2");
  }

  @Test
  void slotsAreNumberedFromOneUpToTheJobsAtOnce() {
    assertThat(exec("-j", "3", "echo", "{%}", ":::", "a", "b", "c", "d", "e", "f", "g")).isZero();
    assertThat(lines()).hasSize(7).allSatisfy(l -> assertThat(Integer.parseInt(l)).isBetween(1, 3));
  }

  @Test
  void aCommandWithoutReplacementStringsGetsTheInputsAppended() {
    assertThat(exec("-k", "echo", "got", ":::", "x", "y")).isZero();
    assertThat(lines()).containsExactly("got x", "got y");
  }

  @Test
  void inputsWithSpacesQuotesDollarsGlobsNewlinesAndNonAsciiPassUntouchedThroughTheShell() throws Exception {
    List<String> nasty = List.of("two words", "it's \"quoted\"", "$HOME and `date`", "*", "line1\nline2", "naïve ☃");
    List<String> args = new ArrayList<>(List.of("-k", "printf '<%s>' {} > /dev/stdout; echo"));
    args.add(":::");
    args.addAll(nasty);
    assertThat(exec(args.toArray(String[]::new))).as(err()).isZero();
    assertThat(out()).isEqualTo("<two words>\n<it's \"quoted\">\n<$HOME and `date`>\n<*>\n<line1\nline2>\n<naïve ☃>\n");
  }

  @Test
  void aCommandWithoutShellSyntaxRunsDirectlySoNothingIsExpanded() {
    assertThat(exec("-k", "echo", "{}", ":::", "$HOME", "*", "a b")).isZero();
    assertThat(out()).isEqualTo("$HOME\n*\na b\n");
  }

  @Test
  void inputsComeFromFilesStandardInputNulAndADelimiter() throws Exception {
    Path f = Files.writeString(dir.resolve("in.txt"), "one\ntwo\n");
    assertThat(exec("-k", "echo", ":::", "x", "::::", f.toString())).isZero();
    assertThat(lines()).containsExactly("x one", "x two");
    out.reset();
    assertThat(exec("-k", "-a", f.toString(), "echo")).isZero();
    assertThat(lines()).containsExactly("one", "two");
    out.reset();
    assertThat(execWithStdin("s1\ns2\n", "-k", "echo", "in:")).isZero();
    assertThat(lines()).containsExactly("in: s1", "in: s2");
    out.reset();
    assertThat(execWithStdin("a b\0c\nd\0", "-k", "-0", "printf", "[%s]", "{}")).isZero();
    assertThat(out()).isEqualTo("[a b][c\nd]");
    out.reset();
    assertThat(execWithStdin("p,q,r", "-k", "-d", ",", "echo")).isZero();
    assertThat(lines()).containsExactly("p", "q", "r");
  }

  /**
   * Runs exec with standard input still open after {@code firstLine}: the input stays open until
   * {@code seen} holds (at most 10 s), then {@code rest} follows and it closes. Returns whether
   * {@code seen} held while the input was open.
   */
  private boolean seenWhileInputOpen(String firstLine, java.util.function.BooleanSupplier seen, String rest,
      String... args) throws Exception {
    java.io.PipedOutputStream producer = new java.io.PipedOutputStream();
    java.io.PipedInputStream stdin = new java.io.PipedInputStream(producer);
    java.util.concurrent.atomic.AtomicBoolean early = new java.util.concurrent.atomic.AtomicBoolean();
    Thread feeder = Thread.ofPlatform().start(() -> {
      try {
        producer.write((firstLine + "\n").getBytes(StandardCharsets.UTF_8));
        producer.flush();
        for (int i = 0; i < 200 && !early.get(); i++) {
          early.set(seen.getAsBoolean());
          Thread.sleep(50);
        }
        producer.write(rest.getBytes(StandardCharsets.UTF_8));
        producer.close();
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    InputStream before = System.in;
    System.setIn(stdin);
    try {
      assertThat(exec(args)).isZero();
    } finally {
      System.setIn(before);
    }
    feeder.join();
    return early.get();
  }

  @Test
  void standardInputStreamsTheFirstJobRunsBeforeTheInputEnds() throws Exception {
    Path marks = Files.createDirectory(dir.resolve("marks"));
    boolean ranEarly = seenWhileInputOpen("first", () -> Files.exists(marks.resolve("first")), "second\n",
        "touch", marks + "/{}");
    assertThat(ranEarly).as("the first job ran while the input was still open").isTrue();
    assertThat(marks.resolve("second")).exists();
  }

  @Test
  void aFinishedJobsOutputIsPrintedWhileTheInputStaysOpen() throws Exception {
    boolean printedEarly = seenWhileInputOpen("early", () -> out().contains("got early"), "", "echo", "got");
    assertThat(printedEarly).as("job 1's output came before the input ended").isTrue();
  }

  @Test
  void colsepSplitsAnInputIntoNumberedColumns() {
    assertThat(execWithStdin("a\t1\nb\t2\n", "-k", "--colsep", "\t", "echo", "{2}={1}")).isZero();
    assertThat(lines()).containsExactly("1=a", "2=b");
  }

  @Test
  void eachJobsOutputIsWholeNeverInterleavedWithAnothers() {
    // Both jobs write 200 lines, slowly enough to overlap; grouped output keeps each block contiguous.
    assertThat(exec("-j", "2", "for i in $(seq 1 200); do echo {}$i; done", ":::", "A", "B")).isZero();
    List<String> l = lines();
    assertThat(l).hasSize(400);
    String first = l.get(0).substring(0, 1);
    assertThat(l.subList(0, 200)).allSatisfy(x -> assertThat(x).startsWith(first));
    assertThat(l.subList(200, 400)).allSatisfy(x -> assertThat(x).doesNotStartWith(first));
  }

  @Test
  void aJobFloodingItsOutputIsKeptWholeOnDiskNotInMemory() {
    assertThat(exec("head -c 3000000 /dev/zero | tr '\\0' {}", ":::", "x")).isZero();
    assertThat(out.size()).isEqualTo(3_000_000);
  }

  @Test
  void tagPrefixesEveryLineWithTheInputs() {
    assertThat(exec("-k", "--tag", "printf 'l1\\nl2\\n'", ":::", "a", "b")).isZero();
    assertThat(lines()).containsExactly("a\tl1", "a\tl2", "b\tl1", "b\tl2");
    out.reset();
    assertThat(exec("-k", "--tagstring", "job{#}", "echo", ":::", "z")).isZero();
    assertThat(lines()).containsExactly("job1\tz");
  }

  @Test
  void theJobLogHasGnuParallelsColumnsAndResumeSkipsWhatRan() throws Exception {
    Path log = dir.resolve("jobs.tsv");
    Path marks = Files.createDirectory(dir.resolve("marks"));
    assertThat(exec("--joblog", log.toString(), "touch " + marks + "/{}; test {} != bad", ":::", "ok1", "bad", "ok2"))
        .isEqualTo(1);
    List<String> logLines = Files.readAllLines(log);
    assertThat(logLines.get(0)).isEqualTo("Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand");
    assertThat(logLines).hasSize(4);
    String bad = logLines.stream().filter(l -> l.startsWith("2\t")).findFirst().orElseThrow();
    String[] cols = bad.split("\t");
    assertThat(cols).hasSize(9);
    assertThat(cols[1]).isEqualTo(":");
    assertThat(Double.parseDouble(cols[2])).isGreaterThan(1.7e9);
    assertThat(cols[6]).isEqualTo("1");
    assertThat(cols[7]).isEqualTo("0");
    assertThat(cols[8]).contains("test 'bad' != bad");

    Files.delete(marks.resolve("ok1"));
    Files.delete(marks.resolve("bad"));
    assertThat(exec("--joblog", log.toString(), "--resume-failed", "touch " + marks + "/{}; test {} != bad", ":::", "ok1",
        "bad", "ok2")).isEqualTo(1);
    assertThat(marks.resolve("ok1")).doesNotExist(); // succeeded before: skipped
    assertThat(marks.resolve("bad")).exists(); // failed before: run again

    Files.delete(marks.resolve("bad"));
    assertThat(exec("--joblog", log.toString(), "--resume", "touch " + marks + "/{}", ":::", "ok1", "bad", "ok2", "new"))
        .isZero();
    assertThat(marks.resolve("bad")).doesNotExist(); // in the log at all: skipped
    assertThat(marks.resolve("new")).exists();
  }

  @Test
  void retriesRunAFailingJobAgainUntilItSucceeds() throws Exception {
    Path counter = dir.resolve("count");
    // Fails on the first two tries, succeeds on the third.
    String cmd = "echo {} >> " + counter + "; test $(wc -l < " + counter + ") -ge 3";
    assertThat(exec("--retries", "3", cmd, ":::", "1")).as(err()).isZero();
    assertThat(Files.readAllLines(counter)).hasSize(3);
  }

  @Test
  void aTimeoutKillsTheJobAndEveryProcessItStarted() throws Exception {
    Path pid = dir.resolve("child.pid");
    long t0 = System.nanoTime();
    int code = exec("--timeout", "1", "sleep 3{} & echo $! > " + pid + "; wait", ":::", "0");
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).isLessThan(20);
    assertThat(code).isEqualTo(1);
    assertThat(err()).contains("timed out");
    long child = Long.parseLong(Files.readString(pid).trim());
    for (int i = 0; i < 50 && ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false); i++) {
      Thread.sleep(100);
    }
    assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false)).as("the job's child was killed").isFalse();
  }

  @Test
  void haltNowOnTheFirstFailureStopsAndExitsWithThatJobsStatus() {
    List<String> args = new ArrayList<>(List.of("-j", "1", "--halt", "now,fail=1", "exit {}", ":::", "0", "7"));
    for (int i = 0; i < 30; i++) {
      args.add("0");
    }
    assertThat(exec(args.toArray(String[]::new))).isEqualTo(7);
    assertThat(err()).contains("--halt now");
  }

  @Test
  void theExitStatusCountsFailedJobsAndSays101ForMoreThanAHundred() {
    assertThat(exec("exit {}", ":::", "0", "1", "2", "3")).isEqualTo(3);
    String[] many = new String[105];
    Arrays.fill(many, "1");
    List<String> args = new ArrayList<>(List.of("-j", "8", "exit {}", ":::"));
    args.addAll(List.of(many));
    assertThat(exec(args.toArray(String[]::new))).isEqualTo(101);
  }

  @Test
  void aSignalThatKilledAJobIsInTheJobLog() throws Exception {
    Path log = dir.resolve("sig.tsv");
    assertThat(exec("--joblog", log.toString(), "kill -9 $$", ":::", "1")).isEqualTo(1);
    String[] cols = Files.readAllLines(log).get(1).split("\t");
    assertThat(cols[7]).isEqualTo("9");
  }

  @Test
  void badUsageExits255WithAClearMessage() {
    assertThat(exec("--no-such-option", "echo")).isEqualTo(255);
    assertThat(err()).contains("--no-such-option");
    assertThat(exec("echo", "::::", dir.resolve("missing.txt").toString())).isEqualTo(255);
    assertThat(err()).contains("missing.txt");
    assertThat(exec("-j", "many", "echo", ":::", "1")).isEqualTo(255);
    assertThat(err()).contains("-j takes");
    assertThat(exec("--halt", "later", "echo", ":::", "1")).isEqualTo(255);
    assertThat(err()).contains("--halt takes");
  }

  @Test
  void aCommandThatDoesNotExistFailsEachJobByNameAndTheOthersStillRun() {
    assertThat(exec("-k", "no-such-command-here", ":::", "1", "2")).isEqualTo(2);
    assertThat(err()).contains("cannot run 'no-such-command-here'");
    out.reset();
    assertThat(exec("-k", "if test {} = 2; then no-such-command-here; else echo ok {}; fi", ":::", "1", "2", "3")).isEqualTo(1);
    assertThat(lines()).containsExactly("ok 1", "ok 3");
  }

  @Test
  void dryRunPrintsTheCommandsQuotedAndRunsNothing() throws Exception {
    Path marker = dir.resolve("ran");
    assertThat(exec("-k", "--dry-run", "touch", marker.toString(), "{}", ":::", "a b", "c")).isZero();
    assertThat(lines()).containsExactly("touch " + marker + " 'a b'", "touch " + marker + " c");
    assertThat(marker).doesNotExist();
  }

  @Test
  void manyArgumentsPerCommandFillOnePlaceOrRepeatTheirContext() {
    assertThat(exec("-j", "1", "-m", "echo", "start", "{}", "end", ":::", "1", "2", "3")).isZero();
    assertThat(lines()).containsExactly("start 1 2 3 end");
    out.reset();
    assertThat(exec("-j", "1", "-X", "echo", "a{}b", ":::", "1", "2", "3")).isZero();
    assertThat(lines()).containsExactly("a1b a2b a3b");
    out.reset();
    assertThat(exec("-j", "1", "-X", "echo x{}y | tr x X", ":::", "1", "2")).isZero();
    assertThat(lines()).containsExactly("X1y X2y");
    out.reset();
    // With several slots the inputs are spread evenly over them, as GNU parallel's -m does.
    assertThat(exec("-j", "2", "-k", "-m", "echo", ":::", "1", "2", "3", "4")).isZero();
    assertThat(lines()).containsExactly("1 2", "3 4");
  }

  @Test
  void manyArgumentsStayWithinTheCommandLineLimit() {
    String[] args = new String[30_000];
    java.util.Arrays.fill(args, "x".repeat(20)); // 600,000 characters: more than one shell argument holds
    List<String> all = new ArrayList<>(List.of("-j", "1", "-m", "echo {} | wc -w", ":::"));
    all.addAll(List.of(args));
    assertThat(exec(all.toArray(String[]::new))).as(err()).isZero();
    List<Integer> counts = lines().stream().map(String::trim).map(Integer::parseInt).toList();
    assertThat(counts.size()).isGreaterThan(1);
    assertThat(counts.stream().mapToInt(Integer::intValue).sum()).isEqualTo(30_000);
  }

  @Test
  void resultsKeepEachJobsOutputInGnuParallelsLayout() throws Exception {
    Path results = dir.resolve("res");
    assertThat(exec("--results", results.toString(), "echo out-{1}-{2}; echo err >&2", ":::", "a/b", "c", ":::", "1")).isZero();
    assertThat(Files.readString(results.resolve("1").resolve("a%2Fb").resolve("2").resolve("1").resolve("stdout")))
        .isEqualTo("out-a/b-1\n");
    assertThat(Files.readString(results.resolve("1").resolve("c").resolve("2").resolve("1").resolve("stderr"))).isEqualTo("err\n");
    assertThat(Files.readString(results.resolve("1").resolve("c").resolve("2").resolve("1").resolve("seq")).trim()).isEqualTo("2");
    assertThat(out()).contains("out-a/b-1").contains("out-c-1");
  }

  @Test
  void lineBufferPrintsWholeLinesAsTheyComeTaggedWhenAsked() {
    assertThat(exec("-j", "2", "--line-buffer", "--tag", "for i in 1 2 3; do echo {}$i; sleep 0.05; done", ":::", "a", "b"))
        .isZero();
    List<String> l = lines();
    assertThat(l).containsExactlyInAnyOrder("a\ta1", "a\ta2", "a\ta3", "b\tb1", "b\tb2", "b\tb3");
    // Both jobs ran at once and their lines came as written: the blocks are mixed, each line whole.
    assertThat(l.subList(0, 3)).anySatisfy(x -> assertThat(x).startsWith("a")).anySatisfy(x -> assertThat(x).startsWith("b"));
  }

  @Test
  void jobsAtOnceIsACountAPercentageOfTheCoresAnOffsetOrZeroForAll() {
    int cores = Runtime.getRuntime().availableProcessors();
    assertThat(io.jpar.cli.exec.ExecSettingsAccess.jobsAtOnce("3", 10)).isEqualTo(3);
    assertThat(io.jpar.cli.exec.ExecSettingsAccess.jobsAtOnce("50%", 10)).isEqualTo(Math.max(1, Math.round(cores / 2.0f)));
    assertThat(io.jpar.cli.exec.ExecSettingsAccess.jobsAtOnce("+2", 10)).isEqualTo(cores + 2);
    assertThat(io.jpar.cli.exec.ExecSettingsAccess.jobsAtOnce("0", 10)).isEqualTo(10);
    assertThat(io.jpar.cli.exec.ExecSettingsAccess.jobsAtOnce("0", 100_000)).isEqualTo(1024);
    assertThat(io.jpar.cli.exec.ExecSettingsAccess.jobsAtOnce(null, 10)).isEqualTo(cores);
  }

  @Test
  void aTimeoutInPercentKillsAJobFarSlowerThanTheMedian() {
    // Four quick jobs set the median; the fifth sleeps 20 s and is killed at 300% of it.
    long t0 = System.nanoTime();
    assertThat(exec("-j", "1", "--timeout", "300%", "sleep {}", ":::", "0.1", "0.1", "0.1", "0.1", "20")).isEqualTo(1);
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).isLessThan(15);
    assertThat(err()).contains("timed out");
  }

  @Test
  void manyInputsThroughTheShellKeepJobNumbersAndModifiersApart() {
    assertThat(exec("-j", "1", "-m", "echo part{#}: {.}", ":::", "a.txt", "b.txt")).isZero();
    assertThat(lines()).containsExactly("part1: a b");
  }

  @Test
  void lineBufferStillSavesResultsAndNamesFailedJobs() throws Exception {
    Path results = dir.resolve("res");
    assertThat(exec("--line-buffer", "--results", results.toString(), "echo line-{}; exit {}", ":::", "0", "3")).isEqualTo(1);
    assertThat(Files.readString(results.resolve("1").resolve("0").resolve("stdout"))).isEqualTo("line-0\n");
    assertThat(lines()).contains("line-0", "line-3");
    out.reset();
    assertThat(exec("--line-buffer", "no-such-command-here", ":::", "1")).isEqualTo(1);
    assertThat(err()).contains("cannot run 'no-such-command-here'");
  }

  @Test
  void aNewJobLogStartsAfreshUnlessResuming() throws Exception {
    Path log = dir.resolve("jobs.tsv");
    assertThat(exec("--joblog", log.toString(), "true", ":::", "1", "2", "3")).isZero();
    assertThat(exec("--joblog", log.toString(), "true", ":::", "1")).isZero();
    assertThat(Files.readAllLines(log)).hasSize(2); // the header and the one job of the second run
  }

  @Test
  void resultsFolderNamesFitTheFileSystemInBytes() throws Exception {
    Path results = dir.resolve("res");
    String longCjk = "漢".repeat(150); // 450 bytes of UTF-8
    assertThat(exec("--results", results.toString(), "echo", "ok", ":::", longCjk, longCjk + "x")).as(err()).isZero();
    try (var dirs = Files.list(results.resolve("1"))) {
      List<Path> names = dirs.toList();
      assertThat(names).hasSize(2);
      assertThat(names).allSatisfy(n -> assertThat(n.getFileName().toString().getBytes(StandardCharsets.UTF_8).length)
          .isLessThanOrEqualTo(200));
    }
  }

  @Test
  void aChildThatOutlivesItsJobHoldsItNoLongerThanTheTimeout() throws Exception {
    Path pid = dir.resolve("orphan.pid");
    long t0 = System.nanoTime();
    try {
      // The shell exits at once; its background child inherits stdout and sleeps 30 s. Depending on
      // timing the JDK either stops reading at the shell's end (exit 0) or a read is left waiting on
      // the pipe the child holds — then the timeout ends the job (exit 1). Never 30 s.
      int code = exec("--timeout", "2", "sleep 3{} & echo $! > " + pid + "; echo done", ":::", "0");
      assertThat(code).isIn(0, 1);
      assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).isLessThan(15);
    } finally {
      // Once its parent is gone the child cannot be found from the job: the test stops it itself.
      if (Files.exists(pid)) {
        ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  @Test
  void optionsAfterTheCommandBelongToTheCommand() {
    assertThat(exec("-k", "echo", "got", "{}", ":::", "-j", "--halt")).isZero();
    assertThat(lines()).containsExactly("got -j", "got --halt");
  }
}
