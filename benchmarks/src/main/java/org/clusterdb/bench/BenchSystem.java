package org.clusterdb.bench;

/**
 * One system under test: a cluster of three server processes on 127.0.0.1 that this harness
 * installs, starts, drives, breaks and removes. Nodes are numbered from 0. Durability settings are
 * each system's defaults (fsync on); no unsafe flag is ever set.
 */
public interface BenchSystem extends AutoCloseable {
  /** Its name in tables: {@code clusterdb}, {@code etcd} or {@code zookeeper}. */
  String name();

  /** Starts every node on free ports under a fresh directory; returns once the cluster serves. */
  void start() throws Exception;

  /** A new client that may talk to every node; the caller closes it. */
  Driver driver() throws Exception;

  /** A new client that talks to node {@code node} only; the caller closes it. */
  Driver driver(int node) throws Exception;

  /** The index of the node that leads now; waits until one does. */
  int leader() throws Exception;

  /** kill -9 of node {@code node}. */
  void kill(int node) throws Exception;

  /** Starts node {@code node} again on the data it has; returns once its process is up. */
  void restart(int node) throws Exception;

  /**
   * Deletes every byte of node {@code node}'s data (the node must be killed first) and does
   * whatever the system's own procedure is to bring an empty node back into the cluster; returns
   * once its process is up. The node then recovers the data from the others.
   */
  void wipeAndRestart(int node) throws Exception;

  /** Stops every process this system started and deletes its directory. */
  @Override
  void close();
}
