package dev.zt.spring.boot;

import dev.zt.core.Caller;
import java.util.ArrayList;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * zt's verified {@link Caller} as a Spring Security {@code Authentication}: the principal is the caller, the
 * authorities {@code SCOPE_<scope>} for each granted scope (Spring Security's resource-server convention) and
 * {@code ROLE_<role>} for each role (so {@code hasRole('admin')} works). No credentials: the token stays in zt.
 */
final class CallerAuthentication extends AbstractAuthenticationToken {

  private static final long serialVersionUID = 1L;

  private final transient Caller caller;

  CallerAuthentication(Caller caller) {
    super(authorities(caller));
    this.caller = caller;
    setAuthenticated(true);
  }

  private static List<GrantedAuthority> authorities(Caller caller) {
    List<GrantedAuthority> a = new ArrayList<>(caller.scopes().size() + caller.roles().size());
    for (String scope : caller.scopes()) {
      a.add(new SimpleGrantedAuthority("SCOPE_" + scope));
    }
    for (String role : caller.roles()) {
      a.add(new SimpleGrantedAuthority("ROLE_" + role));
    }
    return a;
  }

  @Override
  public Object getPrincipal() {
    return caller;
  }

  /** Always {@code null}: zt never hands the token on. */
  @Override
  public Object getCredentials() {
    return null;
  }

  @Override
  public String getName() {
    return caller.getName();
  }
}
