package io.jpar.bench;

import io.netty.bootstrap.Bootstrap;
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
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code netty}: a minimal HTTP/1.1 client on Netty, to see what a hand-made stack would gain over
 * the general-purpose ones. CONCURRENCY slots each hold at most one connection and one request: when a
 * response has been read to its end, the slot takes the next URL from the shared queue and sends it on
 * the same connection (keep-alive), or on a new one if the URL goes to another host or the server
 * closed it. No pool, no pipelining, no retries, plain http only (no TLS).
 *
 * <p>Everything, slots and queue included, lives on the one NIO event loop thread, so none of it
 * needs locks. Responses are streamed (no HttpObjectAggregator): the body's chunks are counted and
 * released as they come.
 */
final class HttpStackNetty {
  private HttpStackNetty() {}

  static void fetchAll(List<URI> urls, int concurrency, HttpTally tally) throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      Bootstrap bootstrap = new Bootstrap()
          .group(group)
          .channel(NioSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true);
      Deque<URI> queue = new ArrayDeque<>(urls);
      group.next().execute(() -> {
        tally.begin();
        for (int i = 0; i < Math.min(concurrency, urls.size()); i++) {
          new Slot(bootstrap, queue, tally).next();
        }
      });
      tally.awaitAll();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /** One request at a time over at most one connection. Used only on the event loop. */
  private static final class Slot {
    private final Bootstrap bootstrap;
    private final Deque<URI> queue;
    private final HttpTally tally;
    private Channel channel; // the open (or opening) connection, or null
    private String channelOrigin; // its "host:port"
    private URI current; // the URL in flight, or null
    private int status;
    private long bytes;
    private boolean keepAlive;

    Slot(Bootstrap bootstrap, Deque<URI> queue, HttpTally tally) {
      this.bootstrap = bootstrap;
      this.queue = queue;
      this.tally = tally;
    }

    /** Takes the next URL and sends it, on the open connection if it goes to the same place. */
    void next() {
      current = queue.poll();
      while (current != null && !"http".equalsIgnoreCase(current.getScheme())) {
        tally.failed(current, new IOException("the netty bench client speaks plain http only"));
        current = queue.poll();
      }
      if (current == null) {
        closeChannel(); // the queue is empty: this slot is done
        return;
      }
      status = 0;
      bytes = 0;
      if (channel != null && channel.isActive() && origin(current).equals(channelOrigin)) {
        send();
      } else {
        closeChannel();
        connect();
      }
    }

    private void connect() {
      Slot slot = this;
      var connecting = bootstrap.clone().handler(new ChannelInitializer<Channel>() {
        @Override
        protected void initChannel(Channel ch) {
          ch.pipeline().addLast(new HttpClientCodec(), new Connection(slot));
        }
      }).connect(current.getHost(), port(current));
      channel = connecting.channel();
      channelOrigin = origin(current);
      connecting.addListener((ChannelFutureListener) f -> {
        if (f.isSuccess()) {
          if (f.channel() == channel) {
            send();
          }
        } else {
          failed(f.channel(), f.cause());
        }
      });
    }

    private void send() {
      String target = current.getRawPath() == null || current.getRawPath().isEmpty() ? "/" : current.getRawPath();
      if (current.getRawQuery() != null) {
        target += "?" + current.getRawQuery();
      }
      var request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, target, Unpooled.EMPTY_BUFFER);
      // HTTP/1.1 keeps the connection alive unless told otherwise; Host is the one header it needs.
      request.headers().set(HttpHeaderNames.HOST, current.getPort() == -1 ? current.getHost() : origin(current));
      // A failed write comes back through exceptionCaught, like every other failure.
      channel.writeAndFlush(request, channel.voidPromise());
    }

    void head(Channel ch, HttpResponse response) {
      if (ch == channel && current != null) {
        status = response.status().code();
        keepAlive = HttpUtil.isKeepAlive(response);
      }
    }

    void content(Channel ch, HttpContent content) {
      if (ch != channel || current == null) {
        return;
      }
      bytes += content.content().readableBytes();
      if (content instanceof LastHttpContent) {
        tally.done(current, status, bytes);
        current = null;
        if (!keepAlive) {
          closeChannel();
        }
        next();
      }
    }

    /** The connection failed or closed: the request on it, if any, failed; the slot goes on. */
    void failed(Channel ch, Throwable cause) {
      if (ch != channel) {
        ch.close(); // an old connection of this slot: nothing depends on it any more
        return;
      }
      closeChannel();
      if (current != null) {
        tally.failed(current, cause);
        next();
      }
    }

    private void closeChannel() {
      if (channel != null) {
        Channel c = channel;
        channel = null; // first, so that the close's own events are seen as stale
        c.close();
      }
    }

    private static int port(URI uri) {
      return uri.getPort() == -1 ? 80 : uri.getPort();
    }

    private static String origin(URI uri) {
      return uri.getHost() + ":" + port(uri);
    }
  }

  /** The end of one connection's pipeline, after HttpClientCodec: hands the events to its slot. */
  private static final class Connection extends SimpleChannelInboundHandler<HttpObject> {
    private final Slot slot;

    Connection(Slot slot) {
      this.slot = slot;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (msg.decoderResult().isFailure()) {
        slot.failed(ctx.channel(), msg.decoderResult().cause());
        return;
      }
      if (msg instanceof HttpResponse response) {
        slot.head(ctx.channel(), response);
      }
      if (msg instanceof HttpContent content) { // a small response can be both head and content
        slot.content(ctx.channel(), content);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      slot.failed(ctx.channel(), cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      slot.failed(ctx.channel(), new ClosedChannelException()); // ignored if nothing was in flight
    }
  }
}
