/**
 * The public types of clusterdb, shared by the embedded library ({@code store-core}) and the client
 * ({@code store-client}): the {@link org.clusterdb.api.KeyValueStore} operations, immutable value
 * records, and the typed errors.
 *
 * <p>Stability: everything here is public API, changed only compatibly within a major version.
 * Error code numbers are part of the wire protocol and never change.
 */
package org.clusterdb.api;
