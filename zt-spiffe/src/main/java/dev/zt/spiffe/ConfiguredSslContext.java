package dev.zt.spiffe;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/** An initialized SSLContext whose sockets and engines get TLS 1.3/1.2 only and, server-side, required client auth. */
final class ConfiguredSslContext extends SSLContext {

  ConfiguredSslContext(SSLContext base, boolean server) {
    super(new Spi(base, server), base.getProvider(), base.getProtocol());
  }

  private static final class Spi extends SSLContextSpi {

    private final SSLContext base;
    private final boolean server;

    Spi(SSLContext base, boolean server) {
      this.base = base;
      this.server = server;
    }

    SSLParameters params() {
      SSLParameters p = base.getDefaultSSLParameters();
      p.setProtocols(SpiffeSslContexts.PROTOCOLS.clone());
      p.setEndpointIdentificationAlgorithm(null); // the peer is identified by its SPIFFE ID, not a host name
      if (server) {
        p.setNeedClientAuth(true);
      }
      return p;
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
      throw new KeyManagementException("already initialized by SpiffeSslContexts");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return new Sockets(base.getSocketFactory(), this);
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      return new ServerSockets(base.getServerSocketFactory(), this);
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      SSLEngine e = base.createSSLEngine();
      e.setSSLParameters(params());
      return e;
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      SSLEngine e = base.createSSLEngine(host, port);
      e.setSSLParameters(params());
      return e;
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return base.getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return base.getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      return params();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return base.getSupportedSSLParameters();
    }
  }

  private static final class Sockets extends SSLSocketFactory {

    private final SSLSocketFactory base;
    private final Spi spi;

    Sockets(SSLSocketFactory base, Spi spi) {
      this.base = base;
      this.spi = spi;
    }

    private Socket configure(Socket s) {
      ((SSLSocket) s).setSSLParameters(spi.params());
      return s;
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return base.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return base.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket() throws IOException {
      return configure(base.createSocket());
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
      return configure(base.createSocket(s, host, port, autoClose));
    }

    @Override
    public Socket createSocket(Socket s, InputStream consumed, boolean autoClose) throws IOException {
      return configure(base.createSocket(s, consumed, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return configure(base.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
      return configure(base.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return configure(base.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
        throws IOException {
      return configure(base.createSocket(address, port, localAddress, localPort));
    }
  }

  private static final class ServerSockets extends SSLServerSocketFactory {

    private final SSLServerSocketFactory base;
    private final Spi spi;

    ServerSockets(SSLServerSocketFactory base, Spi spi) {
      this.base = base;
      this.spi = spi;
    }

    private ServerSocket configure(ServerSocket s) {
      ((SSLServerSocket) s).setSSLParameters(spi.params());
      return s;
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return base.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return base.getSupportedCipherSuites();
    }

    @Override
    public ServerSocket createServerSocket() throws IOException {
      return configure(base.createServerSocket());
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
      return configure(base.createServerSocket(port));
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) throws IOException {
      return configure(base.createServerSocket(port, backlog));
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress ifAddress) throws IOException {
      return configure(base.createServerSocket(port, backlog, ifAddress));
    }
  }
}
