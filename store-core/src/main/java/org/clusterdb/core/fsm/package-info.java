/**
 * The pure, deterministic apply logic: commands in, state changes and results out. No consensus,
 * clock, network or file types; state is reached only through {@link
 * org.clusterdb.core.fsm.StateReader} and {@link org.clusterdb.core.fsm.StateWriter}. Internal.
 */
package org.clusterdb.core.fsm;
