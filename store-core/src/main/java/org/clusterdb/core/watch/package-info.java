/** Delivery of committed changes to watchers, gap-free and duplicate-free. Internal. */
package org.clusterdb.core.watch;
