package dev.zt.core.trust;

import dev.zt.core.Caller;
import dev.zt.core.RequestContext;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Optional;

/**
 * What a {@link TrustSignal} may look at: the request, the authenticated caller (anonymous on public routes), the
 * client's address as the enforcer resolved it (after trusted proxies), and the time.
 *
 * @param request the request
 * @param caller the caller
 * @param clientAddress the client's address, when known
 * @param now the enforcer's clock
 * @since 0.1
 */
public record TrustContext(RequestContext request, Caller caller, Optional<InetAddress> clientAddress, Instant now) {}
