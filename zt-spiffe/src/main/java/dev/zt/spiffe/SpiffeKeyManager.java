package dev.zt.spiffe;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Serves this workload's current X.509-SVID from an {@link X509Source} in every handshake, so a rotated SVID is used
 * by the next connection without a restart. The alias names the snapshot's generation, so the chain and the key of
 * one handshake always come from the same snapshot. The peer's list of acceptable issuers is not consulted: SPIFFE
 * peers trust by bundle, and federated peers may name other CAs.
 *
 * @since 0.1
 */
public final class SpiffeKeyManager extends X509ExtendedKeyManager {

  private static final String PREFIX = "zt-spiffe-";

  private final X509Source source;

  /** A key manager serving {@code source}'s current SVID. */
  public SpiffeKeyManager(X509Source source) {
    this.source = Objects.requireNonNull(source, "source");
  }

  private String aliasFor(String... keyTypes) {
    X509Source.Versioned v = source.currentVersioned();
    String alg = v.snapshot().svid().leaf().getPublicKey().getAlgorithm();
    if (keyTypes == null) {
      return null;
    }
    for (String keyType : keyTypes) {
      if (keyType != null && (keyType.equals(alg) || keyType.startsWith(alg + "_"))) {
        return PREFIX + v.generation();
      }
    }
    return null;
  }

  private Optional<SvidSnapshot> snapshot(String alias) {
    if (alias == null || !alias.startsWith(PREFIX)) {
      return Optional.empty();
    }
    try {
      return source.byGeneration(Long.parseLong(alias.substring(PREFIX.length())));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    String alias = aliasFor(keyType);
    return alias == null ? null : new String[] {alias};
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return aliasFor(keyTypes);
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    return aliasFor(keyTypes);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    String alias = aliasFor(keyType);
    return alias == null ? null : new String[] {alias};
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return aliasFor(keyType);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return aliasFor(keyType);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return snapshot(alias).map(s -> s.svid().chain().toArray(new X509Certificate[0])).orElse(null);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return snapshot(alias).map(s -> s.svid().privateKey()).orElse(null);
  }
}
