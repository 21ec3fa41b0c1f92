/**
 * The Netty 4.2 adapter: {@link dev.zt.netty.ZeroTrustHandler}, a channel handler that puts zt's
 * {@link dev.zt.core.Enforcer} in front of every HTTP request on a connection (HTTP/1.1, and each stream of an
 * HTTP/2 connection in its child channel), answers a denial with the enforcer's wire answer, and never blocks the
 * event loop. Everything else here is the handler's package-private collaborators.
 *
 * <p>The entry point: one handler per channel, right after the HTTP codec.
 *
 * <pre>{@code
 * ChannelInitializer<Channel> perConnection = new ChannelInitializer<>() {
 *   @Override
 *   protected void initChannel(Channel ch) {
 *     ch.pipeline().addLast(new HttpServerCodec(), new ZeroTrustHandler(enforcer), new OrdersHandler());
 *   }
 * };
 * bootstrap.childHandler(perConnection);
 * }</pre>
 *
 * <p>The application's handler, for a request zt allowed:
 *
 * <pre>{@code
 * Caller caller = ZeroTrustHandler.caller(ctx.channel()); // who it is (anonymous on a public route)
 * String path = ZeroTrustHandler.path(ctx.channel());     // route on this: the path zt authorized
 * }</pre>
 *
 * @since 0.1
 */
package dev.zt.netty;
