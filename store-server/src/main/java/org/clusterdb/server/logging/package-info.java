/**
 * The server's log output in the seed's structured style: the layout that prefixes each line with
 * {@code UTCTime="…" Module="…" Level="…"}, and the rotating log file the configuration asks for.
 */
package org.clusterdb.server.logging;
