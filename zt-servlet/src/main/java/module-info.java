/** zt-servlet: the Jakarta Servlet 6 adapter, a filter that puts zt's enforcer in front of every request. */
module dev.zt.servlet {
  requires transitive dev.zt.core;
  requires transitive jakarta.servlet;

  exports dev.zt.servlet;
}
