package dev.zt.netty;

import dev.zt.core.Enforcer;
import dev.zt.testkit.conformance.ServerHandle;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A Netty HTTP/1.1 server on an ephemeral loopback port: the codec (default limits: 8 KiB of headers), optionally
 * an {@link HttpObjectAggregator}, {@link ZeroTrustHandler}, then the application handler. One event-loop thread,
 * which BlockHound watches.
 */
final class NettyServer {

  private NettyServer() {}

  /**
   * One NIO event-loop thread, by the type Netty 4.1 and 4.2 both have (4.2 deprecates it for
   * {@code MultiThreadIoEventLoopGroup}, which 4.1 lacks): the suites run on the lowest supported Netty too.
   */
  @SuppressWarnings("deprecation")
  static EventLoopGroup oneEventLoop() {
    return new NioEventLoopGroup(1);
  }

  static ServerHandle start(Enforcer enforcer, boolean aggregate, Supplier<ChannelHandler> application)
      throws InterruptedException {
    EventLoopGroup group = oneEventLoop();
    try {
      Channel server = new ServerBootstrap()
          .group(group)
          .channel(NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast("codec", new HttpServerCodec());
              if (aggregate) {
                ch.pipeline().addLast("aggregator", new HttpObjectAggregator(1 << 20));
              }
              ch.pipeline().addLast("zt", new ZeroTrustHandler(enforcer));
              ch.pipeline().addLast("app", application.get());
            }
          })
          .bind("127.0.0.1", 0)
          .sync()
          .channel();
      int port = ((InetSocketAddress) server.localAddress()).getPort();
      return new ServerHandle(port, () -> {
        server.close().sync();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
      });
    } catch (InterruptedException | RuntimeException e) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
      throw e;
    }
  }
}
