package io.jpar.cli.fetch;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Plain-http GETs over HTTP/1.1 keep-alive connections on Netty: one event-loop thread does all the
 * network work, so a request costs a few callbacks there, not a thread. Chosen by measurement against
 * the JDK client, Jetty 12 and Apache HttpClient 5 (BENCHMARKS.md): on one core it used about half
 * their CPU per request. Netty's codec parses HTTP (chunked bodies, content lengths, keep-alive); this
 * class only pools connections per host and port, streams bodies, and keeps time.
 *
 * <p>Threads: callers block in {@link #get} on a future; the connection's handler completes it on the
 * event loop. A connection is used by one exchange at a time: it is in the idle deque, or owned by
 * the one exchange that took it from there (or opened it).
 */
final class NettyTransport implements Transport {
  /** Real sites send big cookies and long headers; Netty's default limit (8 KB) refuses some. */
  private static final int MAX_HEADER_BYTES = 64 * 1024;

  private final EventLoopGroup loop;
  private final Bootstrap bootstrap;
  private final Map<String, ConcurrentLinkedDeque<Channel>> idle = new ConcurrentHashMap<>();

  NettyTransport(Duration connectTimeout) {
    // Daemon: a forgotten close must not keep the JVM alive.
    this.loop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("jpar-fetch-io", true), NioIoHandler.newFactory());
    this.bootstrap = new Bootstrap().group(loop).channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new HttpClientCodec(4096, MAX_HEADER_BYTES, 8192), new Connection());
          }
        });
  }

  @Override
  public Reply get(URI uri, Map<String, String> headers, Duration timeout, Path bodyFile) throws IOException, InterruptedException {
    String origin = origin(uri);
    Channel reused = takeIdle(origin);
    if (reused != null) {
      try {
        return exchange(reused, true, origin, uri, headers, timeout, bodyFile);
      } catch (StaleConnection e) {
        // The server closed a kept-alive connection before it saw the request: safe to send again.
      }
    }
    return exchange(connect(uri, origin), false, origin, uri, headers, timeout, bodyFile);
  }

  private Reply exchange(Channel ch, boolean reused, String origin, URI uri, Map<String, String> headers, Duration timeout,
      Path bodyFile) throws IOException, InterruptedException {
    Exchange ex = new Exchange(origin, reused, timeout.toNanos(), bodyFile);
    DefaultFullHttpRequest request = request(uri, headers);
    // Everything about the exchange happens on the event loop, the channel's one owner: installing it
    // as the connection's current exchange, arming its timer, writing. (Set from the caller's thread,
    // a close handled on the loop at the same moment could clear it unseen, and the caller would wait
    // for ever.)
    ch.eventLoop().execute(() -> {
      Connection conn = ch.pipeline().get(Connection.class);
      if (conn == null || !ch.isActive()) { // closed between takeIdle and now: the pipeline may be gone
        ch.close();
        ex.reply.completeExceptionally(reused ? new StaleConnection(null)
            : new IOException("the connection to " + ex.origin + " closed before the request was sent"));
        return;
      }
      conn.current = ex;
      conn.watch(ch, ex);
      ch.writeAndFlush(request).addListener((ChannelFutureListener) f -> {
        if (!f.isSuccess()) {
          conn.fail(f.channel(), ex, f.cause());
        }
      });
    });
    return await(ex.reply);
  }

  private Channel takeIdle(String origin) {
    ConcurrentLinkedDeque<Channel> q = idle.get(origin);
    for (Channel c; q != null && (c = q.pollFirst()) != null; ) {
      if (c.isActive()) {
        return c;
      }
    }
    return null;
  }

  private Channel connect(URI uri, String origin) throws IOException, InterruptedException {
    // Resolved here, on the caller's (virtual) thread: Netty's default resolver blocks, and on the one
    // event loop a slow or unknown host would stall every other transfer.
    java.net.InetAddress address;
    try {
      address = java.net.InetAddress.getByName(uri.getHost());
    } catch (java.net.UnknownHostException e) {
      throw new IOException("unknown host " + uri.getHost(), e);
    }
    CompletableFuture<Channel> opened = new CompletableFuture<>();
    bootstrap.connect(new java.net.InetSocketAddress(address, port(uri))).addListener((ChannelFutureListener) f -> {
      if (f.isSuccess()) {
        opened.complete(f.channel());
      } else {
        opened.completeExceptionally(f.cause());
      }
    });
    try {
      return await(opened);
    } catch (io.netty.channel.ConnectTimeoutException e) {
      throw new HttpConnectTimeoutException("could not connect to " + origin + " in time");
    }
  }

  /** Waits on a future the way a virtual thread can without holding its carrier. */
  private static <T> T await(CompletableFuture<T> f) throws IOException, InterruptedException {
    try {
      return f.get();
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      if (c instanceof io.netty.channel.ConnectTimeoutException t) {
        throw new HttpConnectTimeoutException(t.getMessage());
      }
      throw new IOException(c.getMessage() == null ? c.toString() : c.getMessage(), c);
    }
  }

  private static DefaultFullHttpRequest request(URI uri, Map<String, String> headers) {
    String target = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      target += "?" + uri.getRawQuery();
    }
    DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, target, Unpooled.EMPTY_BUFFER);
    HttpHeaders h = req.headers();
    h.set(HttpHeaderNames.HOST, uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + uri.getPort());
    h.set(HttpHeaderNames.USER_AGENT, USER_AGENT);
    h.set(HttpHeaderNames.ACCEPT, "*/*");
    headers.forEach(h::set); // the user's headers win over the defaults above
    return req;
  }

  static int port(URI uri) {
    return uri.getPort() == -1 ? 80 : uri.getPort();
  }

  static String origin(URI uri) {
    return uri.getHost() + ":" + port(uri);
  }

  @Override
  public void close() {
    // Quiet period 0: nothing more will be sent. Waiting here matters: a thread still in epoll when
    // the JVM exits makes the exit wait (HotSpot gives threads in native code up to 300 ms).
    loop.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  /** The connection was found closed before any answer on it; only for a reused connection. */
  private static final class StaleConnection extends IOException {
    private static final long serialVersionUID = 1L;

    StaleConnection(Throwable cause) {
      super("a kept-alive connection was closed by the server", cause);
    }
  }

  /** One request's state. Fields other than the future are touched only on the event loop. */
  private final class Exchange {
    final String origin;
    final boolean reused;
    final long timeoutNanos;
    final Path bodyFile;
    final CompletableFuture<Reply> reply = new CompletableFuture<>();
    int status;
    boolean informational;
    boolean keepAlive;
    boolean answered; // any byte of an answer came
    String location;
    String retryAfter;
    long bytes;
    long lastActivity = System.nanoTime();
    FileChannel out;
    ScheduledFuture<?> timer; // the pending timeout check; cancelled when the exchange ends

    void stopTimer() {
      if (timer != null) {
        timer.cancel(false); // a timer left to fire 30 s later would keep every exchange queued till then
        timer = null;
      }
    }

    Exchange(String origin, boolean reused, long timeoutNanos, Path bodyFile) {
      this.origin = origin;
      this.reused = reused;
      this.timeoutNanos = timeoutNanos;
      this.bodyFile = bodyFile;
    }

    void closeFile() {
      if (out != null) {
        try {
          out.close();
        } catch (IOException e) {
          // the exchange already failed or the data is written; nothing more to tell
        }
        out = null;
      }
    }
  }

  /** The end of a connection's pipeline: hands its events to the exchange in flight on it. */
  private final class Connection extends SimpleChannelInboundHandler<HttpObject> {
    /** The exchange in flight; read and written on the event loop only. */
    Exchange current;
    private final java.util.concurrent.atomic.AtomicBoolean parked = new java.util.concurrent.atomic.AtomicBoolean();

    /** Times the exchange out after {@code timeout} of silence; re-arms itself while data flows. */
    void watch(Channel ch, Exchange ex) {
      if (current != ex || ex.reply.isDone()) {
        return;
      }
      long quiet = System.nanoTime() - ex.lastActivity;
      if (quiet >= ex.timeoutNanos) {
        fail(ch, ex, new HttpTimeoutException("no answer from " + ex.origin + " within " + ex.timeoutNanos / 1_000_000 + " ms"));
      } else {
        ex.timer = ch.eventLoop().schedule(() -> watch(ch, ex), ex.timeoutNanos - quiet, TimeUnit.NANOSECONDS);
      }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      Exchange ex = current;
      if (ex == null) {
        ctx.close(); // bytes nobody asked for on an idle connection: it cannot be trusted for the next request
        return;
      }
      ex.answered = true;
      ex.lastActivity = System.nanoTime();
      if (msg.decoderResult().isFailure()) {
        fail(ctx.channel(), ex, new IOException("not a valid HTTP answer from " + ex.origin + ": " + msg.decoderResult().cause().getMessage()));
        return;
      }
      if (msg instanceof HttpResponse r) {
        int code = r.status().code();
        ex.informational = code >= 100 && code < 200 && code != 101; // 100 Continue and the like: a final answer follows
        if (!ex.informational) {
          ex.status = code;
          ex.keepAlive = HttpUtil.isKeepAlive(r);
          ex.location = r.headers().get(HttpHeaderNames.LOCATION);
          ex.retryAfter = r.headers().get(HttpHeaderNames.RETRY_AFTER);
        }
      }
      if (msg instanceof HttpContent c) {
        if (!ex.informational) {
          ByteBuf buf = c.content();
          int n = buf.readableBytes();
          ex.bytes += n;
          if (n > 0 && ex.bodyFile != null && ex.status >= 200 && ex.status < 300) {
            try {
              if (ex.out == null) {
                ex.out = FileChannel.open(ex.bodyFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS);
              }
              while (buf.isReadable()) { // a file takes all of it at once, but the contract allows less
                buf.readBytes(ex.out, buf.readableBytes());
              }
            } catch (IOException e) {
              fail(ctx.channel(), ex, new IOException("cannot write " + ex.bodyFile + ": " + e.getMessage(), e));
              return;
            }
          }
        }
        if (c instanceof LastHttpContent) {
          if (ex.informational) {
            ex.informational = false;
          } else {
            finish(ctx.channel(), ex);
          }
        }
      }
    }

    private void finish(Channel ch, Exchange ex) {
      current = null;
      ex.stopTimer();
      boolean written = ex.out != null;
      ex.closeFile();
      if (ex.bodyFile != null && !written && ex.status >= 200 && ex.status < 300) {
        try { // an empty body is still a file
          FileChannel.open(ex.bodyFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
              java.nio.file.LinkOption.NOFOLLOW_LINKS).close();
        } catch (IOException e) {
          ch.close();
          ex.reply.completeExceptionally(new IOException("cannot write " + ex.bodyFile + ": " + e.getMessage(), e));
          return;
        }
      }
      if (ex.keepAlive && ch.isActive()) {
        ConcurrentLinkedDeque<Channel> q = idle.computeIfAbsent(ex.origin, o -> new ConcurrentLinkedDeque<>());
        q.addFirst(ch);
        if (!parked.getAndSet(true)) { // once per channel: a closed idle connection leaves the deque
          ch.closeFuture().addListener(f -> q.remove(ch));
        }
      } else {
        ch.close();
      }
      ex.reply.complete(new Reply(ex.status, ex.location, ex.retryAfter, ex.bytes));
    }

    /** Fails whatever exchange is in flight on {@code ch} (on the event loop). */
    void fail(Channel ch, Throwable cause) {
      fail(ch, current, cause);
    }

    /** Fails {@code ex}, if it is still pending, and closes the connection (on the event loop). */
    void fail(Channel ch, Exchange ex, Throwable cause) {
      if (current == ex) {
        current = null;
      }
      ch.close();
      if (ex == null || ex.reply.isDone()) {
        return;
      }
      ex.stopTimer();
      ex.closeFile();
      if (ex.reused && !ex.answered && !(cause instanceof HttpTimeoutException)) {
        ex.reply.completeExceptionally(new StaleConnection(cause));
      } else if (cause instanceof IOException io) {
        ex.reply.completeExceptionally(io);
      } else {
        ex.reply.completeExceptionally(new IOException(cause.getMessage() == null ? cause.toString() : cause.getMessage(), cause));
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      fail(ctx.channel(), cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      // An answer that ends with the connection has already ended: the codec delivers its last part
      // before this event. Whatever is still in flight now was cut off.
      Exchange ex = current;
      fail(ctx.channel(), new IOException("the connection to " + (ex == null ? "the server" : ex.origin)
          + " closed before the answer ended"));
    }
  }
}
