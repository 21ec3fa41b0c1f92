package dev.zt.core.internal;

import java.net.http.HttpClient;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * The {@link HttpClient} of a client that authenticates with {@link ClientCredentials} (an introspection client, a
 * token-exchange client): bounded connect time, no redirects followed, and rebuilt when the TLS client identity of
 * {@code tls_client_auth} (RFC 8705 §2) is swapped, so a rotated certificate is used from the next call on.
 */
public final class CredentialedHttpClient {

  private final ClientCredentials credentials;
  private final Duration connectTimeout;
  private volatile HttpClient client;
  private volatile SSLContext clientContext;

  public CredentialedHttpClient(ClientCredentials credentials, Duration connectTimeout) {
    this.credentials = java.util.Objects.requireNonNull(credentials, "credentials");
    this.connectTimeout = java.util.Objects.requireNonNull(connectTimeout, "connectTimeout");
  }

  /** The client for the credentials' current TLS context (the same one until that context changes). */
  public HttpClient get() {
    SSLContext wanted = credentials.sslContextOrNull();
    HttpClient c = client;
    if (c != null && wanted == clientContext) {
      return c;
    }
    synchronized (this) {
      if (client == null || wanted != clientContext) {
        HttpClient.Builder b = HttpClient.newBuilder()
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER);
        if (wanted != null) {
          b.sslContext(wanted);
        }
        clientContext = wanted;
        client = b.build();
      }
      return client;
    }
  }
}
