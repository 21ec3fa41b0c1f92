/** zt-spiffe: SPIFFE X.509-SVID and JWT-SVID verification for zt's enforcer, and SPIFFE mTLS contexts. */
module dev.zt.spiffe {
  requires transitive dev.zt.core;

  exports dev.zt.spiffe;
}
