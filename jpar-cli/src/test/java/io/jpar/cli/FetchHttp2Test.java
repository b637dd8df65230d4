package io.jpar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * https with a server that speaks only HTTP/2 (ALPN offers "h2" and nothing else): every URL must come
 * back, which it can only over HTTP/2, and the server counts the HTTP/2 streams it answered.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FetchHttp2Test {
  @TempDir static Path dir;
  static EventLoopGroup group;
  static Channel listener;
  static SelfSignedCert cert;
  static final AtomicInteger h2Streams = new AtomicInteger();

  @BeforeAll
  static void startServer() throws Exception {
    cert = SelfSignedCert.create(dir);
    SslContext tls = SslContextBuilder.forServer(cert.key(), cert.cert()).sslProvider(SslProvider.JDK)
        .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2))
        .build();
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(tls.newHandler(ch.alloc()), new ApplicationProtocolNegotiationHandler("none") {
              @Override
              protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                if (!ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                  ctx.close(); // this server speaks HTTP/2 only
                  return;
                }
                ctx.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(),
                    new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
                      @Override
                      protected void initChannel(Channel stream) {
                        stream.pipeline().addLast(new Answer());
                      }
                    }));
              }
            });
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
  }

  /** Answers each HTTP/2 stream with its own path. */
  private static final class Answer extends SimpleChannelInboundHandler<Http2StreamFrame> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
      if (frame instanceof Http2HeadersFrame h && h.isEndStream()) {
        h2Streams.incrementAndGet();
        byte[] body = ("h2 answer for " + h.headers().path()).getBytes(StandardCharsets.UTF_8);
        ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")
            .setInt("content-length", body.length)));
        ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body), true));
      }
    }
  }

  @AfterAll
  static void stopServer() throws InterruptedException {
    listener.close().sync();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  @Test
  void anHttpsServerThatOffersHttp2IsFetchedOverHttp2() throws Exception {
    int port = ((InetSocketAddress) listener.localAddress()).getPort();
    List<String> args = new ArrayList<>(List.of("fetch", "--retries", "0", "--cacert", cert.pem().toString(),
        "--out", dir.resolve("pages").toString()));
    for (int i = 0; i < 10; i++) {
      args.add("https://localhost:" + port + "/page/" + i);
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
    assertThat(code).as(out + "\n" + err).isZero();
    assertThat(out.toString()).contains("10 ok, 0 failed");
    assertThat(h2Streams.get()).isEqualTo(10);
    try (var files = Files.list(dir.resolve("pages"))) {
      assertThat(files.map(p -> {
        try {
          return Files.readString(p);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      })).contains("h2 answer for /page/3");
    }
  }
}
