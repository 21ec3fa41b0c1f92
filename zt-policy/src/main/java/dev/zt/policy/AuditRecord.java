package dev.zt.policy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One decision as {@link AuditExport} writes it (one JSON Lines object; docs/audit-export.md): enough of the request
 * and of the verified caller to decide it again under another policy ({@link AuditReplay}). Holds personal data
 * (claims, client address): keep and share it as such.
 *
 * @param ts when the request arrived
 * @param method the request method
 * @param path the normalized path zt decided on (the raw path when it was refused as unnormalizable)
 * @param query the raw query string, when there was one
 * @param headers the allow-listed request header fields the policy reads (never a credential or cookie)
 * @param credential whether the request presented a credential ({@code Authorization})
 * @param claims the verified token's claims, {@code jti} removed; empty when none was verified
 * @param workload the mTLS workload identity, when there was one
 * @param client the client address zt used (behind trusted proxies: the forwarded one), when known
 * @param decision {@code allow}, {@code deny} or {@code answer}
 * @param status the status of zt's answer (200 for an allow: the application answers)
 * @param rule the deciding rule's id
 * @param reason the deny reason ({@code ALLOWED} for an allow, {@code ANSWERED} for an answer)
 * @param gate the gate that decided ({@code policy} for an allow)
 * @since 0.3
 */
public record AuditRecord(Instant ts, String method, String path, Optional<String> query,
    Map<String, List<String>> headers, boolean credential, Optional<Map<String, Object>> claims,
    Optional<String> workload, Optional<String> client, String decision, int status, String rule, String reason,
    String gate) {

  public AuditRecord {
    Objects.requireNonNull(ts, "ts");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(query, "query");
    headers = Map.copyOf(headers);
    Objects.requireNonNull(claims, "claims");
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(gate, "gate");
  }

  /** The request-target: the path and, when there was one, {@code ?} and the query. */
  public String target() {
    return query.map(q -> path + "?" + q).orElse(path);
  }
}
