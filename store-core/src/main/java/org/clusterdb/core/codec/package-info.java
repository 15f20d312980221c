/** Conversions between the public API records and the replicated log format. Internal. */
package org.clusterdb.core.codec;
