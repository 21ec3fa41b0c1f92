/** zt-netty: the Netty 4.2 HTTP/1.1 adapter, a channel handler that puts zt's enforcer in front of every request. */
module dev.zt.netty {
  requires transitive dev.zt.core;
  requires transitive io.netty.codec.http;
  requires transitive io.netty.transport;
  requires io.netty.buffer;
  requires io.netty.codec;
  requires io.netty.common;
  requires io.netty.handler;
  requires org.slf4j;

  exports dev.zt.netty;
}
