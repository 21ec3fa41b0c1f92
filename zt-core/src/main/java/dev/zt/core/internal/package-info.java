/**
 * Not API: codecs and helpers shared by zt's own modules (strict JSON, path normalization, request targets, client
 * addresses behind trusted proxies, bounded expiring maps, sliding counters). Exported only to zt's modules; it
 * changes without notice.
 */
package dev.zt.core.internal;
