/**
 * Token translation (issue 16): after an allow, a gateway forwards a small internal token it minted
 * ({@link dev.zt.core.translate.InternalTokenMinter}) in place of the client's token, which never leaves the gateway.
 */
package dev.zt.core.translate;
