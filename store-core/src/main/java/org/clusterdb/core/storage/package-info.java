/**
 * RocksDB state stores: key encoding, atomic batches that carry their log position, snapshot views,
 * checkpoints and crash-safe restore. The only package that uses RocksDB. Internal.
 */
package org.clusterdb.core.storage;
