/**
 * The adapter conformance suite: the tests every zt adapter passes over real HTTP on loopback
 * ({@link dev.zt.testkit.conformance.AdapterConformanceSuite}), with a byte-exact HTTP/1.1 client
 * ({@link dev.zt.testkit.conformance.RawHttp}) for the requests other clients normalize or refuse. It proves that an
 * adapter puts zt's decision on the wire as the decision → wire table says, and that the path zt authorizes is the
 * path the server dispatches on.
 *
 * <p>The entry point: an adapter's test extends the suite and starts a server with the adapter in front.
 *
 * <pre>{@code
 * class MyAdapterConformanceTests extends AdapterConformanceSuite {
 *   @Override
 *   protected ServerHandle start(Enforcer enforcer) throws Exception {
 *     MyServer server = MyServer.start(enforcer); // yours: the adapter in front of a handler per Handler constant
 *     return new ServerHandle(server.port(), server::stop);
 *   }
 * }
 * }</pre>
 *
 * @since 0.1
 */
package dev.zt.testkit.conformance;
