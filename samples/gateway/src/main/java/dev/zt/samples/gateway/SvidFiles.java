package dev.zt.samples.gateway;

import dev.zt.spiffe.SpiffeId;
import dev.zt.spiffe.SvidSnapshot;
import dev.zt.spiffe.TrustBundleSet;
import dev.zt.spiffe.X509Source;
import dev.zt.spiffe.X509Svid;
import dev.zt.spiffe.X509SvidResult;
import dev.zt.spiffe.X509SvidVerifier;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's own X.509-SVID, followed on disk: {@link #check()} re-reads {@code ZT_SVID_CERT} and
 * {@code ZT_SVID_KEY} and, when they changed and hold a valid SVID of the same SPIFFE ID that verifies against the
 * trust bundle, swaps the {@link X509Source}'s snapshot (new upstream connections present it). A bad new pair (half
 * written, mismatched key, expired, another ID, not issued by the bundle) keeps the current SVID and is logged as a
 * WARN; it is retried at the next check, so a pair written file by file is picked up once both are there.
 */
final class SvidFiles {

  private static final Logger LOG = LoggerFactory.getLogger(SvidFiles.class);

  /** What a {@link #check()} did. */
  enum Outcome {
    /** The files hold the SVID in use. */
    UNCHANGED,
    /** A new SVID is in use from now on. */
    ROTATED,
    /** The files changed but do not hold a usable SVID: the current one stays. */
    REJECTED
  }

  private final Path cert;
  private final Path key;
  private final TrustBundleSet bundles;
  private final SpiffeId id;
  private final X509Source source;
  private final Clock clock;
  private byte[] applied; // SHA-256 of the chain and key text in use (contents: a touch is no change)
  private byte[] refused; // the last contents refused, so a bad pair is logged once, not at every poll

  SvidFiles(Path cert, Path key, TrustBundleSet bundles, Clock clock) {
    this.cert = cert;
    this.key = key;
    this.bundles = bundles;
    this.clock = clock;
    this.applied = contents();
    X509Svid svid = verified(GatewayConfig.readSvid(cert, key));
    this.id = svid.spiffeId();
    this.source = X509Source.of(new SvidSnapshot(svid, bundles));
  }

  X509Source source() {
    return source;
  }

  SpiffeId id() {
    return id;
  }

  /** Re-reads the files now; the scheduled poll calls this, and so can a test. */
  synchronized Outcome check() {
    byte[] now;
    try {
      now = contents();
    } catch (IllegalArgumentException e) {
      return refuse(null, e.getMessage());
    }
    if (Arrays.equals(now, applied)) {
      return Outcome.UNCHANGED;
    }
    X509Svid next;
    try {
      next = verified(GatewayConfig.readSvid(cert, key));
    } catch (IllegalArgumentException e) {
      return refuse(now, e.getMessage());
    }
    if (!next.spiffeId().equals(id)) {
      return refuse(now, "the new SVID names " + next.spiffeId() + ", not the gateway's " + id
          + " (the act of its internal tokens and the upstream's ZT_GATEWAY_ID)");
    }
    source.update(new SvidSnapshot(next, bundles));
    applied = now;
    refused = null;
    LOG.info("gateway SVID rotated: {} (serial {}, valid until {}); new upstream connections present it", id,
        next.leaf().getSerialNumber().toString(16), next.leaf().getNotAfter().toInstant());
    return Outcome.ROTATED;
  }

  private Outcome refuse(byte[] contents, String why) {
    if (contents == null || !Arrays.equals(contents, refused)) {
      LOG.warn("gateway SVID files {} / {} changed but are not usable, keeping the current SVID: {}", cert, key,
          why);
    }
    refused = contents;
    return Outcome.REJECTED;
  }

  /** {@code svid} if its chain verifies against the bundle now, else an error saying why. */
  private X509Svid verified(X509Svid svid) {
    X509SvidResult r = X509SvidVerifier.create(clock).verify(svid.chain(), bundles);
    if (r instanceof X509SvidResult.Rejected rejected) {
      throw new IllegalArgumentException("ZT_SVID_CERT is not an X.509-SVID the ZT_X509_BUNDLE trusts ("
          + rejected.rule() + ": " + rejected.detail() + ")");
    }
    return svid;
  }

  private byte[] contents() {
    String c = GatewayConfig.read(cert, "ZT_SVID_CERT");
    String k = GatewayConfig.read(key, "ZT_SVID_KEY");
    try { // a digest: the key's text is not kept around
      return java.security.MessageDigest.getInstance("SHA-256")
          .digest((c + "\u0000" + k).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
