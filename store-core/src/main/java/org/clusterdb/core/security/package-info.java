/**
 * Certificates for the intra-cluster and client TLS: creating a CA, issuing and signing peer
 * certificates, PEM files, and checking the certificate a peer presents against the CA and the
 * peer's configured address, with the seed's status texts; the system key that seals sensitive
 * values, and its wrapping to a peer's TLS public key; and the cluster address mapping, by which
 * peer hosts resolve before DNS ({@link org.clusterdb.core.security.PeerResolver}).
 *
 * <p>Bouncy Castle types appear only here and in the command line that drives this package.
 */
package org.clusterdb.core.security;
