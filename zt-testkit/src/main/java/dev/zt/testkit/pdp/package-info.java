/**
 * In-process policy decision points for tests: {@link dev.zt.testkit.pdp.FakeOpa} (OPA's Data API) and
 * {@link dev.zt.testkit.pdp.FakeAuthZen} (the OpenID AuthZEN Authorization API 1.0), each on a loopback port, with a
 * programmable policy, recorded requests and the failure modes (an error status, no answer, malformed JSON, an
 * undefined or non-boolean decision) a client must turn into a deny or an unavailable PDP, never an allow. Neither an
 * OPA binary nor an AuthZEN server can be installed where zt is built: these are written to the published contracts.
 *
 * @since 0.3
 */
package dev.zt.testkit.pdp;
