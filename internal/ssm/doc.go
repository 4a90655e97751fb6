// Package ssm is AWS Systems Manager Parameter Store: String, StringList
// and SecureString parameters with versions, labels, tags, hierarchies and
// the AWS naming, tier and history rules, served over awsJson1_1
// (AmazonSSM.<Operation>) through the dispatch registry.
//
// The package owns the Parameter Store operations (PutParameter,
// GetParameter, GetParameters, GetParametersByPath, GetParameterHistory,
// DescribeParameters, DeleteParameter, DeleteParameters,
// LabelParameterVersion, UnlabelParameterVersion and the tagging operations
// for resource type Parameter) and nothing else of Systems Manager.
//
// # Persistence
//
// Every parameter belongs to the caller's account and region; all keys start
// with "<account>/<region>/". Three tables:
//
//   - ssm.parameter, key "<account>/<region>/<name>": the parameter — its
//     latest version in full (so GetParameter reads one record), the range
//     of versions kept (Oldest..latest), labels as label → version and
//     tags. Index "parent" holds "<account>/<region>/<parent path>" so a
//     non-recursive GetParametersByPath reads only direct children; a
//     recursive one is a key-prefix scan of "<account>/<region>/<path>/".
//   - ssm.version, key "<account>/<region>/<name>:<20-digit version>": one
//     record per kept version, the latest included. ':' cannot occur in a
//     name, so one parameter's versions never share a prefix with another
//     parameter's. History is a prefix scan in version order; when a 101st
//     version is written the oldest record is deleted (unless labelled:
//     ParameterMaxVersionLimitExceeded).
//   - ssm.key, key "<account>/<region>/<KeyId>": the AES-256 data key that
//     stands in for a KMS key (crypto.go). It is created inside the first
//     PutParameter that needs it.
//
// Each mutation is one store.Update, so a request that fails changes
// nothing; writes of a parameter record are guarded by the version it was
// read at (a lost race is TooManyUpdates). Reads use store.View.
//
// Pagination tokens are base64 of the operation (and, for
// GetParametersByPath, path and mode) and the store cursor to resume after;
// anything else is InvalidNextToken.
//
// Not emulated: parameter policies are validated and reported but never act
// (no expiry, no notification events); shared parameters (RAM); public
// /aws/service/ parameters; the 10,000-parameter Standard tier quota
// (ParameterLimitExceeded); /aws/reference/secretsmanager references
// (SourceResult).
package ssm
