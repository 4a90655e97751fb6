// Package gateway is shoal's HTTP front door. It identifies the service and
// operation a request names (X-Amz-Target, the smithy CBOR path, the SigV4
// credential scope, the query Action, the REST route), reads the caller's
// account and region from SigV4, optionally verifies the signature, decodes
// the request with the service's codec, invokes the operation through the
// dispatch registry and encodes the result or the AWS error. It also serves
// shoal's own endpoints under /_shoal/ (health, clock, reset).
//
// Nothing outside this package and internal/awsproto knows wire formats.
package gateway
