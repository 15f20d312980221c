/**
 * The gRPC services of a clusterdb server over an embedded member. Every failure leaves through
 * {@link org.clusterdb.proto.wire.WireErrors}, the one mapping of errors to gRPC status.
 */
package org.clusterdb.server.grpc;
