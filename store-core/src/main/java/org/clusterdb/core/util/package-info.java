/** Small helpers shared by clusterdb's packages. */
package org.clusterdb.core.util;
