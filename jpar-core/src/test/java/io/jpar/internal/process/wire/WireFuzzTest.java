package io.jpar.internal.process.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpar.internal.process.wire.Frame.ProtocolException;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random and damaged bytes against every decoder: the worker's ({@link Message.ToWorker#decode}), the
 * parent's ({@link Message.ToParent#decode}), both sides' stream readers ({@link
 * Message.ToWorker#readFrom}, {@link Message.ToParent#readFrom}: values decoded as they arrive), {@link
 * Frame#readFrom} and {@link Values#parse}/{@link
 * Values#read}. Each either decodes or says what is wrong with a {@link ProtocolException} (an
 * {@link EOFException} for a stream that ends inside a frame; the codec's own exceptions for codec
 * bytes it cannot read) — never another exception, never a hang (each try runs under a watchdog),
 * and never an allocation out of proportion to the bytes it was given (measured per try), which is
 * what a count or length trusted without checking would cause. Damaged frames are valid ones with bits
 * flipped, bytes cut off, added or removed, and ints (lengths, counts, ids) overwritten. jqwik's own
 * edge cases are off (their combinations outnumber the tries); the generators mix edge values in.
 */
class WireFuzzTest {
  private static final JavaSerializationCodec CODEC = new JavaSerializationCodec();
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  /** A frame up to 1 MiB is allocated at its announced size; the rest is the decoders' own garbage. */
  private static final long ALLOCATION_SLACK = 4L << 20;
  private static final Duration WATCHDOG = Duration.ofSeconds(10);
  private static volatile Thread decoderThread;
  private static final ExecutorService DECODER = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "wire-fuzz-decoder");
    t.setDaemon(true); // a decoder stuck for ever must not keep the test JVM alive
    decoderThread = t;
    return t;
  });

  // ---- properties ----

  @Property(tries = 300, edgeCases = EdgeCasesMode.NONE)
  void everyMessageRoundTrips(@ForAll("messages") Message m) throws IOException {
    Frame f = MessageRoundTripTest.frameOf(m);
    Message decoded = m instanceof Message.ToWorker ? Message.ToWorker.decode(f) : Message.ToParent.decode(f);
    assertThat(decoded).isEqualTo(m);
  }

  @Property(tries = 1000, edgeCases = EdgeCasesMode.NONE)
  void randomPayloadsAreDecodedOrRejectedOnBothSides(@ForAll("types") byte type, @ForAll("payloads") byte[] payload)
      throws Exception {
    bounded(payload.length, () -> decodeOnBothSides(new Frame(type, payload)));
  }

  @Property(tries = 500, edgeCases = EdgeCasesMode.NONE)
  void randomStreamsAreReadAsFramesOrRejected(@ForAll boolean magicFirst, @ForAll("payloads") byte[] bytes)
      throws Exception {
    if (magicFirst && bytes.length > 0) {
      bytes[0] = Frame.MAGIC;
    }
    bounded(bytes.length, () -> readAndDecode(bytes));
  }

  @Property(tries = 1500, edgeCases = EdgeCasesMode.NONE)
  void damagedFramesAreDecodedOrRejected(
      @ForAll("messages") Message m, @ForAll("damages") List<Damage> damages, @ForAll boolean fixFrameLength)
      throws Exception {
    byte[] bytes = MessageRoundTripTest.bytesOf(m);
    for (Damage d : damages) {
      bytes = d.apply(bytes);
    }
    if (fixFrameLength && bytes.length >= Frame.HEADER_LENGTH) {
      // Keep the envelope whole, so that the damage reaches the payload decoders.
      ByteBuffer.wrap(bytes).putInt(2, bytes.length - Frame.HEADER_LENGTH);
    }
    byte[] damaged = bytes;
    bounded(damaged.length, () -> readAndDecode(damaged));
  }

  @Property(tries = 1000, edgeCases = EdgeCasesMode.NONE)
  void damagedValueBlocksAreReadOrRejected(@ForAll("valueArrays") Object[] values, @ForAll("damages") List<Damage> damages)
      throws Exception {
    byte[] bytes = encode(values).toByteArray();
    for (Damage d : damages) {
      bytes = d.apply(bytes);
    }
    byte[] damaged = bytes;
    bounded(damaged.length, () -> parseAndRead(damaged));
  }

  @Property(tries = 500, edgeCases = EdgeCasesMode.NONE)
  void randomValueBlocksAreReadOrRejected(
      @ForAll("tags") byte tag, @ForAll("ints") int count, @ForAll("payloads") byte[] rest) throws Exception {
    byte[] block = ByteBuffer.allocate(5 + rest.length).put(tag).putInt(count).put(rest).array();
    bounded(block.length, () -> parseAndRead(block));
  }

  // ---- what every try checks ----

  /**
   * Runs {@code decode} on the decoding thread under a watchdog, and fails if it allocates far more than
   * its input's size. One thread serves every try (a thread per try would cost more than the decoding).
   */
  private static void bounded(int inputLength, Decoding decode) throws Exception {
    Future<Long> allocated = DECODER.submit(() -> {
      long before = THREADS.getCurrentThreadAllocatedBytes();
      decode.run();
      return THREADS.getCurrentThreadAllocatedBytes() - before;
    });
    try {
      assertThat(allocated.get(WATCHDOG.toMillis(), TimeUnit.MILLISECONDS))
          .as("bytes allocated to decode %d bytes", inputLength)
          .isLessThan(ALLOCATION_SLACK + 64L * inputLength);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Error err) {
        throw err; // an assertion about what the decoder did
      }
      throw (Exception) e.getCause();
    } catch (TimeoutException e) {
      StringBuilder where = new StringBuilder();
      for (StackTraceElement el : decoderThread.getStackTrace()) {
        where.append("\n  at ").append(el);
      }
      throw new AssertionError("decoding " + inputLength + " bytes did not end within " + WATCHDOG + "; it is" + where);
    }
  }

  @FunctionalInterface
  private interface Decoding {
    void run() throws Exception;
  }

  /** The bytes read as a frame and decoded, and read by each side's reader as they arrive: the same rules. */
  private static void readAndDecode(byte[] bytes) throws IOException {
    for (StreamReader reader : List.<StreamReader>of(Message.ToWorker::readFrom, Message.ToParent::readFrom)) {
      Message m;
      try {
        m = reader.read(new DataInputStream(new ByteArrayInputStream(bytes)));
      } catch (ProtocolException | EOFException e) {
        assertSaysWhat(e);
        continue;
      }
      readValuesOf(m);
    }
    Frame f;
    try {
      f = Frame.readFrom(new DataInputStream(new ByteArrayInputStream(bytes)));
    } catch (ProtocolException | EOFException e) {
      assertSaysWhat(e);
      return;
    }
    decodeOnBothSides(f);
  }

  /** Both decoders: each frame type is meant for one side, and the other must refuse it just as clearly. */
  private static void decodeOnBothSides(Frame f) {
    for (Decoder decoder : List.<Decoder>of(Message.ToWorker::decode, Message.ToParent::decode)) {
      Message m;
      try {
        m = decoder.decode(f);
      } catch (ProtocolException e) {
        assertSaysWhat(e);
        continue;
      }
      readValuesOf(m);
    }
  }

  private static void readValuesOf(Message m) {
    if (m instanceof RunBatch b) {
      read(b.inputs());
    } else if (m instanceof Results r) {
      read(r.values());
    }
  }

  private static void parseAndRead(byte[] block) {
    try {
      read(Values.parse(block));
    } catch (ProtocolException e) {
      assertSaysWhat(e);
    }
  }

  private static void read(EncodedValues block) {
    try {
      Object[] values = Values.read(block, CODEC);
      assertThat(values).hasSize(block.count());
    } catch (ProtocolException e) {
      assertSaysWhat(e);
    } catch (IOException | ClassNotFoundException e) {
      // The codec refused bytes it cannot read (both sides turn that into failures of those inputs).
    }
  }

  private static void assertSaysWhat(IOException e) {
    assertThat(e.getMessage()).as("the exception's message").isNotBlank();
  }

  @FunctionalInterface
  private interface StreamReader {
    Message read(DataInputStream in) throws IOException;
  }

  @FunctionalInterface
  private interface Decoder {
    Message decode(Frame f) throws ProtocolException;
  }

  // ---- damage ----

  enum Kind { FLIP_BIT, SET_BYTE, SET_INT, TRUNCATE, INSERT, DELETE, APPEND }

  /** One change to a byte array; {@code at} is taken modulo the array's size, so any int will do. */
  record Damage(Kind kind, int at, int value) {
    byte[] apply(byte[] b) {
      int n = b.length;
      int i = n == 0 ? 0 : Math.floorMod(at, n);
      return switch (kind) {
        case FLIP_BIT -> n == 0 ? b : with(b, i, (byte) (b[i] ^ (1 << (value & 7))));
        case SET_BYTE -> n == 0 ? b : with(b, i, (byte) value);
        case SET_INT -> {
          if (n < 4) {
            yield b;
          }
          byte[] c = b.clone();
          ByteBuffer.wrap(c).putInt(Math.floorMod(at, n - 3), value);
          yield c;
        }
        case TRUNCATE -> Arrays.copyOf(b, Math.floorMod(at, n + 1));
        case INSERT -> {
          byte[] c = new byte[n + 1];
          System.arraycopy(b, 0, c, 0, i);
          c[i] = (byte) value;
          System.arraycopy(b, i, c, i + 1, n - i);
          yield c;
        }
        case DELETE -> {
          if (n == 0) {
            yield b;
          }
          byte[] c = new byte[n - 1];
          System.arraycopy(b, 0, c, 0, i);
          System.arraycopy(b, i + 1, c, i, n - i - 1);
          yield c;
        }
        case APPEND -> {
          byte[] c = Arrays.copyOf(b, n + 1 + (value & 7));
          Arrays.fill(c, n, c.length, (byte) value);
          yield c;
        }
      };
    }

    private static byte[] with(byte[] b, int i, byte v) {
      byte[] c = b.clone();
      c[i] = v;
      return c;
    }
  }

  @Provide
  Arbitrary<List<Damage>> damages() {
    return Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.integers(), ints())
        .as(Damage::new).list().ofMinSize(1).ofMaxSize(3);
  }

  /** Ints for lengths and counts: any, but often an edge (0, -1, MAX, MIN) or a small length. */
  @Provide
  Arbitrary<Integer> ints() {
    return Arbitraries.oneOf(Arbitraries.integers(), Arbitraries.integers().between(-2, 300),
        Arbitraries.of(Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE - 7));
  }

  // ---- messages and values ----

  @Provide
  Arbitrary<Message> messages() {
    Arbitrary<byte[]> blobs = Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
    Arbitrary<EncodedValues> blocks = valueArrays().map(WireFuzzTest::encode);
    Arbitrary<Integer> limits = Arbitraries.integers().greaterOrEqual(0);
    Arbitrary<Config> configs = Combinators.combine(Arbitraries.integers(), wellFormedStrings(), wellFormedStrings(),
            Arbitraries.of(true, false), limits, limits, blobs)
        .as(Config::new);
    Arbitrary<RunBatch> batches = Combinators.combine(Arbitraries.longs(), Arbitraries.integers(), blobs, blocks)
        .as(RunBatch::new);
    Arbitrary<Results> results = Combinators.combine(Arbitraries.longs(), Arbitraries.integers().greaterOrEqual(0),
            Arbitraries.of(true, false), Arbitraries.longs(), Arbitraries.longs(), blocks)
        .as(Results::new);
    Arbitrary<Fatal> fatals = Combinators.combine(Arbitraries.longs(), Arbitraries.integers().greaterOrEqual(0), blobs)
        .as(Fatal::new);
    return Arbitraries.oneOf(configs, batches, Arbitraries.just(new Shutdown()), Arbitraries.longs().map(Hello::new),
        results, Combinators.combine(Arbitraries.of(true, false), blobs).as(InitFailed::new), fatals,
        Arbitraries.just(new Heartbeat()));
  }

  @Provide
  Arbitrary<Object[]> valueArrays() {
    Arbitrary<Object> mixed = Arbitraries.oneOf(Arbitraries.integers(), Arbitraries.longs(), Arbitraries.strings().ofMaxLength(8),
            Arbitraries.doubles(), Arbitraries.bigIntegers().map(BigDecimal::new), Arbitraries.integers().list().ofMaxSize(3))
        .injectNull(0.1);
    return Arbitraries.oneOf(
        Arbitraries.integers().list().ofMaxSize(20).map(List::toArray),
        Arbitraries.longs().list().ofMaxSize(10).map(List::toArray),
        Arbitraries.doubles().list().ofMaxSize(10).map(List::toArray),
        Arbitraries.strings().ofMaxLength(12).list().ofMaxSize(10).map(List::toArray),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(20).list().ofMaxSize(4).map(List::toArray),
        Arbitraries.integers().array(int[].class).ofMaxSize(10).list().ofMaxSize(4).map(List::toArray),
        Arbitraries.doubles().array(double[].class).ofMaxSize(6).list().ofMaxSize(4).map(List::toArray),
        Arbitraries.of(true, false).array(boolean[].class).ofMaxSize(6).list().ofMaxSize(4).map(List::toArray),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(12).map(b -> (Object) ByteBuffer.wrap(b)).list().ofMaxSize(4)
            .map(List::toArray),
        mixed.list().ofMaxSize(6).map(List::toArray));
  }

  @Provide
  Arbitrary<Byte> types() {
    return Arbitraries.oneOf(Arbitraries.of(Frame.CONFIG, Frame.BATCH, Frame.SHUTDOWN, Frame.HELLO, Frame.RESULTS,
        Frame.INIT_FAILED, Frame.FATAL, Frame.HEARTBEAT), Arbitraries.bytes());
  }

  @Provide
  Arbitrary<Byte> tags() {
    return Arbitraries.oneOf(Arbitraries.bytes().between((byte) 0, (byte) 7), Arbitraries.bytes());
  }

  @Provide
  Arbitrary<byte[]> payloads() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(120);
  }

  /** Strings that survive UTF-8: no unpaired surrogates (supplementary characters are in the round-trip test). */
  private static Arbitrary<String> wellFormedStrings() {
    return Arbitraries.strings().withCharRange('\u0000', '\ud7ff').withCharRange('\ue000', '\uffff').ofMaxLength(16);
  }

  private static EncodedValues encode(Object[] values) {
    try {
      return Values.encode(values, CODEC);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
