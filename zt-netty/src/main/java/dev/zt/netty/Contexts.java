package dev.zt.netty;

import dev.zt.core.Enforcer;
import dev.zt.core.FormBody;
import dev.zt.core.RequestContext;
import dev.zt.core.RequestHeaders;
import dev.zt.core.internal.Upgrades;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AsciiString;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Builds the {@link RequestContext} of a Netty request: the request-target as received, the headers read through
 * (nothing copied), the peer's literal address, the TLS peer chain (the channel's {@link SslHandler}, or its parent
 * connection's for an HTTP/2 stream child channel; looked up once; the list made of its certificates is reused while
 * the session presents the same ones), the arrival stamped by the enforcer,
 * {@code nonBlocking()}, and the first bytes of an aggregated URL-encoded form. One per channel; the enforcer is the
 * request's (a swappable one is read once per request).
 */
final class Contexts {

  private static final AsciiString HTTP2_SETTINGS = AsciiString.cached("http2-settings");

  private final MessageKinds kinds;
  private SslHandler ssl;
  private boolean sslLooked;
  // the connection's peer chain as last read: the certificates the session gave and the list made of them, reused
  // while the session gives the same certificates (every request on the connection), re-read when it does not
  private Certificate[] peerCerts;
  private List<X509Certificate> peerChain = List.of();

  Contexts(MessageKinds kinds) {
    this.kinds = kinds;
  }

  /** The context of {@code request}, stamped and limited by {@code enforcer}, the request's. */
  RequestContext of(Enforcer enforcer, ChannelHandlerContext ctx, HttpRequest request) {
    RequestContext.Builder b = enforcer.stampArrival(RequestContext.forRequestTarget(request.method().name(),
            request.uri()))
        .headers(new Headers(request.headers()))
        .nonBlocking();
    client(ctx, b);
    List<X509Certificate> chain = peerChain(ctx);
    if (!chain.isEmpty()) {
      b.peerCertificates(chain);
    }
    b.scheme(ssl != null ? "https" : "http"); // the Host field is read through the headers view when needed
    if (MessageKinds.is(kinds.of(request), MessageKinds.FULL_REQUEST)) {
      formBody(enforcer, b, (FullHttpRequest) request);
    }
    return b.build();
  }

  /**
   * The context of a request the codec could not parse: method and target as far as they were read, the peer's
   * address and nothing else (none of its fields can be relied on), for the audit of its refusal.
   */
  RequestContext unparsed(Enforcer enforcer, ChannelHandlerContext ctx, HttpRequest request) {
    RequestContext.Builder b = enforcer.stampArrival(RequestContext.forRequestTarget(request.method().name(),
        request.uri()));
    client(ctx, b);
    return b.build();
  }

  private static void client(ChannelHandlerContext ctx, RequestContext.Builder b) {
    SocketAddress remote = ctx.channel().remoteAddress();
    if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
      b.clientAddress(inet.getAddress()); // the peer's literal address: no lookup
    }
  }

  /**
   * An aggregated URL-encoded form: a copy of its first {@link Enforcer#formBodyLimit()} {@code + 1} bytes for
   * inspection (the enforcer still inspects it only after every other gate); the content itself is neither read nor
   * released, and goes on to the application unchanged.
   */
  private static void formBody(Enforcer enforcer, RequestContext.Builder b, FullHttpRequest request) {
    int limit = enforcer.formBodyLimit();
    if (limit > 0 && FormBody.isForm(request.headers().get(HttpHeaderNames.CONTENT_TYPE))) {
      ByteBuf content = request.content();
      b.formBody(ByteBufUtil.getBytes(content, content.readerIndex(), Math.min(content.readableBytes(), limit + 1)));
    }
  }

  /**
   * An {@code h2c} upgrade is ignored, as RFC 9110 §7.8 lets a server do: {@code Upgrade}, {@code HTTP2-Settings} and
   * their {@code Connection} options are removed before anything decides on or sees the request, which is answered
   * over HTTP/1.1. Any other {@code Upgrade} stays, and the enforcer refuses it (403).
   */
  static void ignoreH2c(HttpHeaders headers) {
    boolean settings = headers.contains(HTTP2_SETTINGS);
    if (!headers.contains(HttpHeaderNames.UPGRADE) && !settings) {
      return;
    }
    if (!Upgrades.onlyH2c(headers.getAll(HttpHeaderNames.UPGRADE), settings)) {
      return;
    }
    headers.remove(HttpHeaderNames.UPGRADE);
    headers.remove(HTTP2_SETTINGS);
    List<String> connection = new ArrayList<>();
    for (String v : headers.getAll(HttpHeaderNames.CONNECTION)) {
      String rest = Upgrades.connectionWithoutUpgrade(v);
      if (!rest.isEmpty()) {
        connection.add(rest);
      }
    }
    headers.remove(HttpHeaderNames.CONNECTION);
    if (!connection.isEmpty()) {
      headers.add(HttpHeaderNames.CONNECTION, connection);
    }
  }

  private List<X509Certificate> peerChain(ChannelHandlerContext ctx) {
    if (!sslLooked) {
      ssl = ctx.pipeline().get(SslHandler.class);
      Channel parent = ctx.channel().parent();
      if (ssl == null && parent != null) {
        // a stream child channel (HTTP/2 multiplexing): TLS terminates in the connection's pipeline
        ssl = parent.pipeline().get(SslHandler.class);
      }
      sslLooked = true;
    }
    if (ssl == null) {
      return List.of();
    }
    Certificate[] certs;
    try {
      certs = ssl.engine().getSession().getPeerCertificates();
    } catch (SSLPeerUnverifiedException noClientCertificate) {
      return List.of();
    }
    if (!Arrays.equals(certs, peerCerts)) { // compared every time: a renegotiated session may present another chain
      List<X509Certificate> chain = new ArrayList<>(certs.length);
      for (Certificate c : certs) {
        if (c instanceof X509Certificate x) {
          chain.add(x);
        }
      }
      peerChain = List.copyOf(chain); // immutable: the builder keeps it as it is, no copy per request
      peerCerts = certs;
    }
    return peerChain;
  }

  /**
   * The request's headers as core reads them. The names core asks for on every request are looked up as
   * {@link AsciiString}s, whose case-insensitive hash Netty computes once rather than on each lookup; any other name
   * (a configured inspection header) is looked up as given. A class, not a lambda, so creating it stays a plain
   * allocation on the hot path.
   */
  private static final class Headers implements RequestHeaders {
    private static final Map<String, AsciiString> KNOWN = Map.of(
        "Authorization", HttpHeaderNames.AUTHORIZATION,
        "X-Forwarded-For", AsciiString.cached("x-forwarded-for"),
        "Upgrade", HttpHeaderNames.UPGRADE);

    private final HttpHeaders headers;

    Headers(HttpHeaders headers) {
      this.headers = headers;
    }

    @Override
    public List<String> values(String name) {
      AsciiString known = KNOWN.get(name);
      return known != null ? headers.getAll(known) : headers.getAll(name);
    }

    @Override
    public boolean contains(String name) {
      AsciiString known = KNOWN.get(name);
      return known != null ? headers.contains(known) : headers.contains(name);
    }
  }
}
