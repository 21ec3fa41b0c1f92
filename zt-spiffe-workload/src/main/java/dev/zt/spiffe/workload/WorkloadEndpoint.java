package dev.zt.spiffe.workload;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A Workload Endpoint address (SPIFFE Workload Endpoint §4): {@code unix:/path} or {@code unix:///path}. TCP
 * addresses are valid in the spec but not supported here (a Workload API served over TCP cannot identify its caller
 * by the socket's peer credentials); they are rejected with a message saying so.
 */
record WorkloadEndpoint(String address, Path socketPath) {

  /** The environment variable the spec names for the endpoint address. */
  static final String ENV = "SPIFFE_ENDPOINT_SOCKET";

  static WorkloadEndpoint parse(String address) {
    Objects.requireNonNull(address, "address");
    URI uri;
    try {
      uri = new URI(address);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("Workload API address is not a URI: " + e.getReason());
    }
    String scheme = uri.getScheme();
    if (scheme == null) {
      throw new IllegalArgumentException("Workload API address has no scheme; expected unix:/path or unix:///path");
    }
    if (scheme.equals("tcp")) {
      throw new IllegalArgumentException("Workload API over tcp:// is not supported; use a unix: socket address");
    }
    if (!scheme.equals("unix")) {
      throw new IllegalArgumentException("Workload API address scheme must be unix, was " + scheme);
    }
    if (uri.isOpaque()) {
      throw new IllegalArgumentException("Workload API unix address must have an absolute path (unix:/path)");
    }
    if (uri.getRawAuthority() != null) {
      throw new IllegalArgumentException("Workload API unix address must not name a host (unix:///path, not"
          + " unix://host/path)");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("Workload API unix address must not have a query or fragment");
    }
    String path = uri.getPath();
    if (path == null || path.isEmpty() || path.equals("/") || path.endsWith("/")) {
      throw new IllegalArgumentException("Workload API unix address must name a socket file");
    }
    return new WorkloadEndpoint(address, Path.of(path));
  }
}
