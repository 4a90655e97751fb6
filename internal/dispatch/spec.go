package dispatch

// Protocol names, as botocore's service models spell them in metadata.protocols.
const (
	JSON     = "json"               // awsJson1_0 / awsJson1_1 (Spec.JSONVersion)
	Query    = "query"              // form in, XML out
	RestJSON = "rest-json"          // restJson1
	RestXML  = "rest-xml"           // restXml
	CBOR     = "smithy-rpc-v2-cbor" // smithy-rpc-v2-cbor
)

// Spec describes a service the way its botocore model's metadata does. It is
// data only: the gateway and the codecs read it to route and encode.
type Spec struct {
	Name        string   // shoal's name for it: "ssm", "states", "events"
	SigningName string   // SigV4 credential-scope service, e.g. "ssm", "states", "monitoring"
	Protocols   []string // accepted protocols, the model's preferred first
	// TargetPrefix is the X-Amz-Target prefix of the JSON protocols
	// ("AmazonSSM"), and the service name of smithy-rpc-v2-cbor paths.
	TargetPrefix string
	JSONVersion  string // "1.0" or "1.1"
	APIVersion   string // "2014-11-06"; checked against the query Version field
	XMLNamespace string // query and rest-xml response namespace
	// QueryCompatible marks awsQueryCompatible services, whose JSON and CBOR
	// errors also carry the x-amzn-query-error header.
	QueryCompatible bool
	// ValidationCode is the error code for input that fails the model's
	// constraints (required members missing, wrong types):
	// "ValidationException" for most JSON services, "InvalidParameter" for SNS.
	ValidationCode string
}

// HTTP is an operation's REST binding (rest-json and rest-xml only), as in
// the model's "http" member: method, request URI template such as
// "/2015-03-31/functions/{FunctionName}/invocations" or "/{Bucket}/{Key+}",
// and the status of a successful response.
type HTTP struct {
	Method string
	Path   string
	Status int // 200 when zero
}
