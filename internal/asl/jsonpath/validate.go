package jsonpath

// IsValidPath returns nil when s is a path Step Functions accepts in a
// Path-typed field (InputPath, OutputPath, a "key.$" value), or an error
// whose message explains what is wrong, for a definition diagnostic.
func IsValidPath(s string) error {
	_, err := Parse(s)
	return err
}

// IsValidReferencePath is IsValidPath for reference-path fields
// (ResultPath, ItemsPath, Choice Variable, ...Path comparisons,
// TimeoutSecondsPath, HeartbeatSecondsPath, ...).
func IsValidReferencePath(s string) error {
	_, err := ParseReference(s)
	return err
}
