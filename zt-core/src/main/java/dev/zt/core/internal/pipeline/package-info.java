/**
 * Not API: the enforcement pipeline. Each public configuration type installs its package-private gates through
 * {@link dev.zt.core.internal.pipeline.Features} into an {@link dev.zt.core.internal.pipeline.Assembly}, at the
 * {@link dev.zt.core.internal.pipeline.Assembly.Stage} it belongs to; a request's state is a
 * {@link dev.zt.core.internal.pipeline.RequestState}; {@link dev.zt.core.internal.pipeline.AfterAnswer} steps learn
 * from answers. docs/architecture.md shows where each coming feature plugs in. Exported only to zt's modules.
 */
package dev.zt.core.internal.pipeline;
